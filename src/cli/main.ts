// The `hookstep` command line: argument parsing with commander, then one command from ./commands, each resolving
// to the exit code.
import { Command, CommanderError } from 'commander';
import { ApiError, ConfigError, FlagError, InvalidInputError, VERSION } from '../contract';
import { apiCommand } from './commands/api';
import { automationsCommand } from './commands/automations';
import { codecServerCommand } from './commands/codecServer';
import { devCommand } from './commands/dev';
import { eventsCommand } from './commands/events';
import { receiveCommand } from './commands/receive';
import { runCommand } from './commands/run';
import { schemaCommand } from './commands/schema';
import { sendCommand } from './commands/send';
import { webhooksCommand } from './commands/webhooks';
import { deliveriesCommand } from './commands/deliveries';
import { setupCommand } from './commands/setup';
import { tenantsCommand } from './commands/tenants';
import { workerCommand } from './commands/worker';
import { EXIT } from './shared';

function program(): Command {
  const cli = new Command('hookstep')
    .description('Durable webhook delivery steps on Temporal')
    .version(VERSION)
    .exitOverride()
    .showHelpAfterError();
  const commands = [
    devCommand,
    workerCommand,
    setupCommand,
    codecServerCommand,
    apiCommand,
    webhooksCommand,
    automationsCommand,
    eventsCommand,
    tenantsCommand,
    deliveriesCommand,
    sendCommand,
    receiveCommand,
    runCommand,
    schemaCommand,
  ];
  for (const define of commands) {
    define(cli);
  }
  return cli;
}

export async function main(argv: string[]): Promise<number> {
  try {
    await program().parseAsync(argv);
    return Number(process.exitCode ?? EXIT.ok);
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end here too, with exit code 0.
      return err.exitCode === 0 ? EXIT.ok : EXIT.badInput;
    }
    if (err instanceof InvalidInputError || err instanceof FlagError || err instanceof ConfigError || badRequest(err)) {
      console.error(err.message.replace(/; /g, '\n  '));
      return EXIT.badInput;
    }
    console.error(err instanceof Error ? err.message : String(err));
    return EXIT.failed;
  }
}

/** The API refused the request as invalid: bad input, exit 2, as a schema error on this side would be. */
function badRequest(err: unknown): err is ApiError {
  return err instanceof ApiError && (err.status === 400 || err.status === 404 || err.status === 413);
}

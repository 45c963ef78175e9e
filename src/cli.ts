#!/usr/bin/env node
// The `hookstep` command line: argument parsing with commander, then one command from ./cli/commands.
import { Argument, Command, CommanderError, Option } from 'commander';
import { ConfigError } from './config';
import { InvalidInputError } from './client';
import { EXIT, dev, send, worker, type DevFlags, type SendOptions } from './cli/commands';
import { FlagError } from './cli/flags';
import { run, type RunFlags } from './cli/run';
import { SCHEMA_NAMES, jsonSchema, type SchemaName } from './schema';
import { VERSION } from './version';

const collect = (value: string, previous: string[] = []) => [...previous, value];

function program(): Command {
  const cli = new Command('hookstep')
    .description('Durable webhook delivery steps on Temporal')
    .version(VERSION)
    .exitOverride()
    .showHelpAfterError();

  cli
    .command('dev')
    .description('run a Temporal dev server (with Web UI) and a hookstep worker until Ctrl-C')
    .option('--ephemeral', 'keep state in memory instead of .hookstep/temporal.db')
    .option('--port <port>', 'Temporal frontend port', '7233')
    .option('--ui-port <port>', 'Web UI port (default: port + 1000)')
    .option('--db <file>', 'SQLite file for state', undefined)
    .action(async (flags: DevFlags) => setExit(await dev(flags)));

  cli
    .command('worker')
    .description('run a hookstep worker against TEMPORAL_ADDRESS')
    .action(async () => setExit(await worker()));

  cli
    .command('send')
    .description('send one webhook as a sendWebhook run and wait for the result')
    .argument('<url>', 'http or https URL')
    .option('--field <k=v>', 'body field; k:=json for a number, boolean or null (repeatable)', collect)
    .option('--query <k=v>', 'query parameter (repeatable)', collect)
    .option('--header <k=v>', 'request header (repeatable)', collect)
    .option('--cookie <k=v>', 'cookie (repeatable)', collect)
    .option(
      '--expect <name:type>',
      'declared response field, e.g. ticketId:string or tags:array? (repeatable)',
      collect,
    )
    // Upper-cased here and checked with the step, so `--method put` works and a bad one is named as step.method.
    .addOption(new Option('--method <method>', 'POST, PUT, PATCH or DELETE').argParser((m) => m.toUpperCase()))
    .option('--timeout <duration>', 'per-attempt deadline, e.g. 60s or 1500 (ms)')
    .option('--max-attempts <n>', 'attempts before giving up')
    .option('--secret <secret>', 'Standard Webhooks signing secret, whsec_... (or HOOKSTEP_SIGNING_SECRET)')
    .option('--idempotency-key <key>', 'webhook-id to send (default: the workflow ID)')
    .option('--workflow-id <id>', 'workflow ID (default: hookstep-<uuid>)')
    .option('--json', 'print the result object as JSON on stdout')
    .action(async (url: string, flags: SendOptions) => setExit(await send(url, flags)));

  cli
    .command('run')
    .description('run an automation (steps, delays, data passed between them) and show its progress')
    .argument('<automation.json>', 'automation definition')
    .option('--trigger <trigger.json>', "trigger data, replacing the definition's own")
    .option('--workflow-id <id>', 'workflow ID (default: automation-<id>-<uuid>)')
    .option('--json', 'print the outputs as JSON on stdout')
    .action(async (file: string, flags: RunFlags) => setExit(await run(file, flags)));

  cli
    .command('schema')
    .description('print the JSON Schema of a contract, for builder UIs in any language')
    .addArgument(new Argument('[name]', 'which contract').choices(SCHEMA_NAMES).default('step'))
    .action((name: SchemaName) => console.log(JSON.stringify(jsonSchema(name), null, 2)));

  return cli;
}

function setExit(code: number): void {
  process.exitCode = code;
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
    if (err instanceof InvalidInputError || err instanceof FlagError || err instanceof ConfigError) {
      console.error(err.message.replace(/; /g, '\n  '));
      return EXIT.badInput;
    }
    console.error(err instanceof Error ? err.message : String(err));
    return EXIT.failed;
  }
}

if (require.main === module) {
  void main(process.argv).then((code) => process.exit(code));
}

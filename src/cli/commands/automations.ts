// `hookstep automations create|list|get|update|delete|runs`: stored automations through the HTTP API. The steps come
// from a JSON file, as `hookstep run` reads one (without `id` and `trigger`: hookstep makes the id, the event is the
// trigger); label, event type and tenant as flags or in the file, the flags winning. The API's schema checks it all.
import type { Command } from 'commander';
import type { AutomationRunsFilter, CreateAutomationInput } from '../../contract';
import { apiClientFromEnv, print } from '../apiClient';
import { readJsonObject } from '../files';
import { EXIT, setExit } from '../shared';

interface AutomationFlags {
  file?: string;
  label?: string;
  event?: string;
  tenant?: string;
}

/** The automation the flags describe over the file's; an unknown value is left for the schema to name. */
function automationFromFlags(flags: AutomationFlags): Record<string, unknown> {
  const out: Record<string, unknown> = flags.file ? readJsonObject(flags.file) : {};
  if (flags.label !== undefined) out.label = flags.label;
  if (flags.event !== undefined) out.on = { event: flags.event };
  if (flags.tenant !== undefined) out.tenant = flags.tenant;
  return out;
}

function fieldOptions(command: Command): Command {
  return command
    .option('--file <automation.json>', 'the steps (and label, on, active) as JSON, as `hookstep run` takes them')
    .option('--label <label>', 'a name for people')
    .option('--event <type>', 'the event type that runs it, e.g. order.created');
}

export function automationsCommand(cli: Command): void {
  const automations = cli.command('automations').description('automations run by events, through the HTTP API');
  fieldOptions(automations.command('create').description('register an automation; prints it with its id'))
    .option('--tenant <tenant>', "whose it is (default: a tenant key's own, else default)")
    .option('--inactive', 'register it switched off')
    .action(async (flags: AutomationFlags & { inactive?: boolean }) => {
      const input = { ...automationFromFlags(flags), ...(flags.inactive ? { active: false } : {}) };
      print(await apiClientFromEnv().automations.create(input as CreateAutomationInput));
      setExit(EXIT.ok);
    });
  automations
    .command('list')
    .description('list automations')
    .option('--event <type>', 'only this event type')
    .option('--tenant <tenant>', "only this tenant's (an operator key; a tenant key lists its own)")
    .action(async (flags: { event?: string; tenant?: string }) => {
      const filter = {
        ...(flags.event ? { event: flags.event } : {}),
        ...(flags.tenant ? { tenant: flags.tenant } : {}),
      };
      print(await apiClientFromEnv().automations.list(filter));
      setExit(EXIT.ok);
    });
  automations
    .command('get <id>')
    .action(async (id: string) => setExit((print(await apiClientFromEnv().automations.get(id)), EXIT.ok)));
  fieldOptions(automations.command('update <id>').description('change the fields given; new steps make a new version'))
    .option('--active <true|false>', 'switch it on or off')
    .action(async (id: string, flags: AutomationFlags & { active?: string }) => {
      const changes = automationFromFlags(flags);
      if (flags.active !== undefined)
        changes.active = flags.active === 'true' ? true : flags.active === 'false' ? false : flags.active;
      print(await apiClientFromEnv().automations.update(id, changes));
      setExit(EXIT.ok);
    });
  automations
    .command('delete <id>')
    .action(async (id: string) => setExit((await apiClientFromEnv().automations.delete(id), EXIT.ok)));
  runsCommand(automations);
}

/** `runs <id>`: the run log's newest page, printed as the list of runs. */
function runsCommand(automations: Command): void {
  automations
    .command('runs <id>')
    .description('its runs, newest first: state, event, started, ended, and the step that stopped a failed one')
    .option('--state <state>', 'running, completed or failed')
    .option('--limit <n>', 'at most this many (1 to 1000; default 100)')
    .action(async (id: string, flags: { state?: string; limit?: string }) => {
      // An unknown state or a bad limit is left for the schema to name, as the API would.
      const filter = {
        ...(flags.state === undefined ? {} : { state: flags.state }),
        ...(flags.limit === undefined ? {} : { limit: /^\d+$/.test(flags.limit) ? Number(flags.limit) : flags.limit }),
      } as AutomationRunsFilter;
      print(await apiClientFromEnv().automations.runs(id, filter));
      setExit(EXIT.ok);
    });
}

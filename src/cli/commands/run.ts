// `hookstep run automation.json`: starts an automation, shows a line per step state change while it runs, and
// prints the outputs at the end.
import type { Client } from '@temporalio/client';
import type { Command } from 'commander';
import { checkAutomation, startAutomation } from '../../client';
import { progressQuery, type AutomationInput, type StepProgress } from '../../contract';
import { loadConfig } from '../../worker/config';
import { readJsonObject } from '../files';
import { reportRun, setExit, withClient } from '../shared';

export interface RunFlags {
  trigger?: string;
  json?: boolean;
  workflowId?: string;
}

const POLL_MS = 500;
export async function run(file: string, flags: RunFlags): Promise<number> {
  const config = loadConfig();
  const definition = readJsonObject(file);
  if (flags.trigger) definition.trigger = readJsonObject(flags.trigger);
  checkAutomation(definition);
  return withClient(config, async (client) => {
    const handle = await startAutomation(client, definition as AutomationInput, {
      taskQueue: config.HOOKSTEP_TASK_QUEUE,
      workflowId: flags.workflowId,
    });
    process.stderr.write(`workflow ID: ${handle.workflowId}\n`);
    const watching = watch(client, handle.workflowId);
    // The progress lines end before the outcome is printed.
    const result = handle.result().finally(() => watching.stop());
    return reportRun({
      workflowId: handle.workflowId,
      result,
      what: 'automation',
      json: flags.json,
      print: (outputs) => console.log(JSON.stringify(outputs, null, 2)),
    });
  });
}

/** Polls the `progress` query and writes a line to stderr whenever a step's state, attempt or timer changes. */
function watch(client: Client, workflowId: string): { stop(): Promise<void> } {
  const seen = new Map<string, string>();
  let stopped = false;
  const handle = client.workflow.getHandle(workflowId);
  const poll = async () => {
    try {
      const progress = await handle.query(progressQuery);
      progress.steps.forEach((step, i) => {
        const line = describe(step, i, progress.steps.length);
        if (seen.get(step.id) !== line) {
          seen.set(step.id, line);
          if (step.state !== 'pending') process.stderr.write(`${line}\n`);
        }
      });
    } catch {
      // The run may have closed between polls; the final result is reported by the caller.
    }
  };
  const loop = (async () => {
    while (!stopped) {
      await poll();
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
    await poll();
  })();
  return {
    stop: async () => {
      stopped = true;
      await loop;
    },
  };
}

function describe(step: StepProgress, i: number, total: number): string {
  const head = `[${i + 1}/${total}] ${step.id} (${step.type})`;
  switch (step.state) {
    case 'waiting':
      return `${head} waiting until ${step.waitingUntil}`;
    case 'running':
      return `${head} running, attempt ${step.attempts}`;
    case 'succeeded':
      return step.type === 'delay' ? `${head} done` : `${head} succeeded after ${step.attempts} attempt(s)`;
    default:
      return `${head} ${step.state}`;
  }
}

export function runCommand(cli: Command): void {
  cli
    .command('run')
    .description('run an automation (steps, delays, data passed between them) and show its progress')
    .argument('<automation.json>', 'automation definition')
    .option('--trigger <trigger.json>', "trigger data, replacing the definition's own")
    .option('--workflow-id <id>', 'workflow ID (default: automation-<id>-<uuid>)')
    .option('--json', 'print the outputs as JSON on stdout')
    .action(async (file: string, flags: RunFlags) => setExit(await run(file, flags)));
}

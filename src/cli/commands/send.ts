// `hookstep send URL ...`: one sendWebhook run, waited for.
import { Option, type Command } from 'commander';
import { startSendWebhook, validateStep } from '../../client';
import { loadConfig } from '../../worker/config';
import { stepFromFlags, type SendFlags } from '../flags';
import { collect, reportRun, setExit, withClient } from '../shared';

export interface SendOptions extends SendFlags {
  json?: boolean;
  workflowId?: string;
}

export async function send(url: string, flags: SendOptions): Promise<number> {
  const config = loadConfig();
  const step = stepFromFlags(url, { ...flags, secret: flags.secret ?? config.HOOKSTEP_SIGNING_SECRET });
  validateStep(step);
  return withClient(config, async (client) => {
    const handle = await startSendWebhook(client, step, {
      taskQueue: config.HOOKSTEP_TASK_QUEUE,
      workflowId: flags.workflowId,
    });
    process.stderr.write(`workflow ID: ${handle.workflowId}\n`);
    return reportRun({
      workflowId: handle.workflowId,
      result: handle.result(),
      what: 'delivery',
      json: flags.json,
      print: (result) => {
        console.log(`delivered: HTTP ${result.status} on attempt ${result.attempts} in ${result.durationMs} ms`);
        console.log(JSON.stringify(result.body, null, 2));
        // What the body does not hold (a reply that is no JSON object, or one that broke off) is shown, not dropped.
        if (result.reply) console.log(`reply: ${JSON.stringify(result.reply, null, 2)}`);
      },
    });
  });
}

export function sendCommand(cli: Command): void {
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
}

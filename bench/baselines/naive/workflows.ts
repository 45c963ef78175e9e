// The simplest Temporal webhook sender someone would write first: one workflow, one activity, SDK defaults.
import { proxyActivities } from '@temporalio/workflow';
import type * as activities from './activities';

const { post } = proxyActivities<typeof activities>({ startToCloseTimeout: '60s' });

export async function naiveSendWebhook(url: string, body: Record<string, unknown>): Promise<unknown> {
  return post(url, body);
}

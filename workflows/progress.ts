// An automation's progress as the `progress` query shows it: each step's state, attempts, timer and child run, and
// the outputs so far. Kept apart from the loop that drives the steps, which only tells it what happened.
import { setHandler, sleep } from '@temporalio/workflow';
import { progressQuery, stepAttemptSignal, type StepProgress } from '../src/contract/messages';
import type { Automation } from '../src/contract/schemas/automation';
import type { StepOutput } from '../src/contract/templates';

export class Progress {
  readonly steps: StepProgress[];
  readonly outputs: Record<string, StepOutput> = {};

  constructor(definition: Automation) {
    this.steps = definition.steps.map((s) => ({ id: s.id, type: s.type, state: 'pending', attempts: 0 }));
    setHandler(progressQuery, () => ({ steps: this.steps, outputs: this.outputs }));
    // A child's delivery activity reports each retry as it starts, so `hookstep run` can show the attempt.
    setHandler(stepAttemptSignal, ({ workflowId, attempt }) => {
      const step = this.steps.find((p) => p.workflowId === workflowId);
      if (step && step.state === 'running') step.attempts = Math.max(step.attempts, attempt);
    });
  }

  /** A durable timer, shown as `waiting` with the time it fires. */
  async wait(i: number, ms: number, summary: string): Promise<void> {
    const p = this.steps[i];
    p.state = 'waiting';
    p.waitingUntil = new Date(Date.now() + ms).toISOString();
    await sleep(ms, { summary });
    p.waitingUntil = undefined;
  }

  running(i: number, workflowId: string): void {
    Object.assign(this.steps[i], { state: 'running', attempts: 1, workflowId });
  }

  succeeded(i: number, output?: Extract<StepOutput, { status: number }>): void {
    const p = this.steps[i];
    p.state = 'succeeded';
    if (output) {
      this.outputs[p.id] = output;
      p.attempts = output.attempts;
    }
  }

  failed(i: number, error: Extract<StepOutput, { error: unknown }>['error'], attempts?: number): void {
    const p = this.steps[i];
    this.outputs[p.id] = { error };
    if (attempts !== undefined) p.attempts = attempts;
    p.state = 'failed';
  }

  /** Steps after a stopping failure never run. */
  skipAfter(i: number): void {
    for (const later of this.steps.slice(i + 1)) later.state = 'skipped';
  }
}

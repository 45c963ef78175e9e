// The queries, signals and updates hookstep's workflows answer, defined once with their payload types. Every module
// that names one imports it from here; none writes its name as a string.
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { StepOutput } from './templates';

export type StepState = 'pending' | 'waiting' | 'running' | 'succeeded' | 'failed' | 'skipped';

export interface StepProgress {
  id: string;
  type: 'sendWebhook' | 'delay';
  state: StepState;
  /** Attempts so far: updated as retries start, final when the step ends. */
  attempts: number;
  /** ISO time a waiting step's timer fires. */
  waitingUntil?: string;
  /** The child workflow that sends this step. */
  workflowId?: string;
}

export interface AutomationProgress {
  steps: StepProgress[];
  outputs: Record<string, StepOutput>;
}

export interface AutomationResult {
  steps: Record<string, StepOutput>;
  /** A stored automation's run (started by an event): the version of the steps it ran. */
  version?: number;
}

/** Sent by the delivery activity of a child step when an attempt after the first starts. */
export interface StepAttempt {
  workflowId: string;
  attempt: number;
}

/** An automation's steps and outputs so far (`hookstep run` polls it). */
export const progressQuery = defineQuery<AutomationProgress>('progress');
/** A step's delivery activity tells its automation that a retry started. */
export const stepAttemptSignal = defineSignal<[StepAttempt]>('stepAttempt');

// Stored automations (issue 22): an automation's steps kept by hookstep under an id it makes (`au_…`), run once per
// event of its tenant and type. The steps are today's automation schema (without `trigger`, which is the event, and
// without `id`, which is hookstep's), checked as `hookstep run` checks them: shape, templates, references.
import { z } from 'zod';
import { TenantSchema } from '../tenants';
import { AutomationSchema, automationIssues } from './automation';
import { EventTypeSchema } from './events';

const StepsSchema = AutomationSchema.shape.steps;

/**
 * Template and reference issues, each at its field, once the steps parsed: zod runs a refinement beside other issues,
 * so steps with issues of their own are left to those.
 */
function checkSteps(value: { steps?: unknown }, ctx: z.RefinementCtx): void {
  const steps = StepsSchema.safeParse(value.steps);
  if (!steps.success) return;
  for (const issue of automationIssues({ steps: steps.data })) {
    ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
  }
}

const FIELDS = {
  label: z.string({ error: 'is required' }).min(1).max(200),
  on: z.strictObject({ event: EventTypeSchema }).meta({ description: 'The event type that runs it.' }),
  active: z.boolean().meta({ description: 'An inactive automation runs for no event.' }),
  steps: StepsSchema,
};

export const CreateAutomationSchema = z
  .strictObject({
    ...FIELDS,
    active: FIELDS.active.default(true),
    tenant: TenantSchema.optional(),
  })
  .superRefine(checkSteps);

/** The fields to change; new `steps` make a new version, which runs from the next event on. */
export const UpdateAutomationSchema = z
  .strictObject(FIELDS)
  .partial()
  .refine((a) => Object.keys(a).length > 0, { error: 'must change at least one field' })
  .superRefine(checkSteps);

export const StoredAutomationSchema = z.object({
  id: z.string(),
  tenant: TenantSchema,
  label: z.string(),
  on: z.object({ event: z.string() }),
  active: z.boolean(),
  version: z.number().int().meta({ description: 'The current version of the steps: 1, then one more per change.' }),
  steps: StepsSchema,
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});

export const AutomationRunStateSchema = z
  .enum(['running', 'completed', 'failed'])
  .meta({ description: 'running until the run ends; failed: a step stopped it, or the run itself failed.' });

/** One run of a stored automation, as the registry's run log keeps it (written by the fan-out and the run's end). */
export const AutomationRunSchema = z.object({
  workflowId: z.string().meta({ description: "The run's workflow ID, `<automation id>/<event id>`." }),
  automationId: z.string(),
  tenant: TenantSchema,
  eventId: z.string(),
  eventType: z.string(),
  state: AutomationRunStateSchema,
  version: z.number().int().meta({ description: 'The version of the steps it ran.' }),
  startedAt: z.iso.datetime(),
  endedAt: z.iso.datetime().optional(),
  failedStep: z.string().optional().meta({ description: 'The id of the step that stopped a failed run.' }),
  failureType: z
    .string()
    .optional()
    .meta({ description: "That step's failure type (HttpClientError, Timeout, …), or the run's own." }),
  message: z.string().optional().meta({ description: 'What stopped a failed run.' }),
});

export const AutomationRunListSchema = z.object({
  runs: z.array(AutomationRunSchema),
  next: z.string().optional().meta({ description: 'Pass as `after` for the next page; absent on the last.' }),
});

export const AutomationRunsQuerySchema = z.object({
  state: AutomationRunStateSchema.optional(),
  after: z
    .string()
    .regex(/^\d{1,19}$/, { error: "must be a previous page's `next`" })
    .optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

export type CreateAutomationInput = z.input<typeof CreateAutomationSchema>;
export type AutomationFields = z.output<typeof CreateAutomationSchema>;
export type UpdateAutomationInput = z.input<typeof UpdateAutomationSchema>;
export type AutomationChanges = z.output<typeof UpdateAutomationSchema>;
export type StoredAutomation = z.output<typeof StoredAutomationSchema>;
export type AutomationRun = z.output<typeof AutomationRunSchema>;
export type AutomationRunState = z.output<typeof AutomationRunStateSchema>;
export type AutomationRunList = z.output<typeof AutomationRunListSchema>;
export type AutomationRunsQuery = z.output<typeof AutomationRunsQuerySchema>;
/** The TypeScript client's and the CLI's filter of a runs list. */
export type AutomationRunsFilter = Partial<z.input<typeof AutomationRunsQuerySchema>>;

/** The second argument of an automation run started by an event: which automation, version and event it runs. */
export interface AutomationRunOf {
  automationId: string;
  version: number;
  eventId: string;
}

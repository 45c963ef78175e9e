// JSON Schema for the public contracts, generated from the zod schemas, so builder UIs in any language can
// validate definitions and draw forms from the same source of truth.
import { z } from 'zod';
import { AutomationSchema } from './automation';
import { StepSchema } from './step';

const SCHEMAS = { step: StepSchema, automation: AutomationSchema } as const;
export type SchemaName = keyof typeof SCHEMAS;
export const SCHEMA_NAMES = Object.keys(SCHEMAS) as SchemaName[];

/** The JSON Schema (draft 2020-12) of what a caller sends: defaults make fields optional. */
export function jsonSchema(name: SchemaName): Record<string, unknown> {
  return {
    ...z.toJSONSchema(SCHEMAS[name], { io: 'input', target: 'draft-2020-12' }),
    title: name === 'step' ? 'hookstep sendWebhook step' : 'hookstep automation',
  };
}

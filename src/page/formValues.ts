// The webhook form's values as the inputs hold them (text), and the API's input made from them. What is valid is
// decided by the contract's own schema (CreateWebhookSchema, UpdateWebhookSchema), never here.
import { REDACTED, SECRET_NAME, type CreateWebhookInput, type Delay, type Webhook } from '../contract';

/** A create's body, or a change's (which may remove the delay with null). */
export type WebhookInput = Omit<CreateWebhookInput, 'delay'> & { delay?: Delay | null };

export interface FormValues {
  tenant: string;
  label: string;
  event: string;
  additionalFields: string;
  active: boolean;
  url: string;
  envelope: string;
  format: string;
  delayAmount: string;
  delayUnit: string;
  maximumAttempts: string;
  initialInterval: string;
  headers: string;
}

export const EMPTY: FormValues = {
  tenant: '',
  label: '',
  event: '',
  additionalFields: '',
  active: true,
  url: '',
  envelope: 'standard',
  format: 'json',
  delayAmount: '',
  delayUnit: 'minute',
  maximumAttempts: '',
  initialInterval: '',
  headers: '',
};

export function valuesOf(w: Webhook): FormValues {
  return {
    tenant: w.tenant,
    label: w.label,
    event: w.event,
    additionalFields: w.additionalFields.join(', '),
    active: w.active,
    url: w.url,
    envelope: w.envelope,
    format: w.format,
    delayAmount: w.delay ? String(w.delay.amount) : '',
    delayUnit: w.delay?.unit ?? 'minute',
    maximumAttempts: w.retry.maximumAttempts === undefined ? '' : String(w.retry.maximumAttempts),
    initialInterval: w.retry.initialInterval === undefined ? '' : String(w.retry.initialInterval),
    // A header whose name says it is a credential is not shown: the line reads [redacted], and Save keeps its value.
    headers: Object.entries(w.headers)
      .map(([name, value]) => `${name}: ${SECRET_NAME.test(name) ? REDACTED : value}`)
      .join('\n'),
  };
}

/**
 * One `Name: value` a line; a line without a colon is kept as a name the schema will refuse. A value left as
 * [redacted] is the stored one.
 */
function headersOf(text: string, stored: Record<string, string>): Record<string, string> {
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  return Object.fromEntries(
    lines.map((line) => {
      const colon = line.indexOf(':');
      if (colon < 0) return [line.trim(), ''];
      const [name, value] = [line.slice(0, colon).trim(), line.slice(colon + 1).trim()];
      return [name, value === REDACTED && name in stored ? stored[name] : value];
    }),
  );
}

const numberOr = (text: string): number | undefined => (text.trim() === '' ? undefined : Number(text));

/** The body of a create, or of a change of `editing` (which also removes a delay with null). */
export function inputOf(v: FormValues, editing?: Webhook): WebhookInput {
  const amount = numberOr(v.delayAmount);
  const retry = {
    maximumAttempts: numberOr(v.maximumAttempts),
    initialInterval: v.initialInterval.trim() || undefined,
  };
  return {
    ...(v.tenant.trim() && !editing ? { tenant: v.tenant.trim() } : {}),
    label: v.label,
    event: v.event.trim(),
    additionalFields: v.additionalFields
      .split(',')
      .map((f) => f.trim())
      .filter(Boolean),
    active: v.active,
    url: v.url.trim(),
    envelope: v.envelope as CreateWebhookInput['envelope'],
    format: v.format as CreateWebhookInput['format'],
    ...(amount !== undefined
      ? { delay: { amount, unit: v.delayUnit as Delay['unit'] } }
      : editing
        ? { delay: null }
        : {}),
    retry: JSON.parse(JSON.stringify(retry)) as CreateWebhookInput['retry'],
    headers: headersOf(v.headers, editing?.headers ?? {}),
  };
}

// Add and Edit, with Virto's fields: a label, one event (from GET /v1/event-types or typed), up to ten additional
// fields, Activate and the URL, then the envelope, format, delay, retry and headers. Save checks the input with the
// contract's schema first (the same the API checks with) and shows the API's own 400 beside each field it names.
import {
  CreateWebhookSchema,
  DELAY_UNITS,
  DelaySchema,
  ENVELOPES,
  EnvelopeSchema,
  MAX_ADDITIONAL_FIELDS,
  UpdateWebhookSchema,
  fieldIssues,
  type CreatedWebhook,
  type Webhook,
} from '../contract';
import { Select, Switch, TextArea, TextInput } from './controls';
import { FORM, errorsFromIssues, errorsOf, type FieldErrors } from './fieldErrors';
import { EMPTY, inputOf, valuesOf, type FormValues } from './formValues';
import { html, useState } from './html';
import { clientOf, type Session } from './session';

export interface FormProps {
  session: Session;
  webhook?: Webhook;
  eventTypes: string[];
  onSaved: (webhook: Webhook | CreatedWebhook) => void;
  onCancel: () => void;
}

async function save(p: FormProps, values: FormValues): Promise<FieldErrors | Webhook | CreatedWebhook> {
  const input = inputOf(values, p.webhook);
  const webhooks = clientOf(p.session).webhooks;
  try {
    if (p.webhook) {
      const changes = UpdateWebhookSchema.safeParse(input);
      if (!changes.success) return errorsFromIssues(fieldIssues(changes.error));
      return await webhooks.update(p.webhook.id, changes.data);
    }
    const created = CreateWebhookSchema.safeParse(input);
    if (!created.success) return errorsFromIssues(fieldIssues(created.error));
    return await webhooks.create(created.data);
  } catch (err) {
    return errorsOf(err);
  }
}

interface FieldsProps {
  values: FormValues;
  set: (name: keyof FormValues) => (value: string | boolean) => void;
  errors: FieldErrors;
}

export function WebhookForm(p: FormProps) {
  const initial = p.webhook ? valuesOf(p.webhook) : EMPTY;
  const [values, setValues] = useState<FormValues>(initial);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [busy, setBusy] = useState(false);
  const set = (name: keyof FormValues) => (value: string | boolean) => setValues({ ...values, [name]: value });
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    const result = await save(p, values);
    setBusy(false);
    if ('id' in result && typeof result.id === 'string') return p.onSaved(result as Webhook);
    setErrors(result as FieldErrors);
    requestAnimationFrame(() => document.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());
  };
  const reset = () => (setValues(initial), setErrors({}));
  const fields = { values, set, errors };
  return html`<form onSubmit=${submit} novalidate aria-labelledby="form-title">
    <h2 id="form-title">${p.webhook ? `Edit ${p.webhook.label}` : 'Add a webhook'}</h2>
    ${errors[FORM] ? html`<p role="alert" class="field-error">${errors[FORM]}</p>` : null}
    ${!p.session.tenant && !p.webhook ? TenantField(fields) : null} ${VirtoFields(fields, p.eventTypes)}
    ${DeliveryFields(fields)} ${RetryFields(fields)}
    <div role="group">
      <button type="submit" aria-busy=${busy ? 'true' : undefined} disabled=${busy}>Save</button>
      <button type="button" class="secondary" onClick=${reset}>Reset</button>
      <button type="button" class="secondary" onClick=${p.onCancel}>Back to the list</button>
    </div>
  </form>`;
}

function TenantField({ values, set, errors }: FieldsProps) {
  const help = 'Empty: the default tenant';
  return html`<${TextInput} errors=${errors} name="tenant" label="Tenant" value=${values.tenant} onChange=${set('tenant')} help=${help} />`;
}

/** Virto's own: label, one event, additional fields, Activate, URL. */
function VirtoFields({ values, set, errors }: FieldsProps, eventTypes: string[]) {
  const c = { errors };
  const fieldsHelp = `Fields of the event's data added to the payload, comma-separated; at most ${MAX_ADDITIONAL_FIELDS}`;
  return html`<${TextInput} ...${c} name="label" label="Label" value=${values.label} onChange=${set('label')} />
    <${TextInput} ...${c} name="event" label="Event" value=${values.event} onChange=${set('event')} list="event-types"
      help="One event type: pick one or type it" />
    <datalist id="event-types">${eventTypes.map((t) => html`<option value=${t} key=${t} />`)}</datalist>
    <${TextInput} ...${c} name="additionalFields" label="Additional fields" value=${values.additionalFields}
      onChange=${set('additionalFields')} help=${fieldsHelp} />
    <${Switch} ...${c} name="active" label="Activate" checked=${values.active} onChange=${set('active')} />
    <${TextInput} ...${c} name="url" label="URL" value=${values.url} onChange=${set('url')} inputmode="url" />`;
}

function DeliveryFields({ values, set, errors }: FieldsProps) {
  const c = { errors };
  return html`<div class="grid">
      <${Select} ...${c} name="envelope" label="Envelope" value=${values.envelope} options=${ENVELOPES}
        onChange=${set('envelope')} help=${EnvelopeSchema.description} />
      <${Select} ...${c} name="format" label="Format" value=${values.format} options=${['json', 'xml']}
        onChange=${set('format')} />
      <${TextInput} ...${c} name="delayAmount" field="delay" label="Delay" value=${values.delayAmount}
        onChange=${set('delayAmount')} inputmode="numeric" help=${DelaySchema.description} />
      <${Select} ...${c} name="delayUnit" field="-" label="Delay unit" value=${values.delayUnit}
        options=${Object.keys(DELAY_UNITS)} onChange=${set('delayUnit')} />
    </div>`;
}

function RetryFields({ values, set, errors }: FieldsProps) {
  const c = { errors };
  return html`<div class="grid">
      <${TextInput} ...${c} name="maximumAttempts" field="retry" label="Retry: attempts at most"
        value=${values.maximumAttempts} onChange=${set('maximumAttempts')} inputmode="numeric" />
      <${TextInput} ...${c} name="initialInterval" field="-" label="Retry: first interval (e.g. 30s)"
        value=${values.initialInterval} onChange=${set('initialInterval')} />
    </div>
    <${TextArea} ...${c} name="headers" label="Headers" value=${values.headers} onChange=${set('headers')}
      help="One a line: Name: value" />`;
}

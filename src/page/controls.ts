// Labelled form controls: each input has its label, its help and its error tied to it (aria-describedby), and is
// marked aria-invalid when the API or the contract's schema refused its field, so a screen reader says why.
import type { JSX } from 'preact';
import { html } from './html';
import type { FieldErrors } from './fieldErrors';

export interface ControlProps {
  name: string;
  label: string;
  errors: FieldErrors;
  /** The error's field when it is not `name` (a delay's unit reports as `delay`). */
  field?: string;
  help?: string;
}

/** The attributes that tie an input to its help and error, and the elements that hold them. */
export function described(p: ControlProps): { attrs: Record<string, string | undefined>; after: JSX.Element } {
  const error = p.errors[p.field ?? p.name];
  const ids = [error ? `${p.name}-error` : '', p.help ? `${p.name}-help` : ''].filter(Boolean);
  return {
    attrs: {
      id: p.name,
      name: p.name,
      'aria-invalid': error ? 'true' : undefined,
      'aria-describedby': ids.length > 0 ? ids.join(' ') : undefined,
    },
    after: html`${p.help ? html`<small id=${`${p.name}-help`}>${p.help}</small>` : null}${
      error ? html`<small id=${`${p.name}-error`} class="field-error">${error}</small>` : null
    }`,
  };
}

type Change = (value: string) => void;
const valueOf = (e: Event) => (e.currentTarget as HTMLInputElement).value;

export function TextInput(p: ControlProps & { value: string; onChange: Change; list?: string; inputmode?: string }) {
  const { attrs, after } = described(p);
  return html`<div><label for=${p.name}>${p.label}</label>
    <input ...${attrs} type="text" value=${p.value} list=${p.list} inputmode=${p.inputmode}
      onInput=${(e: Event) => p.onChange(valueOf(e))} />${after}</div>`;
}

export function TextArea(p: ControlProps & { value: string; onChange: Change }) {
  const { attrs, after } = described(p);
  return html`<div><label for=${p.name}>${p.label}</label>
    <textarea ...${attrs} rows="2" value=${p.value} onInput=${(e: Event) => p.onChange(valueOf(e))}></textarea>${after}</div>`;
}

export function Select(p: ControlProps & { value: string; options: readonly string[]; onChange: Change }) {
  const { attrs, after } = described(p);
  return html`<div><label for=${p.name}>${p.label}</label>
    <select ...${attrs} value=${p.value} onChange=${(e: Event) => p.onChange(valueOf(e))}>
      ${p.options.map((o) => html`<option value=${o} key=${o}>${o}</option>`)}
    </select>${after}</div>`;
}

export function Switch(p: ControlProps & { checked: boolean; onChange: (checked: boolean) => void }) {
  const { attrs, after } = described(p);
  return html`<div><label for=${p.name}>
    <input ...${attrs} type="checkbox" role="switch" checked=${p.checked}
      onChange=${(e: Event) => p.onChange((e.currentTarget as HTMLInputElement).checked)} />
    ${p.label}</label>${after}</div>`;
}

// The delivery log's filters (state, event type, since) and Recover since: labelled inputs, applied on submit.
import type { DeliveryState } from '../contract';
import { html, useState } from './html';

export interface Filter {
  state?: DeliveryState;
  eventType?: string;
  since?: string;
}

const iso = (local: string) => (local ? new Date(local).toISOString() : undefined);

export function Filters(p: {
  states: readonly string[];
  onFilter: (f: Filter) => void;
  onRecover: (since: string) => void;
}) {
  const [state, setState] = useState('');
  const [eventType, setEventType] = useState('');
  const [since, setSince] = useState('');
  const value = (set: (v: string) => void) => (e: Event) => set((e.currentTarget as HTMLInputElement).value);
  const apply = (e: Event) => {
    e.preventDefault();
    // Only the filters given: the client would send an undefined one as the text "undefined".
    p.onFilter({
      ...(state ? { state: state as DeliveryState } : {}),
      ...(eventType ? { eventType } : {}),
      ...(since ? { since: iso(since) } : {}),
    });
  };
  return html`<form class="grid filters" onSubmit=${apply} aria-label="Filter deliveries">
    <label for="f-state"
      >State
      <select id="f-state" value=${state} onChange=${value(setState)}>
        <option value="">any</option>
        ${p.states.map((s) => html`<option value=${s} key=${s}>${s}</option>`)}
      </select></label
    >
    <label for="f-type">Event type<input id="f-type" value=${eventType} onInput=${value(setEventType)} /></label>
    <label for="f-since"
      >Since<input id="f-since" type="datetime-local" value=${since} onInput=${value(setSince)}
    /></label>
    <div class="actions">
      <button type="submit">Filter</button>
      <button type="button" class="secondary" disabled=${!since} onClick=${() => p.onRecover(iso(since)!)}>
        Recover since
      </button>
    </div>
  </form>`;
}

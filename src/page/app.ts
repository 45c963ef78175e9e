// The page: sign in, then the webhooks list, the Add/Edit form or one webhook's deliveries. A signing secret is shown
// once, after Add or Rotate; errors that name no field show at the top.
import { ApiError, type Webhook } from '../contract';
import { Deliveries } from './deliveries';
import { FORM, errorsOf } from './fieldErrors';
import { html, useEffect, useState } from './html';
import { SecretOnce } from './secret';
import { forget, clientOf, sessionFromLink, storedSession, type Session } from './session';
import { SignInForm } from './signInForm';
import { WebhookForm } from './webhookForm';
import { WebhookList } from './webhookList';

type View = { kind: 'list' } | { kind: 'form'; webhook?: Webhook } | { kind: 'deliveries'; webhook: Webhook };

export function App() {
  const [session, setSession] = useState<Session | undefined>(storedSession);
  const [linkError, setLinkError] = useState<string | undefined>(undefined);
  useEffect(() => {
    sessionFromLink().then(
      (s) => s && setSession(s),
      (err: unknown) => setLinkError(errorsOf(err)[FORM]),
    );
  }, []);
  // A key that stopped working (a sign-in link's, after its hours) signs the page out, saying why.
  const signOut = (why?: string) => (forget(), setSession(undefined), setLinkError(why));
  if (!session) return html`<${SignInForm} onSignedIn=${setSession} notice=${linkError} />`;
  return html`<${SignedIn} session=${session} onSignOut=${signOut} />`;
}

function SignedIn({ session, onSignOut }: { session: Session; onSignOut: (why?: string) => void }) {
  const [view, setView] = useState<View>({ kind: 'list' });
  const [secret, setSecret] = useState<string | undefined>(undefined);
  const [message, setMessage] = useState<string | undefined>(undefined);
  const [eventTypes, setEventTypes] = useState<string[]>([]);
  const onError = (err: unknown) => {
    if (err instanceof ApiError && err.status === 401) return onSignOut('Your session has ended: sign in again.');
    const errors = errorsOf(err);
    setMessage(errors[FORM] ?? Object.values(errors).join('; '));
  };
  useEffect(() => {
    clientOf(session)
      .events.types()
      .then((t) => setEventTypes(t.map((e) => e.type)), onError);
  }, [session]);
  const saved = (w: Webhook & { secret?: string }) => (w.secret && setSecret(w.secret), setView({ kind: 'list' }));
  const toList = () => setView({ kind: 'list' });
  const body =
    view.kind === 'form'
      ? html`<${WebhookForm} session=${session} webhook=${view.webhook} eventTypes=${eventTypes} onSaved=${saved}
          onCancel=${toList} />`
      : view.kind === 'deliveries'
        ? html`<${Deliveries} session=${session} webhook=${view.webhook} onBack=${toList} onError=${onError}
            onNotice=${setMessage} />`
        : html`<${ListView} session=${session} setView=${setView} onSecret=${setSecret} onError=${onError} />`;
  return html`<header><nav>
      <ul><li><strong>Webhooks</strong></li>
        <li>${session.tenant ? `tenant ${session.tenant}` : 'operator (every tenant)'}</li></ul>
      <ul><li><button class="secondary" onClick=${() => onSignOut()}>Sign out</button></li></ul>
    </nav></header>
    ${
      message
        ? html`<p role="alert" class="field-error">${message}
      <button class="link secondary" onClick=${() => setMessage(undefined)}>Dismiss</button></p>`
        : null
    }
    ${secret ? html`<${SecretOnce} secret=${secret} onDone=${() => setSecret(undefined)} />` : null}
    ${body}`;
}

interface ListViewProps {
  session: Session;
  setView: (v: View) => void;
  onSecret: (secret: string) => void;
  onError: (err: unknown) => void;
}

/** The list with Add and, for an operator, the tenant filter. */
function ListView({ session, setView, onSecret, onError }: ListViewProps) {
  const [tenant, setTenant] = useState('');
  const filter = (e: Event) => setTenant((e.currentTarget as HTMLInputElement).value.trim());
  return html`<section aria-labelledby="list-title">
    <h1 id="list-title">Webhooks</h1>
    <div class="actions">
      <button onClick=${() => setView({ kind: 'form' })}>Add</button>
      ${
        session.tenant
          ? null
          : html`<label for="tenant-filter">Tenant
        <input id="tenant-filter" value=${tenant} placeholder="every tenant" onChange=${filter} /></label>`
      }
    </div>
    <${WebhookList} session=${session} tenant=${tenant} onEdit=${(w: Webhook) => setView({ kind: 'form', webhook: w })}
      onDeliveries=${(w: Webhook) => setView({ kind: 'deliveries', webhook: w })} onSecret=${onSecret}
      onError=${onError} />
  </section>`;
}

// Sign-in with an API key: an operator's (every tenant, with a tenant filter) or a tenant's (its own only). A sign-in
// link does this without a form.
import { errorsOf, FORM } from './fieldErrors';
import { html, useState } from './html';
import { sessionFromKey, type Session } from './session';

export function SignInForm({ onSignedIn, notice }: { onSignedIn: (s: Session) => void; notice?: string }) {
  const [key, setKey] = useState('');
  const [refused, setError] = useState<string | undefined>(undefined);
  // A sign-in link that did not work says so here, until a key is tried.
  const error = refused ?? notice;
  const submit = async (e: Event) => {
    e.preventDefault();
    try {
      onSignedIn(await sessionFromKey(key.trim()));
    } catch (err) {
      setError(errorsOf(err)[FORM] ?? 'that key was refused');
    }
  };
  return html`<form onSubmit=${submit} aria-labelledby="sign-in-title">
    <h1 id="sign-in-title">Webhooks: sign in</h1>
    <label for="api-key"
      >API key
      <input
        id="api-key"
        name="api-key"
        type="password"
        autocomplete="off"
        required
        value=${key}
        aria-invalid=${error ? 'true' : undefined}
        aria-describedby=${error ? 'api-key-error' : 'api-key-help'}
        onInput=${(e: Event) => setKey((e.currentTarget as HTMLInputElement).value)}
      />
      ${
        error
          ? html`<small id="api-key-error" class="field-error">${error}</small>`
          : html`<small id="api-key-help">hsk_…, or open a sign-in link from your platform.</small>`
      }
    </label>
    <button type="submit">Sign in</button>
  </form>`;
}

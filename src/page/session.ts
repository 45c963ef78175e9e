// Who the page acts as. The key lives in sessionStorage: it is gone when the tab closes, is not shared with other
// tabs or sent with any request by the browser (as a cookie would be, which would need CSRF defences), and never sits
// in the URL: a sign-in link's token is taken from the fragment, removed from the address bar at once, and redeemed.
import { createApiClient, type ApiClient } from '../client/api';
import { redeemSignInLink } from '../client/signIn';

export interface Session {
  key: string;
  /** The one tenant the key acts for; absent for an operator key (every tenant). */
  tenant?: string;
  /** A sign-in link's key stops working then. */
  expiresAt?: string;
}

const STORE = 'hookstep.page.session';
const LINK = /^#sign-in=([A-Za-z0-9_-]+)$/;

export const clientOf = (session: Session): ApiClient => createApiClient({ url: location.origin, apiKey: session.key });

export function storedSession(): Session | undefined {
  const raw = sessionStorage.getItem(STORE);
  if (!raw) return undefined;
  const session = JSON.parse(raw) as Session;
  if (session.expiresAt && Date.parse(session.expiresAt) <= Date.now()) {
    sessionStorage.removeItem(STORE);
    return undefined;
  }
  return session;
}

export function forget(): void {
  sessionStorage.removeItem(STORE);
}

function keep(session: Session): Session {
  sessionStorage.setItem(STORE, JSON.stringify(session));
  return session;
}

/** A sign-in link's session when the page was opened from one (the token leaves the address bar first). */
export async function sessionFromLink(): Promise<Session | undefined> {
  const token = LINK.exec(location.hash)?.[1];
  if (!token) return undefined;
  history.replaceState(null, '', location.pathname + location.search);
  const { key, tenant, expiresAt } = await redeemSignInLink(location.origin, token);
  return keep({ key, tenant, expiresAt });
}

/** Signs in with an API key: the API says whose it is (401 when it is not one of ours). */
export async function sessionFromKey(key: string): Promise<Session> {
  const scope = await createApiClient({ url: location.origin, apiKey: key }).me();
  return keep({ key, tenant: scope.tenant });
}

// Redeeming a sign-in link: its token (from the link's `#sign-in=` fragment) for a short-lived key of its tenant. The
// one API call that needs no key, so it stands beside the keyed client rather than in it.
import { ApiError, SignInRequestSchema, SignInSessionSchema, type SignInSession } from '../contract';

/** The key, its tenant and when it expires; ApiError 401 when the link is unknown, used or expired. */
export async function redeemSignInLink(url: string, token: string): Promise<SignInSession> {
  const res = await fetch(`${url.replace(/\/+$/, '')}/v1/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(SignInRequestSchema.parse({ token })),
  });
  const json: unknown = await res.json();
  if (!res.ok) throw new ApiError(res.status, json as ConstructorParameters<typeof ApiError>[1]);
  return SignInSessionSchema.parse(json);
}

// The verified body as the user's workflow receives it: UTF-8 JSON with every number as sent (or refused), then the
// user's `parse`. Problems name what is wrong (a zod issue's field) and never echo the body: JSON.parse's own messages
// quote it, so they are not passed on.
import { INEXACT_NUMBER_REASON, capIssues, formatPath, inexactNumbersIn } from '../contract';
import type { Problem } from './responses';

export type Parsed = { ok: true; payload: unknown } | { ok: false; problem: Problem };

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function parsePayload(bytes: Uint8Array, parse?: (payload: unknown) => unknown): Parsed {
  let payload: unknown;
  let text: string;
  try {
    text = utf8.decode(bytes);
    payload = JSON.parse(text);
  } catch {
    return notValid('BODY_NOT_JSON', 'the body is not valid JSON in UTF-8');
  }
  // A number a double would change is refused, never handed on rounded (issue 18): the sender sees why.
  const inexact = inexactNumbersIn(text);
  if (inexact.length > 0) {
    const issues = capIssues(inexact.map((path) => `${formatPath(['body', ...path])}: ${INEXACT_NUMBER_REASON}`));
    const detail = 'the body holds numbers this receiver would pass on changed; the sender must send them as strings';
    return { ok: false, problem: { title: 'Bad Request', code: 'BODY_INEXACT_NUMBER', detail, issues } };
  }
  if (!parse) return { ok: true, payload };
  try {
    return { ok: true, payload: parse(payload) };
  } catch (err) {
    const issues = issuesOf(err);
    return {
      ok: false,
      problem: {
        title: 'Bad Request',
        code: 'BODY_INVALID',
        detail: issues
          ? `the body is not what this receiver takes: ${issues.join('; ')}`
          : 'the body was refused by parse',
        ...(issues ? { issues } : {}),
      },
    };
  }
}

function notValid(code: string, detail: string): Parsed {
  return { ok: false, problem: { title: 'Bad Request', code, detail } };
}

/** A zod error's issues (any zod version: matched by shape), as `body.path: message`; undefined for other errors. */
function issuesOf(err: unknown): string[] | undefined {
  const issues = (err as { issues?: unknown } | null)?.issues;
  if (!Array.isArray(issues)) return undefined;
  return capIssues(
    issues.map((issue: { path?: PropertyKey[]; message?: unknown }) => {
      const path = formatPath(['body', ...(Array.isArray(issue.path) ? issue.path : [])]);
      return `${path}: ${typeof issue.message === 'string' ? issue.message : 'is invalid'}`;
    }),
  );
}

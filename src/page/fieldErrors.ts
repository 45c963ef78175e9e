// Errors beside the field they name: a problem's `errors` (JSON pointers such as `body/delay/amount`) and the
// contract's own zod issues both become one message per top-level form field; anything else is the form's.
import { ApiError, type FieldIssue } from '../contract';

/** One message per field (`label`, `url`, …); `_form` for what names no field. */
export type FieldErrors = Record<string, string>;
export const FORM = '_form';

function add(errors: FieldErrors, field: string | undefined, message: string): void {
  const key = field || FORM;
  if (errors[key] === undefined) errors[key] = message;
}

/** The contract's issues (checked in the page before sending), by the field at the head of each path. */
export function errorsFromIssues(issues: readonly FieldIssue[]): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of issues) add(errors, issue.path.length > 0 ? String(issue.path[0]) : undefined, issue.message);
  return errors;
}

/** A problem's field errors: `body/url` → `url`; a query or path field, or none, is the form's. */
export function errorsFromProblem(problem: ApiError['problem']): FieldErrors {
  const errors: FieldErrors = {};
  for (const { field, message } of problem.errors ?? []) {
    const [part, head] = field.split('/');
    add(errors, part === 'body' ? head : undefined, part === 'body' ? message : `${field}: ${message}`);
  }
  if (Object.keys(errors).length === 0) add(errors, FORM, problem.detail ?? problem.title ?? 'the API refused it');
  return errors;
}

/** What a failed call says, by field when the API named fields. */
export function errorsOf(err: unknown): FieldErrors {
  if (err instanceof ApiError) return errorsFromProblem(err.problem);
  return { [FORM]: err instanceof Error ? err.message : String(err) };
}

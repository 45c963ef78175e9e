// hookstep's own errors, one class per reason, each with a stable `code` callers can match (as undici's
// lib/core/errors.js does). Messages never hold a value that may be a secret; they name fields and reasons.

export class HookstepError extends Error {
  readonly code: string = 'HOOKSTEP_ERROR';
}

/** A step or automation definition is invalid; thrown before anything is started. `issues` name the fields. */
export class InvalidInputError extends HookstepError {
  override readonly code = 'HOOKSTEP_INVALID_INPUT';
  override readonly name = 'InvalidInputError';
  constructor(
    readonly kind: 'step' | 'automation',
    readonly issues: string[],
  ) {
    super(`invalid ${kind}: ${issues.join('; ')}`);
  }
}

/** An environment variable is invalid; `issues` name the variable. */
export class ConfigError extends HookstepError {
  override readonly code = 'HOOKSTEP_INVALID_CONFIG';
  override readonly name = 'ConfigError';
  constructor(readonly issues: string[]) {
    super(`invalid configuration: ${issues.join('; ')}`);
  }
}

/** A command-line flag or a file it names is invalid. */
export class FlagError extends HookstepError {
  override readonly code = 'HOOKSTEP_INVALID_FLAG';
  override readonly name = 'FlagError';
}

/** A template is malformed; the message quotes the template, never the value around it. */
export class TemplateSyntaxError extends HookstepError {
  override readonly code = 'HOOKSTEP_TEMPLATE_SYNTAX';
  override readonly name = 'TemplateSyntaxError';
  constructor(
    readonly template: string,
    reason: string,
  ) {
    super(`${template}: ${reason}`);
  }
}

/** A template names something this run does not have (an absent trigger field, a field that did not come back). */
export class TemplateResolutionError extends HookstepError {
  override readonly code = 'HOOKSTEP_TEMPLATE_UNRESOLVED';
  override readonly name = 'TemplateResolutionError';
  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(`{{${path}}} ${reason}`);
  }
}

/** The destination policy refused the address a host resolved to; nothing was dialled. */
export class DestinationBlockedError extends HookstepError {
  override readonly code = 'HOOKSTEP_DESTINATION_BLOCKED';
  override readonly name = 'DestinationBlockedError';
  constructor(
    readonly host: string,
    readonly range: string,
  ) {
    super(`destination ${host} is in a ${range} range, which this worker does not dial`);
  }
}

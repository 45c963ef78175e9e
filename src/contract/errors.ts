// hookstep's own errors, one class per reason, each with a stable `code` callers can match (as undici's
// lib/core/errors.js does). Messages never hold a value that may be a secret; they name fields and reasons.

export class HookstepError extends Error {
  readonly code: string = 'HOOKSTEP_ERROR';
}

/**
 * A step or automation definition, or a receiver's options, is invalid; thrown before anything is started. `issues`
 * name the fields.
 */
export class InvalidInputError extends HookstepError {
  override readonly code = 'HOOKSTEP_INVALID_INPUT';
  override readonly name = 'InvalidInputError';
  constructor(
    readonly kind:
      | 'step'
      | 'automation'
      | 'receiver options'
      | 'webhook'
      | 'event'
      | 'tenant'
      | 'deliveries filter'
      | 'runs filter'
      | 'recover'
      | 'idempotency key',
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

/**
 * The temporal CLI (the dev server of `hookstep dev` and the tests) is not there and could not be made: the message
 * says what to install.
 */
export class TemporalCliUnavailableError extends HookstepError {
  override readonly code = 'HOOKSTEP_TEMPORAL_CLI_UNAVAILABLE';
  override readonly name = 'TemporalCliUnavailableError';
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

/** A search attribute of hookstep's name exists with another type: runs could not set it. */
export class SearchAttributeTypeError extends HookstepError {
  override readonly code = 'HOOKSTEP_SEARCH_ATTRIBUTE_TYPE';
  override readonly name = 'SearchAttributeTypeError';
}

/**
 * The namespace lacks hookstep's search attributes: every run's last workflow task would be refused by the server
 * (BadSearchAttributes) and retried forever, the run showing Running. A worker refuses to start on it.
 */
export class SearchAttributesMissingError extends HookstepError {
  override readonly code = 'HOOKSTEP_SEARCH_ATTRIBUTES_MISSING';
  override readonly name = 'SearchAttributesMissingError';
  constructor(
    readonly namespace: string,
    readonly missing: string[],
  ) {
    super(
      `namespace ${namespace} has no search attribute ${missing.join(', ')}: hookstep's runs set them as they end, ` +
        "and the server would refuse every run's last workflow task, leaving it Running. Run `hookstep setup` " +
        'with the same TEMPORAL_ADDRESS and TEMPORAL_NAMESPACE (it registers them, idempotently), then start the ' +
        'worker again.',
    );
  }
}

/** Why a webhook failed verification; receivers answer 401 with the code, so senders and operators can tell why. */
export const WebhookVerificationCode = {
  /** webhook-id, webhook-timestamp or webhook-signature is absent or empty. */
  MissingHeader: 'WEBHOOK_MISSING_HEADER',
  /** webhook-id or webhook-timestamp is not what the spec allows (a timestamp is unix seconds, digits only). */
  MalformedHeader: 'WEBHOOK_MALFORMED_HEADER',
  /** No v1 signature in the header matches any of the receiver's secrets. */
  BadSignature: 'WEBHOOK_BAD_SIGNATURE',
  /** The timestamp is further in the past than the tolerance: a replay, or a clock far behind. */
  TimestampTooOld: 'WEBHOOK_TIMESTAMP_TOO_OLD',
  /** The timestamp is further in the future than the tolerance. */
  TimestampTooNew: 'WEBHOOK_TIMESTAMP_TOO_NEW',
} as const;
export type WebhookVerificationCode = (typeof WebhookVerificationCode)[keyof typeof WebhookVerificationCode];

/** A webhook did not verify. The message names the header and the reason, never a signature or a secret. */
export class WebhookVerificationError extends HookstepError {
  override readonly name = 'WebhookVerificationError';
  constructor(
    override readonly code: WebhookVerificationCode,
    message: string,
  ) {
    super(message);
  }
}

/** The HTTP API answered with a problem (RFC 9457); `problem` holds its title, detail and the fields at fault. */
export class ApiError extends HookstepError {
  override readonly code = 'HOOKSTEP_API_ERROR';
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly problem: { title?: string; detail?: string; errors?: { field: string; message: string }[] },
  ) {
    const fields = (problem.errors ?? []).map((e) => `${e.field}: ${e.message}`);
    super([`HTTP ${status} ${problem.title ?? ''}`.trim(), problem.detail, ...fields].filter(Boolean).join('; '));
  }
}

/** A signing secret sealed at rest cannot be opened: its payload key is missing here, or the row was altered. */
export class SecretUnreadableError extends HookstepError {
  override readonly code = 'HOOKSTEP_SECRET_UNREADABLE';
  override readonly name = 'SecretUnreadableError';
}

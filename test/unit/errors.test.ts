// hookstep's own errors: one class per reason, each with a stable code callers can match, and none echoes a value.
import {
  ConfigError,
  DestinationBlockedError,
  FlagError,
  HookstepError,
  InvalidInputError,
  TemplateResolutionError,
  TemplateSyntaxError,
  WebhookVerificationCode,
  WebhookVerificationError,
} from '../../src/contract';

const errors = [
  new InvalidInputError('step', ['step.url: is required and must be a string']),
  new ConfigError(['TEMPORAL_ADDRESS must be host:port, e.g. localhost:7233']),
  new FlagError('--field x: must be key=value'),
  new TemplateSyntaxError('{{trigger.}}', 'expected trigger.<field>'),
  new TemplateResolutionError('trigger.missing', 'has no value in this run'),
  new DestinationBlockedError('10.0.0.1', 'private'),
  new WebhookVerificationError(WebhookVerificationCode.BadSignature, 'webhook-signature matches no secret'),
];

test('every error is a HookstepError with its own stable code and its class name', () => {
  expect(errors.map((e) => [e.name, e.code])).toEqual([
    ['InvalidInputError', 'HOOKSTEP_INVALID_INPUT'],
    ['ConfigError', 'HOOKSTEP_INVALID_CONFIG'],
    ['FlagError', 'HOOKSTEP_INVALID_FLAG'],
    ['TemplateSyntaxError', 'HOOKSTEP_TEMPLATE_SYNTAX'],
    ['TemplateResolutionError', 'HOOKSTEP_TEMPLATE_UNRESOLVED'],
    ['DestinationBlockedError', 'HOOKSTEP_DESTINATION_BLOCKED'],
    ['WebhookVerificationError', 'WEBHOOK_BAD_SIGNATURE'],
  ]);
  for (const e of errors) expect(e).toBeInstanceOf(HookstepError);
});

test('messages are built from issues and names, as given', () => {
  expect(errors[0].message).toBe('invalid step: step.url: is required and must be a string');
  expect(errors[4].message).toBe('{{trigger.missing}} has no value in this run');
});

test('a verification error has one stable code per reason', () => {
  expect(Object.values(WebhookVerificationCode)).toEqual([
    'WEBHOOK_MISSING_HEADER',
    'WEBHOOK_MALFORMED_HEADER',
    'WEBHOOK_BAD_SIGNATURE',
    'WEBHOOK_TIMESTAMP_TOO_OLD',
    'WEBHOOK_TIMESTAMP_TOO_NEW',
  ]);
});

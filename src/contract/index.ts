// The contract: schemas and their types, defaults, failure types, errors, templates and message definitions. Pure:
// no worker, no HTTP client, no I/O, so any process may import it.
export * from './defaults';
export * from './display';
export * from './duration';
export * from './envelopes';
export * from './errors';
export * from './eventTypes';
export * from './failures';
export * from './headers';
export * from './inspect';
export * from './limits';
export * from './messages';
export * from './numbers';
export * from './plan';
export * from './render';
export * from './retry';
export * from './searchAttributes';
export * from './signing';
export * from './templates';
export * from './temporalLimits';
export * from './version';
export * from './schemas/automation';
export * from './schemas/duration';
export * from './schemas/events';
export * from './schemas/issues';
export * from './schemas/jsonSchema';
export * from './schemas/step';

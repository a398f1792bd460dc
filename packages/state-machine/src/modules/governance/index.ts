export * from './commands/submitProposal.js';
export * from './commands/vote.js';
export * from './errors.js';
export * from './events.js';
export type * from './expected.js';
export * from './method.js';
export * from './module.js';
export type { ValidatorsView } from './queries.js';
export * from './stores.js';

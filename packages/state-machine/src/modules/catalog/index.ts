export * from './commands/createSession.js';
export * from './commands/listings.js';
export * from './errors.js';
export * from './events.js';
export * from './method.js';
export * from './module.js';
export * from './queries.js';
export * from './stores.js';

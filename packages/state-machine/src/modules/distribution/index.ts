export * from './commands/authoriseChannel.js';
export * from './commands/receive.js';
export * from './commands/ship.js';
export * from './errors.js';
export * from './method.js';
export * from './module.js';
export * from './queries.js';
export * from './stores.js';

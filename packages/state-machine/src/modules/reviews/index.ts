export * from './commands/reply.js';
export * from './commands/write.js';
export * from './errors.js';
export * from './events.js';
export * from './method.js';
export * from './module.js';
export * from './queries.js';
export * from './stores.js';

export * from './commands/reportEquivocation.js';
export * from './errors.js';
export * from './events.js';
export * from './module.js';
export * from './queries.js';
export * from './stores.js';

export * from './errors.js';
export * from './events.js';
export type * from './expected.js';
export * from './method.js';
export * from './module.js';
export * from './queries.js';
export * from './release.js';
export * from './stores.js';

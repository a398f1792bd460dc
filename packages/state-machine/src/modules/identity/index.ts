export * from './commands/certifyIdentity.js';
export * from './commands/revokeIdentity.js';
export * from './commands/rotateKey.js';
export * from './errors.js';
export * from './events.js';
export type * from './expected.js';
export * from './method.js';
export * from './module.js';
export * from './stores.js';

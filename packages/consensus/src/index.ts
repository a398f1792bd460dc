export * from './certificate.js';
export * from './errors.js';
export type * from './interface.js';
export * from './machine/index.js';
export * from './options.js';
export * from './signBytes.js';
export type * from './types.js';
export * from './validators.js';
export * from './wal/index.js';

export * from './campaign.js';
export * from './cluster.js';
export * from './forger.js';
export * from './invariants.js';
export * from './load.js';
export * from './proxy.js';
export * from './random.js';
export * from './schedule.js';

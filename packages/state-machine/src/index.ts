export * from './execution/gas.js';
export * from './execution/nonceStore.js';
export * from './execution/stateMachine.js';
export * from './framework/errors.js';
export type * from './framework/module.js';
export * from './framework/state.js';
export * from './framework/store.js';

export * from './bundle.js';
export * from './genesis.js';
export * from './references.js';
export * from './standards/inventory.js';
export * from './standards/logistics.js';
export * from './standards/payment.js';
export * from './standards/search.js';
export * from './testing.js';

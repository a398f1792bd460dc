export * from './genesisBuilder.js';
export * from './keys.js';
export * from './linkedChains.js';
export * from './sealed.js';
export * from './testChain.js';

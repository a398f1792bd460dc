export * from './crypto/hash.js';

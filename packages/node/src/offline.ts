/**
 * What tools need from a network directory without running a node: its manifest and genesis, the key
 * passphrase, the encrypted key files, and the node's error codes. Importing this instead of the package
 * root keeps storage, networking and the HTTP server out of a command-line tool's start-up (the CLI
 * answers in a fraction of the time).
 */
export { DEFAULT_API_MAX_CONNECTIONS } from './api/connectionCap.js';
export * from './config/ceremony.js';
export * from './config/network.js';
export * from './config/organisation.js';
export * from './errors.js';
export * from './keystore/keystore.js';

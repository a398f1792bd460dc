/**
 * `@hanglian/sdk/local`: run a registered implementation in the wallet. Fetch its code and limits with
 * proofs (`fetchImplementation`), run its read-only methods in the chain's sandbox (`LocalRunner`), and
 * rank a search with private context that never leaves the device (`rankLocally`). A separate entry from
 * `@hanglian/sdk` because it brings the QuickJS engine (0.5 MB of WebAssembly) that most apps do not need.
 */
export * from './fetchImplementation.js';
export * from './historyAtRest.js';
export * from './runner.js';
export * from './search.js';

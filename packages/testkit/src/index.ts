export * from './devnetFixture.js';
export * from './ports.js';

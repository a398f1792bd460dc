export * from './endpoints.js';
export * from './openapi.js';
export * from './sources.js';
export * from './views.js';

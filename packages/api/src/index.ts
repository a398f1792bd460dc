export * from './endpoints.js';
export * from './openapi.js';
export * from './views.js';

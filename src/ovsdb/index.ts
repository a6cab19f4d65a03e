export * from './errors.js';
export * from './notation.js';
export * from './operations.js';
export * from './schema.js';
export * from './transport.js';
export * from './framer.js';
export * from './client.js';

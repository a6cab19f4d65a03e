export * from './errors.js';
export * as lab from './lab/index.js';

export * from './errors.js';
export * as lab from './lab/index.js';
export * as store from './store/index.js';
export * as ofproto from './ofproto/index.js';
export * as netlink from './netlink/index.js';
export * as ovsdb from './ovsdb/index.js';
export * as controller from './controller/index.js';
export * as api from './api/index.js';
export { Loris } from './api/loris.js';

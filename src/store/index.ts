/*
 * loris cluster state on OVSDB: schema/loris.ovsschema, the typed Store, IPAM and membership.
 * See docs/store.md.
 */
export * from './types.js';
export * from './errors.js';
export { DEFAULT_PREFIX_LEN, parseIpv4, formatIpv4, parseSubnet, formatSubnet, parseIpv4WithPrefix, validateStaticAddress, lowestFree, podSubnetFromPool, type Ipv4Subnet, type Ipv4Address } from './ipam.js';
export { deriveMac, normalizeMac, randomMac } from './mac.js';
export { STORE_DB, lorisSchema, lorisSchemaPath, standaloneDbFile } from './dbfile.js';
export { Store, type ClusterPatch, type EndpointFilter } from './store.js';
export { ensureEmbeddedDb, defaultControlSocket, DEFAULT_EMBEDDED_FILE } from './embedded.js';

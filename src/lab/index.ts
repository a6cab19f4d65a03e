export { Lab, type LabHost, type LabContainer, type LabOptions, type PlugOptions } from './lab.js';
export { sweepStaleRuns, cleanupRunSync } from './cleanup.js';
export { LAB_ROOT, LAB_PREFIX, newRunId, isLabName } from './names.js';
export { LabDockerEngine, LAB_IMAGE } from './docker.js';
export { waitUntil, run, sh, LabCommandError } from './exec.js';
export { ovsPaths, parseBridgeArgs, type OvsPaths, type LabBridgeOptions } from './ovs.js';

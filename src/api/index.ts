/*
 * The loris library API: the `Loris` class (what the `loris` command calls), its option and result
 * types, argument validation and typed errors. See docs/architecture.md and docs/cli.md.
 */
export { Loris, type AgentHandle } from './loris.js';
export * from './types.js';
export * from './errors.js';
export * from './validate.js';
export { MIN_OVS_VERSION, compareVersions } from './host.js';
export { agentStatus, agentPaths } from './agent.js';

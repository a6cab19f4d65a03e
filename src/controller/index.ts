/*
 * The loris controller: the per-host OpenFlow pipeline (pure), reconciliation (pure), DHCP (pure), and the
 * Controller that keeps a bridge in step with the store. See docs/controller.md and docs/pipeline.md.
 */
export { Controller, ControllerError, type ControllerOptions, type ControllerEvents } from './controller.js';
export {
  desiredFlows,
  ownerFlows,
  owners,
  ownerKey,
  ownerCookie,
  makeCookie,
  isLorisCookie,
  isManagedCookie,
  ROLE_LEARNED,
  LEARN_IDLE_TIMEOUT,
  buildIndex,
  indexAdd,
  indexRemove,
  podIsLocal,
  baseFlows,
  podFlows,
  endpointFlows,
  fnv1a32,
  DEFAULT_DHCP_SERVER,
  DHCP_METER_ID,
  T_CLASSIFY,
  T_PORT_SECURITY,
  T_ARP_RESPONDER,
  T_L2_FORWARD,
  T_FLOOD,
  META_POD_MASK,
  META_FROM_TUNNEL,
  META_MASK,
  COOKIE_MAGIC_MASK,
  type PipelineState,
  type PipelineEndpoint,
  type PipelineIndex,
  type DhcpServerIdentity,
  type Owner,
} from './pipeline.js';
export { reconcile, flowIdentity, flowBody, type FlowEntry, type ReconcileOptions, type ReconcileResult, type ReconcileStats } from './reconcile.js';
export { dhcpReply, decodeDhcp, encodeDhcp, decodeDhcpFrame, encodeDhcpFrame, DEFAULT_LEASE_TIME, type DhcpMessage, type DhcpOptions, type DhcpFrame, type DhcpLease, type DhcpMessageType } from './dhcp.js';
export { ensureIntegrationBridge, syncTunnels, desiredTunnels, pairTunnelType, tunnelPortName, autoDatapathType, BridgeConfigError, type TunnelSpec, type TunnelType } from './ovs-bridge.js';
export { answerDhcp, type DhcpAnswer, type DhcpServerConfig } from './dhcp-server.js';
export { dumpFlows, portVanished, waitForPath, watchPath, traceFlowString, type PathWatch } from './switch-io.js';
export { ControllerMetrics } from './metrics.js';

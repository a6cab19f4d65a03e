/** Every fixed OpenFlow 1.3 size loris relies on, gathered for the test that pins them. */
export { OFP_HEADER_SIZE } from './header.js';
export { OFP_ERROR_MSG_SIZE, OFP_ERROR_EXPERIMENTER_MSG_SIZE } from './error.js';
export { OFP_EXPERIMENTER_HEADER_SIZE } from './experimenter.js';
export { OFP_SWITCH_FEATURES_SIZE } from './features.js';
export { OFP_SWITCH_CONFIG_SIZE } from './config.js';
export { OFP_PACKET_IN_SIZE } from './packet-in.js';
export { OFP_PACKET_OUT_SIZE } from './packet-out.js';
export { OFP_FLOW_REMOVED_SIZE } from './flow-removed.js';
export { OFP_PORT_STATUS_SIZE } from './port-status.js';
export { OFP_PORT_SIZE } from './port.js';
export { OFP_PORT_MOD_SIZE } from './port-mod.js';
export { OFP_TABLE_MOD_SIZE } from './table-mod.js';
export { OFP_GROUP_MOD_SIZE, OFP_BUCKET_SIZE } from './group-mod.js';
export { OFP_METER_MOD_SIZE, OFP_METER_BAND_SIZE } from './meter-mod.js';
export { OFP_MULTIPART_REQUEST_SIZE, OFP_MULTIPART_REPLY_SIZE } from './multipart.js';
export { OFP_FLOW_STATS_REQUEST_SIZE, OFP_FLOW_STATS_SIZE, OFP_AGGREGATE_STATS_REPLY_SIZE } from './multipart-flow.js';
export {
  OFP_DESC_SIZE, OFP_TABLE_STATS_SIZE, OFP_PORT_STATS_SIZE, OFP_QUEUE_STATS_SIZE, OFP_GROUP_FEATURES_SIZE, OFP_METER_FEATURES_SIZE,
  OFP_GROUP_STATS_SIZE, OFP_METER_STATS_SIZE, OFP_GROUP_DESC_SIZE, OFP_METER_CONFIG_SIZE,
} from './multipart-stats.js';
export { OFP_ROLE_REQUEST_SIZE } from './role.js';
export { OFP_ASYNC_CONFIG_SIZE } from './async.js';
export { OFP_QUEUE_GET_CONFIG_REQUEST_SIZE, OFP_QUEUE_GET_CONFIG_REPLY_SIZE } from './queue.js';
export { ONF_BUNDLE_CTRL_SIZE, ONF_BUNDLE_ADD_SIZE } from './bundle.js';

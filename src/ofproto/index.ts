/**
 * OpenFlow 1.3: the message codec (every message as plain data, `encodeMessage`/`decodeMessage`), the framer,
 * and `OfConnection`/`OfListener` over tcp:, ssl:, unix: and their passive forms. Flow-level codecs (match,
 * actions, instructions, flow-mod) come from the codec modules re-exported here.
 */
export * from './header.js';
export * from './framer.js';
export * from './message.js';
export * from './hello.js';
export * from './error.js';
export * from './echo.js';
export * from './experimenter.js';
export * from './features.js';
export * from './config.js';
export * from './packet-in.js';
export * from './packet-out.js';
export * from './flow-removed.js';
export * from './port.js';
export * from './port-status.js';
export * from './port-mod.js';
export * from './group-mod.js';
export * from './table-mod.js';
export * from './meter-mod.js';
export * from './multipart.js';
export * from './multipart-flow.js';
export * from './multipart-stats.js';
export * from './barrier.js';
export * from './role.js';
export * from './async.js';
export * from './bundle.js';
export * from './queue.js';
export * from './transport.js';
export * from './connection.js';
export * from './listener.js';
export * from './out-queue.js';
export * from './bytes.js';
export * from './json.js';
export * from './match.js';
export * from './actions.js';
export * from './instructions.js';
export * from './flow-mod.js';
export * from './oxm.js';
export * from './nx-actions.js';
export * from './flow.js';
export * from './print.js';
export * from './parse.js';
// Names both the message layer and the flow codec define (same values): take them from one place.
export { OFP_HEADER_SIZE, OFP_NO_BUFFER, OFPG_ANY, OFPTT_ALL } from './header.js';

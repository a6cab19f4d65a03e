import { LorisError } from '../errors.js';
import type { Reader, Writer } from './bytes.js';

/** `struct ofp_error_msg` is header + type u16 + code u16 (+ data). */
export const OFP_ERROR_MSG_SIZE = 12;
/** `struct ofp_error_experimenter_msg` is header + type u16 (0xffff) + exp_code u16 + experimenter u32 (+ data). */
export const OFP_ERROR_EXPERIMENTER_MSG_SIZE = 16;
export const OFPET_EXPERIMENTER = 0xffff;
export const NX_VENDOR_ID = 0x00002320;
export const ONF_VENDOR_ID = 0x4f4e4600;

/** OFPT_ERROR. For `errType === 0xffff`, `code` is the experimenter code and `experimenter` is set. */
export interface ErrorMsg {
  type: 'error';
  xid?: number;
  errType: number;
  code: number;
  experimenter?: number;
  /** At least the first 64 bytes of the failed request, as the switch sent it. */
  data: Buffer;
}

/** `enum ofp_error_type`, each with its codes in order (the code is the index). */
const OFPET: ReadonlyArray<readonly [string, string, readonly string[]]> = [
  ['OFPET_HELLO_FAILED', 'OFPHFC', ['INCOMPATIBLE', 'EPERM']],
  ['OFPET_BAD_REQUEST', 'OFPBRC', ['BAD_VERSION', 'BAD_TYPE', 'BAD_MULTIPART', 'BAD_EXPERIMENTER', 'BAD_EXP_TYPE', 'EPERM', 'BAD_LEN',
    'BUFFER_EMPTY', 'BUFFER_UNKNOWN', 'BAD_TABLE_ID', 'IS_SLAVE', 'BAD_PORT', 'BAD_PACKET', 'MULTIPART_BUFFER_OVERFLOW']],
  ['OFPET_BAD_ACTION', 'OFPBAC', ['BAD_TYPE', 'BAD_LEN', 'BAD_EXPERIMENTER', 'BAD_EXP_TYPE', 'BAD_OUT_PORT', 'BAD_ARGUMENT', 'EPERM',
    'TOO_MANY', 'BAD_QUEUE', 'BAD_OUT_GROUP', 'MATCH_INCONSISTENT', 'UNSUPPORTED_ORDER', 'BAD_TAG', 'BAD_SET_TYPE', 'BAD_SET_LEN', 'BAD_SET_ARGUMENT']],
  ['OFPET_BAD_INSTRUCTION', 'OFPBIC', ['UNKNOWN_INST', 'UNSUP_INST', 'BAD_TABLE_ID', 'UNSUP_METADATA', 'UNSUP_METADATA_MASK',
    'BAD_EXPERIMENTER', 'BAD_EXP_TYPE', 'BAD_LEN', 'EPERM']],
  ['OFPET_BAD_MATCH', 'OFPBMC', ['BAD_TYPE', 'BAD_LEN', 'BAD_TAG', 'BAD_DL_ADDR_MASK', 'BAD_NW_ADDR_MASK', 'BAD_WILDCARDS', 'BAD_FIELD',
    'BAD_VALUE', 'BAD_MASK', 'BAD_PREREQ', 'DUP_FIELD', 'EPERM']],
  ['OFPET_FLOW_MOD_FAILED', 'OFPFMFC', ['UNKNOWN', 'TABLE_FULL', 'BAD_TABLE_ID', 'OVERLAP', 'EPERM', 'BAD_TIMEOUT', 'BAD_COMMAND', 'BAD_FLAGS']],
  ['OFPET_GROUP_MOD_FAILED', 'OFPGMFC', ['GROUP_EXISTS', 'INVALID_GROUP', 'WEIGHT_UNSUPPORTED', 'OUT_OF_GROUPS', 'OUT_OF_BUCKETS',
    'CHAINING_UNSUPPORTED', 'WATCH_UNSUPPORTED', 'LOOP', 'UNKNOWN_GROUP', 'CHAINED_GROUP', 'BAD_TYPE', 'BAD_COMMAND', 'BAD_BUCKET', 'BAD_WATCH', 'EPERM']],
  ['OFPET_PORT_MOD_FAILED', 'OFPPMFC', ['BAD_PORT', 'BAD_HW_ADDR', 'BAD_CONFIG', 'BAD_ADVERTISE', 'EPERM']],
  ['OFPET_TABLE_MOD_FAILED', 'OFPTMFC', ['BAD_TABLE', 'BAD_CONFIG', 'EPERM']],
  ['OFPET_QUEUE_OP_FAILED', 'OFPQOFC', ['BAD_PORT', 'BAD_QUEUE', 'EPERM']],
  ['OFPET_SWITCH_CONFIG_FAILED', 'OFPSCFC', ['BAD_FLAGS', 'BAD_LEN', 'EPERM']],
  ['OFPET_ROLE_REQUEST_FAILED', 'OFPRRFC', ['STALE', 'UNSUP', 'BAD_ROLE']],
  ['OFPET_METER_MOD_FAILED', 'OFPMMFC', ['UNKNOWN', 'METER_EXISTS', 'INVALID_METER', 'UNKNOWN_METER', 'BAD_COMMAND', 'BAD_FLAGS', 'BAD_RATE',
    'BAD_BURST', 'BAD_BAND', 'BAD_BAND_VALUE', 'OUT_OF_METERS', 'OUT_OF_BANDS']],
  ['OFPET_TABLE_FEATURES_FAILED', 'OFPTFFC', ['BAD_TABLE', 'BAD_METADATA', 'BAD_TYPE', 'BAD_LEN', 'BAD_ARGUMENT', 'EPERM']],
];

/** ONF extension errors (experimenter 0x4f4e4600), as OVS sends them over OF1.3: bundles (ovs-facts §6). */
const ONF_ERRORS: Record<number, string> = {
  2300: 'OFPBFC_UNKNOWN', 2301: 'OFPBFC_EPERM', 2302: 'OFPBFC_BAD_ID', 2303: 'OFPBFC_BUNDLE_EXIST', 2304: 'OFPBFC_BUNDLE_CLOSED',
  2305: 'OFPBFC_OUT_OF_BUNDLES', 2306: 'OFPBFC_BAD_TYPE', 2307: 'OFPBFC_BAD_FLAGS', 2308: 'OFPBFC_MSG_BAD_LEN', 2309: 'OFPBFC_MSG_BAD_XID',
  2310: 'OFPBFC_MSG_UNSUP', 2311: 'OFPBFC_MSG_CONFLICT', 2312: 'OFPBFC_MSG_TOO_MANY', 2313: 'OFPBFC_MSG_FAILED', 2314: 'OFPBFC_TIMEOUT',
  2315: 'OFPBFC_BUNDLE_IN_PROGRESS',
};

/** Nicira extension errors (experimenter 0x2320): the names `ovs-ofctl ofp-print` gives each code over OF1.3. */
const NX_ERRORS: Record<number, string> = {
  2: 'NXBRC_NXM_INVALID', 3: 'NXBRC_NXM_BAD_TYPE', 4: 'NXBRC_MUST_BE_ZERO', 5: 'NXBRC_BAD_REASON', 6: 'OFPMOFC_MONITOR_EXISTS',
  7: 'OFPMOFC_BAD_FLAGS', 8: 'OFPMOFC_UNKNOWN_MONITOR', 9: 'NXBRC_FM_BAD_EVENT', 10: 'NXBRC_UNENCODABLE_ERROR', 11: 'NXBAC_MUST_BE_ZERO',
  12: 'NXFMFC_HARDWARE', 13: 'NXFMFC_BAD_TABLE_ID', 15: 'NXBAC_BAD_CONJUNCTION', 16: 'NXTTMFC_BAD_COMMAND', 17: 'NXTTMFC_BAD_OPT_LEN',
  18: 'NXTTMFC_BAD_FIELD_IDX', 19: 'NXTTMFC_TABLE_FULL', 20: 'NXTTMFC_ALREADY_MAPPED', 21: 'NXTTMFC_DUP_ENTRY', 34: 'NXR_NOT_SUPPORTED',
  35: 'NXR_STALE', 36: 'NXST_NOT_CONFIGURED', 37: 'NXFMFC_INVALID_TLV_FIELD', 38: 'NXTTMFC_INVALID_TLV_DEL', 39: 'NXBAC_BAD_HEADER_TYPE',
  40: 'NXBAC_UNKNOWN_ED_PROP',
};

/** Numeric constants by spec name, e.g. `OFPERR.OFPBAC_BAD_OUT_GROUP` → `{errType: 2, code: 9}`. */
export const OFPERR: Readonly<Record<string, { errType: number; code: number; experimenter?: number }>> = (() => {
  const out: Record<string, { errType: number; code: number; experimenter?: number }> = {};
  OFPET.forEach(([typeName, prefix, codes], errType) => {
    out[typeName] = { errType, code: -1 };
    codes.forEach((c, code) => (out[`${prefix}_${c}`] = { errType, code }));
  });
  for (const [code, name] of Object.entries(ONF_ERRORS)) out[name] = { errType: OFPET_EXPERIMENTER, code: Number(code), experimenter: ONF_VENDOR_ID };
  for (const [code, name] of Object.entries(NX_ERRORS)) out[name] = { errType: OFPET_EXPERIMENTER, code: Number(code), experimenter: NX_VENDOR_ID };
  return out;
})();

/** `OFPET_BAD_ACTION` for 2; `OFPET_0x…` for an unknown type. */
export function errorTypeName(errType: number): string {
  if (errType === OFPET_EXPERIMENTER) return 'OFPET_EXPERIMENTER';
  return OFPET[errType]?.[0] ?? `OFPET_0x${errType.toString(16)}`;
}

/** The spec name of an error, e.g. `OFPBAC_BAD_OUT_GROUP`, `OFPBFC_MSG_FAILED`, `NXBRC_NXM_INVALID`; a numeric form if unknown. */
export function errorName(errType: number, code: number, experimenter?: number): string {
  if (errType === OFPET_EXPERIMENTER) {
    const table = experimenter === ONF_VENDOR_ID ? ONF_ERRORS : experimenter === NX_VENDOR_ID ? NX_ERRORS : undefined;
    return table?.[code] ?? `OFPET_EXPERIMENTER(experimenter=0x${(experimenter ?? 0).toString(16)},code=${code})`;
  }
  const t = OFPET[errType];
  const c = t?.[2][code];
  return t && c ? `${t[1]}_${c}` : `${errorTypeName(errType)}(code=${code})`;
}

export function encodeErrorBody(w: Writer, m: ErrorMsg): void {
  w.u16(m.errType).u16(m.code);
  if (m.errType === OFPET_EXPERIMENTER) w.u32(m.experimenter ?? 0);
  w.bytes(m.data);
}

export function decodeErrorBody(r: Reader): Omit<ErrorMsg, 'xid'> {
  const errType = r.u16();
  const code = r.u16();
  if (errType === OFPET_EXPERIMENTER) {
    const experimenter = r.u32();
    return { type: 'error', errType, code, experimenter, data: r.bytes(r.remaining) };
  }
  return { type: 'error', errType, code, data: r.bytes(r.remaining) };
}

/**
 * An OFPT_ERROR the switch sent in answer to one of our requests. `name` is the spec name
 * (`OFPBAC_BAD_OUT_GROUP`); `data` holds the start of the request that failed.
 */
export class OfpError extends LorisError {
  readonly type: number;
  readonly errCode: number;
  readonly experimenter: number | undefined;
  readonly data: Buffer;
  readonly xid: number;
  readonly errName: string;
  /** The request this error answers, when the connection still knew it. */
  readonly request: string | undefined;
  constructor(msg: ErrorMsg, request?: string) {
    const name = errorName(msg.errType, msg.code, msg.experimenter);
    super(
      'LORIS_OFP_ERROR',
      `the switch rejected ${request ?? 'a request'} (xid ${msg.xid ?? 0}) with ${errorTypeName(msg.errType)}/${name}; fix the request (see the OpenFlow 1.3 spec for ${name})`,
    );
    this.type = msg.errType;
    this.errCode = msg.code;
    this.experimenter = msg.experimenter;
    this.data = msg.data;
    this.xid = msg.xid ?? 0;
    this.errName = name;
    this.request = request;
  }
}

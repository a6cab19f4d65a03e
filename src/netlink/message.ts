import { NLMSG_DONE, NLMSG_ERROR, NLMSG_HDRLEN, NLM_F_ACK_TLVS, NLM_F_CAPPED, NLMSGERR_ATTR_MSG } from './constants.js';
import { NlReader, NlWriter, align4, attr, readAttrs } from './bytes.js';

/** One netlink message: the nlmsghdr fields and a copy of its payload. */
export interface NlMessage {
  readonly type: number;
  readonly flags: number;
  readonly seq: number;
  readonly pid: number;
  readonly payload: Buffer;
}

/** Writes one message: the header's length is back-filled after `body` ran. Returns the writer. */
export function encodeMessage(w: NlWriter, type: number, flags: number, seq: number, body: (w: NlWriter) => void): NlWriter {
  const at = w.offset;
  w.u32(0).u16(type).u16(flags).u32(seq).u32(0);
  body(w);
  w.patchU32(at, w.offset - at);
  return w.align();
}

/**
 * Splits one datagram into messages (framing by nlmsghdr.len). A length below the header, past the
 * datagram, or a datagram with trailing garbage throws ProtocolError.
 */
export function decodeMessages(buf: Buffer): NlMessage[] {
  const r = new NlReader(buf);
  const out: NlMessage[] = [];
  while (r.remaining > 0) {
    const start = r.pos;
    if (r.remaining < NLMSG_HDRLEN) r.fail(`trailing ${r.remaining} bytes, shorter than a netlink header`);
    const len = r.u32();
    const type = r.u16();
    const flags = r.u16();
    const seq = r.u32();
    const pid = r.u32();
    if (len < NLMSG_HDRLEN) r.fail(`message length ${len} below the 16-byte header`, start);
    const payload = r.bytes(len - NLMSG_HDRLEN, `message of type ${type}`);
    out.push({ type, flags, seq, pid, payload });
    r.pos = Math.min(start + align4(len), r.end);
  }
  return out;
}

/** The body of an NLMSG_ERROR: errno 0 is an ACK; `extMsg` is the kernel's extended-ACK text, when sent. */
export interface NlErrorBody {
  readonly errno: number;
  readonly extMsg?: string;
}

export function decodeError(m: NlMessage): NlErrorBody {
  const r = new NlReader(m.payload);
  const err = r.s32();
  const errno = err === 0 ? 0 : -err;
  // The original header follows; with NLM_F_CAPPED only the header, otherwise the whole request.
  if (r.remaining < NLMSG_HDRLEN) return { errno };
  const origLen = r.buf.readUInt32LE(r.pos);
  const skip = m.flags & NLM_F_CAPPED ? NLMSG_HDRLEN : align4(origLen);
  if (!(m.flags & NLM_F_ACK_TLVS) || skip > r.remaining) return { errno };
  r.skip(skip);
  for (const a of readAttrs(r)) {
    if (a.type === NLMSGERR_ATTR_MSG) return { errno, extMsg: attr.str(a) };
  }
  return { errno };
}

export const isDone = (m: NlMessage): boolean => m.type === NLMSG_DONE;
export const isError = (m: NlMessage): boolean => m.type === NLMSG_ERROR;

import net from 'node:net';

/**
 * A deliberately tiny OpenFlow 1.3 client for codec tests: sends HELLO, the given messages (their xids are kept), then
 * a BARRIER, and returns the xids OVS answered with OFPT_ERROR before the barrier reply. No framing subtleties: the
 * product's connection lives elsewhere; this only proves what a real switch accepts.
 */
export async function sendAndCollectErrors(
  sock: string,
  messages: Buffer[],
  timeoutMs = 20_000,
): Promise<Map<number, string>> {
  const BARRIER_XID = 0x7fffffff;
  const hello = Buffer.from('0400000800000001', 'hex');
  const barrier = Buffer.from(`0414000800000000`, 'hex');
  barrier.writeUInt32BE(BARRIER_XID, 4);
  const errors = new Map<number, string>();
  const c = net.createConnection(sock);
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no barrier reply from ${sock} within ${timeoutMs} ms`)),
        timeoutMs,
      );
      let buf = Buffer.alloc(0);
      c.on('error', reject);
      c.on('connect', () => c.write(Buffer.concat([hello, ...messages, barrier])));
      c.on('data', (chunk: Buffer) => {
        buf = Buffer.concat([buf, chunk]);
        while (buf.length >= 8 && buf.length >= buf.readUInt16BE(2)) {
          const len = buf.readUInt16BE(2);
          const m = buf.subarray(0, len);
          buf = buf.subarray(len);
          const type = m[1];
          const xid = m.readUInt32BE(4);
          if (type === 1) errors.set(xid, `type ${m.readUInt16BE(8)} code ${m.readUInt16BE(10)}`);
          if (type === 21 && xid === BARRIER_XID) {
            clearTimeout(timer);
            resolve();
          }
        }
      });
    });
  } finally {
    c.destroy();
  }
  return errors;
}

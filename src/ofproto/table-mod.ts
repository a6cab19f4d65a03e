import { OFPT, type BodyCodec } from './header.js';

/** `struct ofp_table_mod` (header included). */
export const OFP_TABLE_MOD_SIZE = 16;

/** OFPT_TABLE_MOD (OF1.3 defines no config bits; OVS accepts 0 and its eviction extensions). */
export interface TableMod {
  type: 'table_mod';
  xid?: number;
  tableId: number;
  config: number;
}

export const tableModCodec: BodyCodec<TableMod> = {
  type: 'table_mod',
  ofpt: OFPT.TABLE_MOD,
  encode: (w, m) => void w.u8(m.tableId).zeros(3).u32(m.config),
  decode(r) {
    const tableId = r.u8();
    r.skip(3);
    return { type: 'table_mod', tableId, config: r.u32() };
  },
};

/*
 * ovsdb-server reports a unique-index violation as a `constraint violation` whose details name the
 * table, the index columns and the UUIDs of both rows (ovsdb/transaction.c), e.g.
 *
 *   Transaction causes multiple rows in "Endpoint" table to have identical values (… and "10.0.0.1")
 *   for index on columns "pod" and "ip".  First row, with UUID 1b…, was inserted by this transaction.
 *   Second row, with UUID c3…, existed in the database before this transaction and was not modified …
 *
 * The Store turns that into a typed error naming who holds the value.
 */

export interface IndexConflict {
  readonly table: string;
  readonly columns: readonly string[];
  /** The row that already held the values (undefined if the details don't say). */
  readonly existing: string | undefined;
  /** The row of this transaction that collided. */
  readonly inserted: string | undefined;
}

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

export function parseIndexConflict(details: string | undefined): IndexConflict | undefined {
  if (!details) return undefined;
  const t = /multiple rows in "([^"]+)" table to have identical values/.exec(details);
  const c = /for index on columns? ((?:"[^"]+"(?:, | and |,? and )?)+)/.exec(details);
  if (!t || !c) return undefined;
  const columns = [...c[1].matchAll(/"([^"]+)"/g)].map((m) => m[1]);
  const rows = [...details.matchAll(new RegExp(`with UUID (${UUID}), (was inserted by this transaction|existed in the database before this transaction)`, 'g'))];
  const existing = rows.find((m) => m[2].startsWith('existed'))?.[1];
  const inserted = rows.find((m) => m[2].startsWith('was inserted'))?.[1];
  return { table: t[1], columns, existing, inserted };
}

/** True when the conflict is on exactly these index columns (order-insensitive). */
export function isIndex(c: IndexConflict | undefined, table: string, columns: readonly string[]): boolean {
  return !!c && c.table === table && c.columns.length === columns.length && columns.every((x) => c.columns.includes(x));
}

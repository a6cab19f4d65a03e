import test from 'ava';
import fc from 'fast-check';
import { ProtocolError } from '../../../src/errors.js';
import {
  NamedUuid,
  Uuid,
  decodeValue,
  encodeValue,
  encodeOperation,
  insert,
  namedUuid,
  update,
  eq,
  wait,
  mutate,
  mutation,
  del,
  select,
  comment,
  commit,
  abort,
  assertLock,
  valueEquals,
  parseColumnType,
  decodeDatum,
  columnKind,
  applySetDiff,
  applyMapDiff,
  type Atom,
  type Value,
} from '../../../src/ovsdb/index.js';

const U = '550e8400-e29b-41d4-a716-446655440000';

test('atoms, uuids, named-uuids round trip', (t) => {
  t.deepEqual(encodeValue(new Uuid(U)), ['uuid', U]);
  t.deepEqual(encodeValue(namedUuid('row1')), ['named-uuid', 'row1']);
  t.deepEqual(decodeValue(['uuid', U]), new Uuid(U));
  t.deepEqual(decodeValue(['named-uuid', 'x']), new NamedUuid('x'));
  t.is(decodeValue('s'), 's');
  t.is(decodeValue(1.5), 1.5);
  t.is(decodeValue(false), false);
});

test('sets: a set of one is the bare atom on the wire, the empty set is ["set", []]', (t) => {
  t.deepEqual(encodeValue([]), ['set', []]);
  t.deepEqual(encodeValue(['a']), 'a');
  t.deepEqual(encodeValue(['a', 'b']), ['set', ['a', 'b']]);
  t.deepEqual(decodeValue(['set', []]), []);
  t.deepEqual(decodeValue(['set', [['uuid', U]]]), [new Uuid(U)]);
  const setCol = parseColumnType({ key: 'string', min: 0, max: 'unlimited' });
  const col = { name: 'c', type: setCol, kind: columnKind(setCol), ephemeral: false, mutable: true };
  t.deepEqual(decodeDatum(col, 'a'), ['a']);
  t.deepEqual(decodeDatum(col, ['set', []]), []);
});

test('maps become Map and back', (t) => {
  const m = new Map<Atom, Atom>([['k', 'v'], ['n', 1]]);
  t.deepEqual(encodeValue(m), ['map', [['k', 'v'], ['n', 1]]]);
  t.deepEqual(decodeValue(['map', [['k', 'v'], ['n', 1]]]), m);
  t.deepEqual(decodeValue(['map', []]), new Map());
});

test('malformed notation is a ProtocolError', (t) => {
  t.throws(() => decodeValue(['uuid', 1]), { instanceOf: ProtocolError });
  t.throws(() => decodeValue({}), { instanceOf: ProtocolError });
  t.throws(() => decodeValue(['map', [['k']]]), { instanceOf: ProtocolError });
  t.throws(() => decodeValue(null), { instanceOf: ProtocolError });
});

const atomArb: fc.Arbitrary<Atom> = fc.oneof(
  fc.string(),
  fc.integer(),
  fc.boolean(),
  fc.uuid().map((u) => new Uuid(u)),
);
const valueArb: fc.Arbitrary<Value> = fc.oneof(
  atomArb,
  fc.uniqueArray(atomArb, { selector: (a) => (a instanceof Uuid ? `u${a.uuid}` : `${typeof a}${String(a)}`), maxLength: 5 }).filter((a) => a.length !== 1),
  fc.uniqueArray(fc.tuple(fc.string(), atomArb), { selector: ([k]) => k, maxLength: 5 }).map((p) => new Map<Atom, Atom>(p)),
);

test('property: decode(JSON(encode(v))) equals v', (t) => {
  fc.assert(
    fc.property(valueArb, (v) => {
      const back = decodeValue(JSON.parse(JSON.stringify(encodeValue(v))));
      t.deepEqual(back, v);
      t.true(valueEquals(back, v));
    }),
    { numRuns: 500 },
  );
});

test('operations encode as RFC 7047 JSON', (t) => {
  t.deepEqual(encodeOperation(insert('Bridge', { name: 'br0', ports: [], other_config: new Map([['a', 'b']]), fail_mode: undefined }, 'b')), {
    op: 'insert',
    table: 'Bridge',
    row: { name: 'br0', ports: ['set', []], other_config: ['map', [['a', 'b']]] },
    'uuid-name': 'b',
  });
  t.deepEqual(encodeOperation(update('Bridge', [eq('name', 'br0')], { fail_mode: ['secure'] })), { op: 'update', table: 'Bridge', where: [['name', '==', 'br0']], row: { fail_mode: 'secure' } });
  t.deepEqual(encodeOperation(mutate('Open_vSwitch', [], [mutation('next_cfg', '+=', 1)])), { op: 'mutate', table: 'Open_vSwitch', where: [], mutations: [['next_cfg', '+=', 1]] });
  t.deepEqual(encodeOperation(wait('Port', [eq('name', 'p')], ['tag'], [{ tag: [] }], { until: '!=', timeout: 100 })), {
    op: 'wait',
    table: 'Port',
    where: [['name', '==', 'p']],
    columns: ['tag'],
    until: '!=',
    rows: [{ tag: ['set', []] }],
    timeout: 100,
  });
  t.deepEqual(encodeOperation(del('Port', [eq('_uuid', new Uuid(U))])), { op: 'delete', table: 'Port', where: [['_uuid', '==', ['uuid', U]]] });
  t.deepEqual(encodeOperation(select('Port', [], ['name'])), { op: 'select', table: 'Port', where: [], columns: ['name'] });
  t.deepEqual(encodeOperation(comment('hi')), { op: 'comment', comment: 'hi' });
  t.deepEqual(encodeOperation(commit(true)), { op: 'commit', durable: true });
  t.deepEqual(encodeOperation(abort()), { op: 'abort' });
  t.deepEqual(encodeOperation(assertLock('l')), { op: 'assert', lock: 'l' });
});

test('update2 diffs: sets are symmetric differences, maps add/remove/replace', (t) => {
  t.deepEqual(applySetDiff(['a', 'b'], ['set', ['b', 'c']]).sort(), ['a', 'c']);
  t.deepEqual(applySetDiff([], 'x'), ['x']);
  t.deepEqual(applySetDiff(['x'], ['set', ['x', 'y']]), ['y']);
  // optional (max 1) and not empty: the diff is the new value
  t.deepEqual(applySetDiff(['secure'], 'standalone', 1), ['standalone']);
  t.deepEqual(applySetDiff(['secure'], ['set', []], 1), []);
  t.deepEqual(applySetDiff([], 'secure', 1), ['secure']);
  const m = applyMapDiff(new Map<Atom, Atom>([['keep', '1'], ['drop', '2'], ['chg', '3']]), ['map', [['drop', '2'], ['chg', '4'], ['new', '5']]]);
  t.deepEqual(m, new Map([['keep', '1'], ['chg', '4'], ['new', '5']]));
});

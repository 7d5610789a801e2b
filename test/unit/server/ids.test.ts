import * as assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { AccountCode, IdKind, decodeId, encodeId, indexesOf } from '../../qovery/ids';

describe('fake server ids', () => {
  it('round-trips kind, account and indexes', () => {
    const samples: [number, number, number, number, number, number][] = [
      [IdKind.organization, AccountCode.demo, 0, 0, 0, 0],
      [IdKind.service, AccountCode.large, 49, 499, 3, 5],
      [IdKind.apiToken, AccountCode.demo, 65535, 65535, 65535, 65535],
      [IdKind.deployment, 255, 1, 2, 3, 4],
    ];
    for (const [kind, account, a, b, c, d] of samples) {
      const id = encodeId(kind, account, a, b, c, d);
      assert.deepEqual(decodeId(id), { kind, account, indexes: [a, b, c, d] });
      assert.deepEqual(decodeId(id.toUpperCase()), { kind, account, indexes: [a, b, c, d] });
    }
  });

  it('looks like a version 4 UUID and is the same on every call', () => {
    const id = encodeId(IdKind.project, AccountCode.demo, 0, 1);
    assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(encodeId(IdKind.project, AccountCode.demo, 0, 1), id);
  });

  it('scatters neighbouring ids (no shared prefix between siblings)', () => {
    const a = encodeId(IdKind.project, AccountCode.large, 3, 10);
    const b = encodeId(IdKind.project, AccountCode.large, 3, 11);
    assert.notEqual(a.slice(0, 8), b.slice(0, 8));
    assert.notEqual(a.slice(-12), b.slice(-12));
  });

  it('rejects foreign and tampered UUIDs', () => {
    for (let i = 0; i < 200; i++) {
      assert.equal(decodeId(randomUUID()), undefined);
    }
    const id = encodeId(IdKind.environment, AccountCode.demo, 1, 2, 3);
    const tampered = id.slice(0, -1) + (id.endsWith('0') ? '1' : '0');
    assert.equal(decodeId(tampered), undefined);
    assert.equal(decodeId('not-a-uuid'), undefined);
  });

  it('checks kind and account when resolving indexes', () => {
    const id = encodeId(IdKind.project, AccountCode.demo, 1, 2);
    assert.deepEqual(indexesOf(id, IdKind.project, AccountCode.demo), [1, 2, 0, 0]);
    assert.equal(indexesOf(id, IdKind.environment, AccountCode.demo), undefined);
    assert.equal(indexesOf(id, IdKind.project, AccountCode.large), undefined);
  });

  it('refuses indexes that do not fit', () => {
    assert.throws(() => encodeId(IdKind.project, AccountCode.demo, 65536), RangeError);
    assert.throws(() => encodeId(IdKind.project, AccountCode.demo, -1), RangeError);
  });
});

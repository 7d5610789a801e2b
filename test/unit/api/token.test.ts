import * as assert from 'node:assert/strict';
import { authorizationHeader, cleanToken, detectScheme, MAX_TOKEN_LENGTH, redact, schemeFor } from '../../../src/api';

const b64url = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');
const JWT = `${b64url({ alg: 'RS256', typ: 'JWT', kid: 'k1' })}.${b64url({ sub: 'auth0|42', exp: 1900000000 })}.c2lnbmF0dXJlLWJ5dGVz_-x`;

function ok(raw: string): string {
  const r = cleanToken(raw);
  assert.ok(r.ok, `expected ${JSON.stringify(raw)} to be accepted, got: ${r.ok ? '' : r.reason}`);
  return r.token;
}

function rejected(raw: string): string {
  const r = cleanToken(raw);
  assert.equal(r.ok, false, `expected ${JSON.stringify(raw)} to be rejected`);
  return r.ok ? '' : r.reason;
}

describe('api/token cleanToken', () => {
  it('keeps a plain token', () => {
    assert.equal(ok('qov_abc123'), 'qov_abc123');
  });

  it('trims whitespace and matching quotes of every kind', () => {
    assert.equal(ok('  qov_abc123 \n'), 'qov_abc123');
    assert.equal(ok('"qov_abc123"'), 'qov_abc123');
    assert.equal(ok("'qov_abc123'"), 'qov_abc123');
    assert.equal(ok('`qov_abc123`'), 'qov_abc123');
    assert.equal(ok(' " qov_abc123 " '), 'qov_abc123');
  });

  it('leaves unmatched quotes alone (they then count as part of the token)', () => {
    assert.equal(ok('"qov_abc123'), '"qov_abc123');
  });

  it('strips a leading Token/Bearer scheme, any case, and a pasted header name', () => {
    assert.equal(ok('Token qov_abc123'), 'qov_abc123');
    assert.equal(ok('bearer qov_abc123'), 'qov_abc123');
    assert.equal(ok('TOKEN   qov_abc123'), 'qov_abc123');
    assert.equal(ok('"Bearer qov_abc123"'), 'qov_abc123');
    assert.equal(ok('Authorization: Token qov_abc123'), 'qov_abc123');
    assert.equal(ok('Tokenqov_abc'), 'Tokenqov_abc');
  });

  it('rejects empty input with a clear reason', () => {
    assert.match(rejected(''), /empty/);
    assert.match(rejected('   '), /empty/);
    assert.match(rejected('""'), /empty/);
    assert.match(rejected('Bearer  '), /empty/);
    assert.match(rejected('"Token"'), /empty/);
  });

  it('rejects inner whitespace and line breaks', () => {
    assert.match(rejected('qov_abc 123'), /spaces or line breaks/);
    assert.match(rejected('qov_abc\n123'), /spaces or line breaks/);
    assert.match(rejected('qov_abc\t123'), /spaces or line breaks/);
  });

  it('rejects control characters and invisible non-ASCII characters', () => {
    assert.match(rejected('qov_abc\u0000123'), /control characters/);
    assert.match(rejected('qov_abc\u007f123'), /control characters/);
    assert.match(rejected('qov_abc\u200b123'), /not plain ASCII/);
    assert.match(rejected('qov_abcé123'), /not plain ASCII/);
  });

  it('rejects tokens longer than the limit, accepts exactly the limit', () => {
    assert.equal(ok('a'.repeat(MAX_TOKEN_LENGTH)).length, MAX_TOKEN_LENGTH);
    assert.match(rejected('a'.repeat(MAX_TOKEN_LENGTH + 1)), /longer than 4096/);
  });

  it('never echoes the token in a reason', () => {
    for (const raw of ['qov_SECRETVALUE xyz', 'qov_SECRETVALUE\u0001', 'qov_SECRETVALUE\u00e9', `qov_SECRETVALUE${'x'.repeat(5000)}`]) {
      assert.doesNotMatch(rejected(raw), /SECRETVALUE/);
    }
  });
});

describe('api/token detectScheme', () => {
  it('sends a real-looking JWT as Bearer', () => {
    assert.equal(detectScheme(JWT), 'Bearer');
  });

  it('accepts padded standard base64 in the header part', () => {
    const header = Buffer.from('{"alg":"none"}').toString('base64');
    assert.match(header, /=$/);
    assert.equal(detectScheme(`${header}.e30.sig`), 'Bearer');
  });

  it('sends organization API tokens as Token', () => {
    assert.equal(detectScheme('qov_abc123DEF'), 'Token');
    assert.equal(detectScheme('qov_abc.def.ghi'), 'Token');
  });

  it('needs three parts and a JSON object before the first dot', () => {
    assert.equal(detectScheme(`${b64url({ alg: 'RS256' })}.payload`), 'Token');
    assert.equal(detectScheme(`${b64url([1, 2])}.a.b`), 'Token');
    assert.equal(detectScheme(`${b64url('text')}.a.b`), 'Token');
    assert.equal(detectScheme('e30!.a.b'), 'Token');
  });

  it('lets the setting override detection', () => {
    assert.equal(schemeFor(JWT, 'token'), 'Token');
    assert.equal(schemeFor('qov_abc', 'bearer'), 'Bearer');
    assert.equal(schemeFor(JWT, 'auto'), 'Bearer');
    assert.equal(authorizationHeader('qov_abc'), 'Token qov_abc');
    assert.equal(authorizationHeader(JWT), `Bearer ${JWT}`);
    assert.equal(authorizationHeader(JWT, 'token'), `Token ${JWT}`);
    assert.equal(authorizationHeader('qov_abc', 'bearer'), 'Bearer qov_abc');
  });
});

describe('api/token redact', () => {
  it('replaces every occurrence of each secret, including its URL-encoded form', () => {
    const secret = 'qov_s3cr3t/value';
    const out = redact(`a ${secret} b ${secret} c ${encodeURIComponent(secret)}`, [secret]);
    assert.equal(out, 'a *** b *** c ***');
  });

  it('masks Authorization header values in several spellings', () => {
    assert.equal(redact('Authorization: Token abc', []), 'Authorization: ***');
    assert.equal(redact('{"authorization":"Bearer x.y.z"}', []), '{"authorization":"***"}');
    assert.equal(redact('authorization=whatever\nnext line', []), 'authorization=***\nnext line');
  });

  it('masks Token/Bearer values that look like credentials but keeps ordinary words', () => {
    assert.equal(redact('sent Token qov_unknown123 now', []), 'sent Token *** now');
    assert.equal(redact(`Bearer ${JWT}`, []), 'Bearer ***');
    assert.equal(redact('Token expired, please log in', []), 'Token expired, please log in');
  });

  it('keeps token ids: they are not secrets, and support needs them in the log', () => {
    const id = '3f2a9c1e-7b4d-4e08-9a6f-0c5d2b1e8f47';
    assert.equal(redact(`The old token ${id} of connection c1 is kept at the user's request.`, []), `The old token ${id} of connection c1 is kept at the user's request.`);
    assert.equal(redact(`Revoked token ${id.toUpperCase()}.`, []), `Revoked token ${id.toUpperCase()}.`);
    // A secret is still masked, also when it sits next to an id, and an id-prefixed secret is not an id.
    assert.equal(redact(`token qov_abc123456789 replaces token ${id}`, []), `token *** replaces token ${id}`);
    assert.equal(redact(`Token ${id}x9_secret_rest`, []), 'Token ***');
  });

  it('ignores empty and very short secrets instead of mangling the text', () => {
    assert.equal(redact('abc', ['', 'a']), 'abc');
  });
});

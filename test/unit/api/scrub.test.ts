import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { scrubSecrets } from '../../../src/api/scrub';

describe('scrubSecrets', () => {
  it('removes a secret as it is, collapsed, and any run of 12 characters of it', () => {
    assert.equal(scrubSecrets('value abc was refused', ['abc']), 'value ••• was refused');
    assert.equal(scrubSecrets('key: line one\n  line two!', ['line one\nline two']), 'key: •••!');
    const long = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
    assert.equal(scrubSecrets(`cut: …${long.slice(5, 20)}…`, [long]), 'cut: …•••…');
    assert.equal(scrubSecrets(`two parts ${long.slice(0, 12)} and ${long.slice(20)}`, [long]), 'two parts ••• and •••');
    assert.equal(scrubSecrets('an 11 char run FGHIJKLMNOP stays', [long]), 'an 11 char run FGHIJKLMNOP stays');
    assert.equal(scrubSecrets('nothing given\nkeeps its lines', []), 'nothing given\nkeeps its lines');
  });

  it('leaves no 12-character run of any secret, whatever the text around it (property test)', () => {
    const seed = Number(process.env.QOVERY_PROPERTY_SEED ?? 20261207);
    console.log(`      scrubSecrets property test seed: ${seed}`);
    const chars = fc.constantFrom('a', 'b', 'c', ' ', '\n', '\t', '-', '=', '/', '+', 'é');
    fc.assert(
      fc.property(fc.string({ unit: chars, minLength: 12, maxLength: 80 }), fc.string({ unit: chars, maxLength: 30 }), fc.nat(), fc.nat(), (secret, noise, a, b) => {
        const start = a % secret.length;
        const end = start + (b % (secret.length - start + 1));
        const text = `${noise}${secret.slice(start, end)}${noise}${secret}`;
        const out = scrubSecrets(text, [secret]);
        const flat = secret.replace(/[\s\p{Cc}]+/gu, ' ').trim();
        for (let i = 0; i + 12 <= flat.length; i++) {
          assert.ok(!out.includes(flat.slice(i, i + 12)), JSON.stringify({ secret, text, out }));
        }
      }),
      { seed, numRuns: 300 },
    );
  });
});

import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { noLinks } from '../../../src/api/errors';

/** What a notification would render as a link: `[label](target)` with a non-empty label. */
const LINK = /\[[^\]]+\]\([^)]*\)/;

describe('noLinks: no name or server text becomes a link in a notification', () => {
  it('undoes nested links until none is left', () => {
    assert.equal(noLinks('Deploy [[x](y)](command:workbench.action.quit)?'), 'Deploy x (y) (command:workbench.action.quit)?');
    assert.equal(noLinks('[[[a](b)](c)](command:q)'), 'a (b) (c) (command:q)');
    assert.equal(noLinks('[[Acme](https://a.example)](command:workbench.action.quit) / [prod]'), 'Acme (https://a.example) (command:workbench.action.quit) / [prod]');
  });

  it('breaks a link made of two halves (two names, or a name and the text around it)', () => {
    const message = `Delete ${'[click here'} of ${'web](command:workbench.action.quit)'}?`;
    assert.doesNotMatch(noLinks(message), LINK);
    assert.equal(noLinks('a ]( b'), 'a ] ( b');
    assert.equal(noLinks('[x]]((command:q)'), '[x]] ((command:q)');
  });

  it('keeps brackets that make no link as they are', () => {
    assert.equal(noLinks('api [legacy] (eu) [1/2]'), 'api [legacy] (eu) [1/2]');
    assert.equal(noLinks('[]'), '[]');
  });

  it('leaves no link and no "](" in any mix of brackets, and a second pass changes nothing (property test)', () => {
    const seed = Number(process.env.QOVERY_PROPERTY_SEED ?? 20261207);
    console.log(`      noLinks property test seed: ${seed}`);
    const piece = fc.constantFrom('[', ']', '(', ')', '](', 'command:workbench.action.quit', 'https://e.example', 'x', ' ', '\\');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 24 }).map((p) => p.join('')), (text) => {
        const out = noLinks(text);
        assert.doesNotMatch(out, LINK, JSON.stringify({ text, out }));
        assert.ok(!out.includes(']('), JSON.stringify({ text, out }));
        assert.equal(noLinks(out), out);
      }),
      { seed, numRuns: 2000 },
    );
  });
});

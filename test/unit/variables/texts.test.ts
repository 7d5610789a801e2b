import * as assert from 'node:assert/strict';
import { decodeDotenv } from '../../../src/variables/dotenv';
import { importPlan, type ImportItem } from '../../../src/variables/preview';
import { dotenvProblemText, importPreviewLines, keyProblemText, levelOfScopeName, skippedKeysText, writeFailureText } from '../../../src/variables/texts';
import { plainL10n } from '../../../src/tree/present';

describe('variables: what the commands say', () => {
  it('says what is wrong with a key, and nothing for a good one', () => {
    assert.equal(keyProblemText('', plainL10n), 'Enter a key.');
    assert.equal(keyProblemText('1PORT', plainL10n), 'A key cannot start with a digit.');
    assert.equal(keyProblemText('MY-KEY', plainL10n), 'Use letters, digits and _ only (an environment variable name).');
    assert.equal(keyProblemText('DATABASE_URL', plainL10n), undefined);
  });

  it('words each problem of a .env file by its line', () => {
    const decoded = decodeDotenv(Buffer.from('PORT=3000\nno equals here\n9BAD=x\nPORT=4000\nQUOTED="open\n'));
    assert.equal(decoded.kind, 'parsed');
    const texts = decoded.kind === 'parsed' ? decoded.parsed.problems.map((p) => dotenvProblemText(p, plainL10n)) : [];
    assert.ok(texts.includes('line 2: no "=", skipped'), texts.join('\n'));
    assert.ok(texts.includes('line 3: "9BAD" is not a valid variable name, skipped'), texts.join('\n'));
    assert.ok(texts.includes('line 4: PORT is given again, the last value is kept'), texts.join('\n'));
    assert.ok(texts.includes('line 5: the quote is never closed, skipped'), texts.join('\n'));
  });

  it("previews an import: created, changed, a secret replaced, skipped, and what a new variable hides", () => {
    const items: ImportItem[] = [
      { key: 'NEW', value: '1', action: 'create', secret: false },
      { key: 'REGION', value: 'eu', action: 'create', secret: false, hides: 'PROJECT' },
      { key: 'PORT', value: '4000', action: 'update', secret: false, existingId: 'v1' },
      { key: 'API_KEY', value: 'x', action: 'replaceSecret', secret: true, existingId: 'v2' },
      { key: 'SAME', value: 's', action: 'unchanged', secret: false, existingId: 'v3' },
    ];
    assert.deepEqual(importPreviewLines(items, plainL10n), ['+ NEW', '+ REGION (hides the project variable)', '~ PORT (changed)', '~ API_KEY 🔒 secret (secret replaced)', '= SAME (unchanged, skipped)']);
    // The plan itself: a key that looks like a secret is sent as one.
    const planned = importPlan([{ key: 'STRIPE_SECRET_KEY', value: 'sk', line: 1 }] as never, [], () => true);
    assert.deepEqual(importPreviewLines(planned, plainL10n), ['+ STRIPE_SECRET_KEY 🔒 secret']);
  });

  it('names the level a hidden variable comes from', () => {
    assert.equal(levelOfScopeName('PROJECT'), 'project');
    assert.equal(levelOfScopeName('ENVIRONMENT'), 'environment');
    assert.equal(levelOfScopeName('APPLICATION'), 'service');
  });

  it('shows at most five keys a pull left out, quoted, then how many more', () => {
    assert.equal(skippedKeysText(['a-b', 'c d'], plainL10n), '"a-b", "c d"');
    assert.equal(skippedKeysText(['k1', 'k2', 'k3', 'k4', 'k5', 'k6', 'k7'], plainL10n), '"k1", "k2", "k3", "k4", "k5" and 2 more');
    // A key is anyone's text: a control character is shown escaped, never as is.
    assert.equal(skippedKeysText(['x\ny'], plainL10n), '"x\\u{a}y"');
  });

  it('words a refused change by its kind: the role, Qovery\'s reason, or the error', () => {
    assert.equal(writeFailureText('forbidden', 'Forbidden', plainL10n), "Qovery: your token's role may not change variables (403).");
    assert.equal(writeFailureText('badRequest', 'the key exists', plainL10n), 'Qovery refused the change: the key exists');
    assert.equal(writeFailureText('network', 'Qovery is unreachable.', plainL10n), 'Qovery: Qovery is unreachable.');
    assert.equal(writeFailureText(undefined, 'boom', plainL10n), 'Qovery: boom');
  });
});

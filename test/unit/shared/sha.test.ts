import * as assert from 'node:assert/strict';
import { shortSha } from '../../../src/shared/sha';

describe('shared: shortSha', () => {
  it('shows a commit id as its first seven hex digits, lower case', () => {
    assert.equal(shortSha('0123456789abcdef0123456789abcdef01234567'), '0123456');
    assert.equal(shortSha('ABCDEF0123'), 'abcdef0');
    assert.equal(shortSha('abcdef0'), 'abcdef0');
    // A SHA-256 object name (64 digits) is a commit id too.
    assert.equal(shortSha('a'.repeat(64)), 'aaaaaaa');
  });

  it('shows nothing for what is not a commit id', () => {
    for (const notSha of [undefined, null, 7, {}, '', 'abc123', 'main', 'v1.2.3-beta', 'g123456789', 'a'.repeat(65), ' abcdef0123']) {
      assert.equal(shortSha(notSha), undefined, JSON.stringify(notSha));
    }
  });
});

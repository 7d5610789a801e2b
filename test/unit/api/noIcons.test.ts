import * as assert from 'node:assert';
import { noIcons } from '../../../src/api';

// VS Code renders `$(name)` as an icon in a quick pick's texts and a status bar item's text; a name
// holding one is shown as typed (VS Code's escape: a backslash before it).
describe('noIcons', () => {
  it('escapes every icon in a name, with or without a modifier', () => {
    assert.equal(noIcons('web $(zap) $(sync~spin)'), 'web \\$(zap) \\$(sync~spin)');
    assert.equal(noIcons('$(warning)prod'), '\\$(warning)prod');
  });

  it('keeps the one leading icon the extension puts there, and only that one', () => {
    assert.equal(noIcons('$(rocket) web $(zap)', true), '$(rocket) web \\$(zap)');
    assert.equal(noIcons('$(rocket)$(zap) web', true), '$(rocket)\\$(zap) web');
    assert.equal(noIcons('web $(zap)', true), 'web \\$(zap)');
  });

  it('leaves one escaped already as it is: a caller escapes a name that leads a label before adding its own icon', () => {
    const name = noIcons('$(pass-filled) staging');
    assert.equal(name, '\\$(pass-filled) staging');
    assert.equal(noIcons(name, true), name, 'the Ui does not escape it twice, nor take it for the leading icon');
    assert.equal(noIcons(`$(star-full) ${name}`, true), '$(star-full) \\$(pass-filled) staging');
  });

  it('leaves text with no icon syntax as it is', () => {
    for (const text of ['web', 'cost: $5 (monthly)', '$(', '$()', '$( zap)', 'a$b(c)']) {
      assert.equal(noIcons(text), text);
      assert.equal(noIcons(text, true), text);
    }
  });
});

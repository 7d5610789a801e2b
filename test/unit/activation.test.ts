import * as assert from 'node:assert';
import { probeActivation } from './support/activationProbe';

describe('activate (the production build, in plain Node with a stand-in vscode module)', function () {
  this.timeout(30_000);

  it('sends nothing and reads no file, and registers every command', async () => {
    const io = await probeActivation();
    assert.deepStrictEqual(io.requests, [], 'network calls during activate');
    assert.deepStrictEqual(io.fileReads, [], 'file reads during activate');
    assert.strictEqual(io.secretReads, 0, 'SecretStorage reads during activate');
    assert.ok(io.commands.includes('qovery.signIn') && io.commands.includes('qovery.rotateToken') && io.commands.includes('qovery.copyId'), io.commands.join(', '));
  });
});

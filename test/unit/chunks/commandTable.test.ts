import * as assert from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadSource } from '../support/loadSource';

// Compiled to out/test/unit/chunks: the repository root is four levels up.
const root = path.resolve(__dirname, '..', '..', '..', '..');

interface Row {
  id: string;
  chunk: string;
  connection: boolean;
}

describe('the command table (src/commands/table.ts)', function () {
  this.timeout(20_000);
  let table: readonly Row[];
  let commands: Record<string, string>;

  before(async () => {
    ({ COMMAND_TABLE: table } = await loadSource<{ COMMAND_TABLE: readonly Row[] }>('src/commands/table.ts'));
    ({ Commands: commands } = await loadSource<{ Commands: Record<string, string> }>('src/contributions.ts'));
  });

  it('lists every command id exactly once, and nothing else', () => {
    const ids = table.map((r) => r.id);
    assert.deepStrictEqual(ids.filter((id, i) => ids.indexOf(id) !== i), [], 'ids listed twice');
    assert.deepStrictEqual(Object.values(commands).filter((id) => !ids.includes(id)), [], 'command ids the table lacks');
    assert.deepStrictEqual(ids.filter((id) => !Object.values(commands).includes(id)), [], 'ids that are not commands');
  });

  it('names, for each row, the core or a chunk whose file exists', () => {
    const missing = table.filter((r) => r.chunk !== 'core' && (r.chunk === 'core.ts' || !fs.existsSync(path.join(root, 'src', 'chunks', `${r.chunk}.ts`))));
    assert.deepStrictEqual(missing, [], 'rows naming no chunk file');
    assert.deepStrictEqual(table.filter((r) => r.chunk === 'core').map((r) => r.id), [commands.showLog], 'the core runs only Show Log itself');
  });

  it('says which commands need a connection', () => {
    const needs = (id: string): boolean | undefined => table.find((r) => r.id === id)?.connection;
    for (const key of ['testAuthentication', 'rotateToken', 'createApiToken', 'deploy', 'showVariables', 'showServiceLogs', 'openShell', 'createPreview']) {
      assert.strictEqual(needs(commands[key]), true, key);
    }
    for (const key of ['signIn', 'addConnection', 'signOut', 'showLog', 'copyId', 'filterVariables', 'clearLogs']) {
      assert.strictEqual(needs(commands[key]), false, key);
    }
  });
});

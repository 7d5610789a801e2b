import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

// Compiled to out/test/unit/shared: the repository root is four levels up.
const root = path.resolve(__dirname, '..', '..', '..', '..');

function filesOf(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const file = path.join(dir, e.name);
    return e.isDirectory() ? filesOf(file) : file.endsWith('.ts') ? [file] : [];
  });
}

/** The files of src/ that call `name(`, as paths from the repository root. */
function callersOf(name: string): string[] {
  const call = new RegExp(`\\b${name}\\(`);
  return filesOf(path.join(root, 'src'))
    .filter((file) => fs.readFileSync(file, 'utf8').split('\n').some((line) => call.test(line) && !new RegExp(`function ${name}\\(`).test(line)))
    .map((file) => path.relative(root, file).split(path.sep).join('/'))
    .sort();
}

// The gateway's URL and Authorization value are made in one place (GatewayAccess), so the shell, the
// port forwards, the live logs and the deployment streams cannot drift apart on the scheme or the setting.
describe('the gateway access: one place builds the websocket URL and the Authorization value', () => {
  it('only GatewayAccess builds a gateway Authorization value (the API client keeps its own, with the same scheme rules, and so does the MCP server definition, an HTTP server VS Code calls)', () => {
    assert.deepEqual(callersOf('authorizationHeader'), ['src/agents/mcp.ts', 'src/shared/gatewayAccess.ts']);
  });

  it('only GatewayAccess reads qovery.websocketUrl', () => {
    assert.deepEqual(callersOf('parseWebsocketUrl'), ['src/shared/gatewayAccess.ts']);
  });
});

import * as assert from 'node:assert/strict';
import { mcpLabel, QOVERY_MCP_URL, QoveryMcpProvider, type McpHttpDefinitionLike } from '../../../src/agents/mcp';

/** Stands for vscode.McpHttpServerDefinition. */
class Definition implements McpHttpDefinitionLike {
  constructor(
    readonly label: string,
    public uri: string,
    public headers: Record<string, string>,
    public version?: string,
  ) {}
}

const API_TOKEN = 'qov_mcp-unit-test-token-0123456789';
const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1In0.c2lnbmF0dXJl';

function setup() {
  const connections = new Map<string, { name: string; token: string }>([
    ['c1', { name: 'production', token: API_TOKEN }],
    ['c2', { name: 'staging', token: JWT }],
  ]);
  let active: string | undefined = 'c1';
  let scheme: 'auto' | 'token' | 'bearer' = 'auto';
  let apiUrl: string | undefined = 'https://api.qovery.com';
  const changed = new Set<() => void>();
  const provider = new QoveryMcpProvider<Definition>({
    active: () => (active ? { id: active, name: connections.get(active)!.name } : undefined),
    token: (id) => Promise.resolve(connections.get(id)?.token),
    scheme: () => scheme,
    apiUrl: () => apiUrl,
    definition: (label, url, headers, version) => new Definition(label, url, headers, version),
    onDidChangeConnection: (listener) => {
      changed.add(listener);
      return { dispose: () => changed.delete(listener) };
    },
  });
  let fired = 0;
  provider.onDidChangeMcpServerDefinitions(() => fired++);
  const change = (to: string | undefined) => {
    active = to;
    changed.forEach((l) => l());
  };
  return {
    provider,
    change,
    setScheme: (s: typeof scheme) => (scheme = s),
    setApiUrl: (u: string | undefined) => (apiUrl = u),
    rotate: (token: string) => {
      connections.get(active!)!.token = token;
      changed.forEach((l) => l());
    },
    fired: () => fired,
    listeners: () => changed.size,
  };
}

describe('agents: the MCP server definition provider', () => {
  it("offers Qovery's hosted server for the active connection, with no secret in what it lists", () => {
    const { provider } = setup();
    const [definition, ...more] = provider.provideMcpServerDefinitions();
    assert.equal(more.length, 0);
    assert.equal(definition.uri, QOVERY_MCP_URL);
    assert.equal(definition.label, 'Qovery (production)');
    assert.equal(definition.version, 'c1');
    assert.deepEqual(definition.headers, {});
    assert.ok(!JSON.stringify(definition).includes(API_TOKEN));
  });

  it('offers nothing, and resolves nothing, for a connection to another API than Qovery\'s (qovery.apiUrl set elsewhere, or unusable)', async () => {
    const t = setup();
    const listed = t.provider.provideMcpServerDefinitions()[0];
    for (const other of ['https://api.staging.example', 'http://127.0.0.1:4000', undefined]) {
      t.setApiUrl(other);
      assert.deepEqual(t.provider.provideMcpServerDefinitions(), [], String(other));
      assert.equal(await t.provider.resolveMcpServerDefinition(listed), undefined, String(other));
      assert.deepEqual(listed.headers, {}, 'no token added');
    }
    t.setApiUrl('https://api.qovery.com/');
    assert.equal(t.provider.provideMcpServerDefinitions().length, 1);
  });

  it('adds the token only when resolved: Token for an API token, Bearer for a JWT, as the REST client; the setting forces one', async () => {
    const t = setup();
    const resolved = await t.provider.resolveMcpServerDefinition(t.provider.provideMcpServerDefinitions()[0]);
    assert.deepEqual(resolved?.headers, { Authorization: `Token ${API_TOKEN}` });
    t.change('c2');
    const jwt = await t.provider.resolveMcpServerDefinition(t.provider.provideMcpServerDefinitions()[0]);
    assert.deepEqual(jwt?.headers, { Authorization: `Bearer ${JWT}` });
    t.setScheme('token');
    const forced = await t.provider.resolveMcpServerDefinition(t.provider.provideMcpServerDefinitions()[0]);
    assert.deepEqual(forced?.headers, { Authorization: `Token ${JWT}` });
  });

  it('a switch, a rotation or a sign-out fires the change; signed out there is no definition and nothing resolves', async () => {
    const t = setup();
    const before = t.provider.provideMcpServerDefinitions()[0];
    t.change('c2');
    assert.equal(t.fired(), 1);
    assert.equal(t.provider.provideMcpServerDefinitions()[0].label, 'Qovery (staging)');
    assert.equal(await t.provider.resolveMcpServerDefinition(before), undefined, "the other connection's definition does not get this token");
    t.rotate('qov_rotated-token-abcdef0123456789');
    assert.equal(t.fired(), 2);
    const rotated = await t.provider.resolveMcpServerDefinition(t.provider.provideMcpServerDefinitions()[0]);
    assert.equal(rotated?.headers.Authorization, 'Token qov_rotated-token-abcdef0123456789');
    t.change(undefined);
    assert.equal(t.fired(), 3);
    assert.deepEqual(t.provider.provideMcpServerDefinitions(), []);
    assert.equal(await t.provider.resolveMcpServerDefinition(before), undefined);
    t.provider.dispose();
    assert.equal(t.listeners(), 0);
  });

  it('a label cannot carry control characters', () => {
    assert.equal(mcpLabel('prod\n\u001b[31mred'), 'Qovery (prod [31mred)');
  });
});

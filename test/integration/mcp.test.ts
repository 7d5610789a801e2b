import * as assert from 'node:assert';
import * as vscode from 'vscode';
import type { QoveryExtensionApi } from '../../src/extension';
import { extensionApi, freshServer, resetExtension, signInWith, waitFor } from './helpers';
import type { QoveryServer } from '../qovery';
import { QoveryMcpProvider, type McpHttpDefinitionLike } from '../../src/agents/mcp';

/** Whether this VS Code has the MCP server definition provider API (1.101). */
function hasMcpApi(): boolean {
  const [major, minor] = vscode.version.split('.').map(Number);
  return major > 1 || (major === 1 && minor >= 101);
}

interface McpApi {
  lm: { registerMcpServerDefinitionProvider?: unknown };
  McpHttpServerDefinition?: new (...args: never[]) => unknown;
}

describe('mcp: the MCP server definition provider', function () {
  this.timeout(60_000);
  let api: QoveryExtensionApi;
  let server: QoveryServer;

  before(async () => {
    api = await extensionApi();
  });

  beforeEach(async () => {
    server = await freshServer(api);
    await signInWith(api, server.tokens.admin);
    assert.ok(api.agents, 'the agents chunk');
  });

  afterEach(async () => {
    await resetExtension(api);
    await server.close();
  });

  it('the provider exists exactly where VS Code has the API (1.101+), and nothing fails elsewhere', () => {
    // 1.100 has the function as a proposal its call refuses: the registration is tried, and nothing is shown.
    assert.strictEqual(api.agents.mcpProvider !== undefined, hasMcpApi(), `a provider on ${vscode.version}`);
    if (hasMcpApi()) {
      assert.strictEqual(typeof (vscode as unknown as McpApi).lm.registerMcpServerDefinitionProvider, 'function');
    }
  });

  it("offers Qovery's hosted server only for a connection to Qovery's API: none for this test API (the token of another API never goes there)", function () {
    if (!hasMcpApi()) {
      this.skip();
    }
    const provider = api.agents.mcpProvider;
    assert.ok(provider);
    assert.ok(api.session.store.active(), 'signed in, to the test API on 127.0.0.1');
    assert.deepStrictEqual(provider.provideMcpServerDefinitions(), []);
  });

  it("for Qovery's API: a vscode.McpHttpServerDefinition with no secret, the token only in the resolved definition, and none once signed out", async function () {
    if (!hasMcpApi()) {
      this.skip();
    }
    // The chunk's provider with VS Code's own definition class and the real store, its API read as Qovery's.
    const Definition = (vscode as unknown as { McpHttpServerDefinition: new (label: string, uri: vscode.Uri, headers?: Record<string, string>, version?: string) => McpHttpDefinitionLike }).McpHttpServerDefinition;
    const store = api.session.store;
    const provider = new QoveryMcpProvider<McpHttpDefinitionLike>({
      active: () => {
        const c = store.active();
        return c ? { id: c.id, name: c.name } : undefined;
      },
      token: (id) => store.getToken(id),
      scheme: () => 'auto',
      apiUrl: () => 'https://api.qovery.com',
      definition: (label, url, headers, version) => new Definition(label, vscode.Uri.parse(url), headers, version),
      onDidChangeConnection: (listener) => api.session.onDidChangeConnection(listener),
    });
    try {
      const [definition, ...more] = provider.provideMcpServerDefinitions();
      assert.strictEqual(more.length, 0);
      assert.ok(definition instanceof Definition, 'a vscode.McpHttpServerDefinition');
      assert.strictEqual(String(definition.uri), 'https://mcp.qovery.com/mcp');
      assert.ok(!JSON.stringify(definition).includes(server.tokens.admin), 'no token in what VS Code lists');
      const resolved = await provider.resolveMcpServerDefinition(definition);
      assert.strictEqual(resolved?.headers.Authorization, `Token ${server.tokens.admin}`);
      let changes = 0;
      const sub = provider.onDidChangeMcpServerDefinitions(() => changes++);
      await resetExtension(api);
      await waitFor('signed out', () => api.session.state.status === 'signedOut', 20_000);
      sub.dispose();
      assert.ok(changes > 0, 'the change is told to VS Code');
      assert.deepStrictEqual(provider.provideMcpServerDefinitions(), []);
      assert.strictEqual(await provider.resolveMcpServerDefinition(definition), undefined);
    } finally {
      provider.dispose();
    }
  });
});

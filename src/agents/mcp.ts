// Qovery's hosted MCP server (Streamable HTTP) offered to VS Code for the active connection. The
// definition VS Code lists holds no secret; the token is added only when VS Code starts the server
// (`resolveMcpServerDefinition`), read from SecretStorage then, so it is never in mcp.json, settings or
// logs. No `vscode`: the definition class, the connection and the token come in (plain mocha tests it).
import { authorizationHeader, cleanToken, type AuthSchemeSetting } from '../api/token';
import { DEFAULT_API_URL } from '../api/url';

export const QOVERY_MCP_URL = 'https://mcp.qovery.com/mcp';
/** The id of package.json's `mcpServerDefinitionProviders`. */
export const MCP_PROVIDER_ID = 'qovery.mcpServers';

/** The fields of VS Code's McpHttpServerDefinition this provider sets and reads. */
export interface McpHttpDefinitionLike {
  readonly label: string;
  uri: unknown;
  headers: Record<string, string>;
  version?: string;
}

export interface McpProviderDeps<T extends McpHttpDefinitionLike> {
  /** The active connection (no secret), undefined signed out. */
  active(): { id: string; name: string } | undefined;
  /** The connection's token from SecretStorage, read when VS Code starts the server. */
  token(connectionId: string): Promise<string | undefined>;
  /** `qovery.authScheme`: the REST client's rule (Bearer for a JWT, Token otherwise, unless forced). */
  scheme(): AuthSchemeSetting;
  /**
   * `qovery.apiUrl` (undefined when unusable). The hosted MCP server is Qovery's own: it is offered only
   * for a connection to Qovery's API, so a token of another API (a staging one, the demo) never goes to it.
   */
  apiUrl(): string | undefined;
  /** `new vscode.McpHttpServerDefinition(label, uri, headers, version)`. */
  definition(label: string, url: string, headers: Record<string, string>, version: string): T;
  /** Tells the provider the connection (or its token) changed: a switch, a rotation, a sign-out. */
  onDidChangeConnection(listener: () => void): { dispose(): void };
}

/** The label VS Code shows: the connection's name, so two accounts never look alike. */
// eslint-disable-next-line no-control-regex
export const mcpLabel = (connectionName: string): string => `Qovery (${connectionName.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim().slice(0, 80)})`;

/**
 * The provider VS Code calls (`vscode.lm.registerMcpServerDefinitionProvider`): one definition for the
 * active connection, none signed out; the Authorization header only in the resolved definition.
 */
export class QoveryMcpProvider<T extends McpHttpDefinitionLike> {
  readonly #listeners = new Set<() => void>();
  readonly #subscription: { dispose(): void };

  constructor(private readonly deps: McpProviderDeps<T>) {
    this.#subscription = deps.onDidChangeConnection(() => this.#fire());
  }

  /** VS Code's `onDidChangeMcpServerDefinitions` (an Event<void>). */
  readonly onDidChangeMcpServerDefinitions = (listener: () => void): { dispose(): void } => {
    this.#listeners.add(listener);
    return { dispose: () => this.#listeners.delete(listener) };
  };

  #fire(): void {
    for (const listener of [...this.#listeners]) {
      listener();
    }
  }

  /** The active connection, when its API is Qovery's (the only one whose tokens the hosted server takes). */
  #connection(): { id: string; name: string } | undefined {
    return this.deps.apiUrl()?.replace(/\/+$/, '') === DEFAULT_API_URL ? this.deps.active() : undefined;
  }

  provideMcpServerDefinitions(): T[] {
    const connection = this.#connection();
    // The connection's id is the version: another connection is another server for VS Code.
    return connection ? [this.deps.definition(mcpLabel(connection.name), QOVERY_MCP_URL, {}, connection.id)] : [];
  }

  /** The definition with the Authorization header, or undefined (not started) signed out or when the connection changed since. */
  async resolveMcpServerDefinition(server: T): Promise<T | undefined> {
    const connection = this.#connection();
    if (!connection || server.version !== connection.id || server.label !== mcpLabel(connection.name)) {
      return undefined;
    }
    const raw = await this.deps.token(connection.id).catch(() => undefined);
    const token = raw ? cleanToken(raw) : undefined;
    // Still the same connection once the token is read: a switch meanwhile starts nothing.
    if (!token?.ok || this.#connection()?.id !== connection.id) {
      return undefined;
    }
    server.headers = { ...server.headers, Authorization: authorizationHeader(token.token, this.deps.scheme()) };
    return server;
  }

  dispose(): void {
    this.#subscription.dispose();
    this.#listeners.clear();
  }
}

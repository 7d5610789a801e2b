// What a stream to Qovery's gateway needs besides its path: the base URL setting, the Authorization
// value (the same scheme rules as the API client, never logged), and the environment's cluster (the
// query names it; read once per environment and connection from the project's environment list).
import * as vscode from 'vscode';
import { listEnvironments } from '../api/explorer';
import { authorizationHeader, cleanToken } from '../api/token';
import type { Core } from '../chunks/core';
import { readSettings } from '../config';
import { parseWebsocketUrl } from './gateway';

export class GatewayAccess implements vscode.Disposable {
  /** Cluster ids by environment, for the current connection. */
  readonly #clusters = new Map<string, Promise<string | undefined>>();
  readonly #told = new Set<string>();
  readonly #connection: vscode.Disposable;

  constructor(private readonly core: Core) {
    this.#connection = core.session.onDidChangeConnection(() => this.#clusters.clear());
  }

  /** `qovery.websocketUrl`, or the default (a bad setting is said once). */
  baseUrl(): string {
    const url = parseWebsocketUrl(vscode.workspace.getConfiguration('qovery').get<unknown>('websocketUrl'));
    if (url.problem && !this.#told.has(url.problem)) {
      this.#told.add(url.problem);
      this.core.log.warn(url.problem);
      void this.core.ui.prompter.warn(vscode.l10n.t('Qovery: {0}', url.problem), {});
    }
    return url.url;
  }

  /** The Authorization value for the websocket, or undefined when signed out. */
  async authorization(): Promise<string | undefined> {
    const store = this.core.session.store;
    const connection = store.active();
    const token = connection ? await store.getToken(connection.id) : undefined;
    const t = token ? cleanToken(token) : undefined;
    if (!t?.ok) {
      return undefined;
    }
    this.core.log.protect(t.token);
    return authorizationHeader(t.token, readSettings().authScheme);
  }

  /** The environment's cluster (undefined when not found); a failure is not kept, so the next call asks again. */
  clusterOf(projectId: string, environmentId: string): Promise<string | undefined> {
    let found = this.#clusters.get(environmentId);
    if (!found) {
      found = (async () => {
        const client = await this.core.session.client();
        if (!client) {
          return undefined;
        }
        return (await listEnvironments(client, projectId)).find((e) => e.id === environmentId)?.cluster_id;
      })();
      found.catch(() => this.#clusters.delete(environmentId));
      this.#clusters.set(environmentId, found);
    }
    return found;
  }

  dispose(): void {
    this.#connection.dispose();
  }
}

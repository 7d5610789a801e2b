// The read-only documents that show logs (scheme `qovery-logs`): plain text a person can select, copy,
// search and read with a screen reader. Each document belongs to a session (a deployment's log, a live
// stream); the session ends when no tab shows its document any more, so no socket or poll outlives its view.
import * as vscode from 'vscode';
import { Disposable } from '../lifecycle';

export const LOGS_SCHEME = 'qovery-logs';

/** What a document shows; `dispose` ends its polling or closes its socket. */
export interface LogSession extends vscode.Disposable {
  readonly uri: vscode.Uri;
  text(): string;
  /** Called after the editor got new text (the live view follows the end). */
  didUpdate?(editors: readonly vscode.TextEditor[]): void;
}

export class LogDocuments extends Disposable implements vscode.TextDocumentContentProvider {
  readonly #changed = this.register(new vscode.EventEmitter<vscode.Uri>());
  readonly onDidChange = this.#changed.event;
  readonly #sessions = new Map<string, LogSession>();
  #next = 1;

  constructor() {
    super();
    this.registerAll(
      vscode.workspace.registerTextDocumentContentProvider(LOGS_SCHEME, this),
      vscode.window.tabGroups.onDidChangeTabs((e) => {
        if (e.closed.length > 0) {
          this.#endUnshown();
        }
      }),
      vscode.workspace.onDidCloseTextDocument((d) => {
        if (d.uri.scheme === LOGS_SCHEME) {
          this.end(d.uri);
        }
      }),
      vscode.workspace.onDidChangeTextDocument((e) => {
        const session = this.#sessions.get(e.document.uri.toString());
        if (session?.didUpdate) {
          session.didUpdate(vscode.window.visibleTextEditors.filter((ed) => ed.document === e.document));
        }
      }),
    );
    this.register({
      dispose: () => {
        for (const s of this.#sessions.values()) {
          s.dispose();
        }
        this.#sessions.clear();
      },
    });
  }

  /** A new URI whose file name is the tab's title. */
  uri(title: string, kind: 'deployment' | 'live'): vscode.Uri {
    const name = title.replace(/[\\/:*?"<>|#%\s]+/g, '-').replace(/^-+|-+$/g, '') || 'logs';
    return vscode.Uri.from({ scheme: LOGS_SCHEME, path: `/${kind}/${name}.log`, query: `n=${this.#next++}` });
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.#sessions.get(uri.toString())?.text() ?? vscode.l10n.t('These logs are no longer followed. Run the command again to see them.');
  }

  /** Opens the session's document in an editor. */
  async show(session: LogSession): Promise<vscode.TextEditor> {
    this.#sessions.set(session.uri.toString(), session);
    // No language change here: VS Code closes and reopens a document whose language changes, which would end the session.
    return vscode.window.showTextDocument(session.uri, { preview: false });
  }

  /** Brings an open session's document to the front. */
  async reveal(session: LogSession): Promise<void> {
    await vscode.window.showTextDocument(session.uri, { preview: false });
  }

  changed(session: LogSession): void {
    if (this.#sessions.get(session.uri.toString()) === session) {
      this.#changed.fire(session.uri);
    }
  }

  session(uri: vscode.Uri | undefined): LogSession | undefined {
    return uri ? this.#sessions.get(uri.toString()) : undefined;
  }

  sessions(): LogSession[] {
    return [...this.#sessions.values()];
  }

  end(uri: vscode.Uri): void {
    const key = uri.toString();
    const session = this.#sessions.get(key);
    if (session) {
      this.#sessions.delete(key);
      session.dispose();
    }
  }

  /** Ends every session whose document no tab shows. */
  #endUnshown(): void {
    const shown = new Set<string>();
    for (const group of vscode.window.tabGroups.all) {
      for (const tab of group.tabs) {
        if (tab.input instanceof vscode.TabInputText) {
          shown.add(tab.input.uri.toString());
        }
      }
    }
    for (const key of [...this.#sessions.keys()]) {
      if (!shown.has(key)) {
        this.end(vscode.Uri.parse(key));
      }
    }
  }
}

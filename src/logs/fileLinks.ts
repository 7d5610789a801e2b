// From a log line to the code: links in the log views (`src/a.ts:3:7` opens the workspace file at that
// line) and a failed deployment's build errors as Problems. Only files that exist inside the workspace
// folder linked to the log's service are ever named (see src/shared/fileRefs.ts); the log text itself
// is never made markdown, HTML or a command.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { buildErrors, documentRefs, FileRefResolver, findFileRefs, type RefBase } from '../shared/fileRefs';
import type { FolderLink } from '../workspace/links';
import { failingStepLines, type DeploymentLogEntry } from './deployment';
import { LOGS_SCHEME } from './documents';

/** Which service's (or environment's) log a document shows. */
export interface LinkScope {
  environmentId?: string;
  serviceId?: string;
}

/** A workspace folder linked to a service, as the resolver reads it. */
export interface LinkedBase extends RefBase {
  serviceId: string;
}

/** The most links one log document gets. */
export const MAX_DOCUMENT_LINKS = 2000;
/** The most problems the collection holds. */
export const MAX_PROBLEMS = 100;
/** The most files an answer of @qovery names. */
export const MAX_ANSWER_FILES = 10;
export const PROBLEM_SOURCE = 'Qovery build';

/** The linked folders (on disk) of the scope's service, or of every service of its environment when no service is given. */
export function basesOf(links: readonly FolderLink[], scope: LinkScope): LinkedBase[] {
  return links
    .filter((l) => l.status === 'linked' && l.link && l.folder.uri.scheme === 'file')
    .filter((l) => (scope.serviceId ? l.link!.serviceId === scope.serviceId : scope.environmentId !== undefined && l.link!.environmentId === scope.environmentId))
    .map((l) => ({ serviceId: l.link!.serviceId, folder: l.folder.uri.fsPath, folderInRepo: l.local?.paths[0] ?? '', rootPath: l.link!.git.rootPath ?? '' }));
}

/** A reference resolved: the file and where in it. */
export interface FileTarget {
  file: string;
  line: number;
  column?: number;
  base: LinkedBase;
}

/** `file:///…/src/a.ts#L3,7`: VS Code opens the file at that line and column. */
export const targetUri = (t: Pick<FileTarget, 'file' | 'line' | 'column'>): vscode.Uri => vscode.Uri.file(t.file).with({ fragment: t.column ? `L${t.line},${t.column}` : `L${t.line}` });

export interface LogFileLinksOptions {
  /** The scope of a log document (undefined: not one of ours, or no longer followed). */
  scopeOf(uri: vscode.Uri): LinkScope | undefined;
  /** The workspace link's folders (empty when no folder is open). */
  links(): readonly FolderLink[];
}

export class LogFileLinks implements vscode.DocumentLinkProvider, vscode.Disposable {
  readonly resolver = new FileRefResolver();
  readonly #collection = vscode.languages.createDiagnosticCollection('Qovery');
  /** Problems by service, then by file. */
  readonly #problems = new Map<string, Map<string, vscode.Diagnostic[]>>();
  /** Bumped by every clear: problems computed before it are not published. */
  #generation = 0;
  readonly #registration: vscode.Disposable;

  constructor(private readonly o: LogFileLinksOptions) {
    this.#registration = vscode.languages.registerDocumentLinkProvider({ scheme: LOGS_SCHEME }, this);
  }

  async #resolve(refPath: string, line: number, column: number | undefined, bases: readonly LinkedBase[]): Promise<FileTarget | undefined> {
    for (const base of bases) {
      const file = await this.resolver.resolve(refPath, base);
      if (file) {
        return { file, line, column, base };
      }
    }
    return undefined;
  }

  async provideDocumentLinks(document: vscode.TextDocument, token: vscode.CancellationToken): Promise<vscode.DocumentLink[]> {
    const scope = this.o.scopeOf(document.uri);
    const bases = scope ? basesOf(this.o.links(), scope) : [];
    const links: vscode.DocumentLink[] = [];
    for (const { lineNumber: i, ref } of bases.length > 0 ? documentRefs(document.lineCount, (n) => document.lineAt(n).text) : []) {
      if (token.isCancellationRequested) {
        return [];
      }
      if (links.length >= MAX_DOCUMENT_LINKS) {
        break;
      }
      const t = await this.#resolve(ref.path, ref.line, ref.column, bases);
      if (t) {
        const link = new vscode.DocumentLink(new vscode.Range(i, ref.start, i, ref.end), targetUri(t));
        link.tooltip = vscode.l10n.t('Open {0} at line {1}', path.relative(t.base.folder, t.file).split(path.sep).join('/'), t.line);
        links.push(link);
      }
    }
    return links;
  }

  /** The workspace files the lines of a text point at (each once, at most `max`). */
  async filesIn(text: string, scope: LinkScope, max = MAX_ANSWER_FILES): Promise<FileTarget[]> {
    const bases = basesOf(this.o.links(), scope);
    const found: FileTarget[] = [];
    const lines = bases.length > 0 ? text.split('\n').slice(0, 5000) : [];
    for (const line of lines) {
      for (const ref of findFileRefs(line)) {
        const t = found.length < max ? await this.#resolve(ref.path, ref.line, ref.column, bases) : undefined;
        if (t && !found.some((f) => f.file === t.file && f.line === t.line)) {
          found.push(t);
        }
      }
    }
    return found;
  }

  /**
   * A deployment's entries: for each linked service in scope whose part of it failed, its build errors
   * become its Problems (replacing the ones it had). A service whose part did not fail keeps its own.
   */
  async setProblems(entries: readonly DeploymentLogEntry[], scope: LinkScope): Promise<void> {
    const generation = this.#generation;
    const services = new Map<string, LinkedBase[]>();
    for (const b of basesOf(this.o.links(), scope)) {
      services.set(b.serviceId, [...(services.get(b.serviceId) ?? []), b]);
    }
    for (const [serviceId, bases] of services) {
      const lines = failingStepLines(entries, serviceId);
      if (!lines) {
        continue;
      }
      const byFile = new Map<string, vscode.Diagnostic[]>();
      for (const error of buildErrors(lines, MAX_PROBLEMS)) {
        const t = await this.#resolve(error.ref.path, error.ref.line, error.ref.column, bases);
        if (!t) {
          continue;
        }
        const at = new vscode.Position(t.line - 1, Math.max(0, (t.column ?? 1) - 1));
        const diagnostic = new vscode.Diagnostic(new vscode.Range(at, at), error.message, vscode.DiagnosticSeverity.Error);
        diagnostic.source = PROBLEM_SOURCE;
        const key = vscode.Uri.file(t.file).toString();
        byFile.set(key, [...(byFile.get(key) ?? []), diagnostic]);
      }
      if (generation !== this.#generation) {
        return;
      }
      const touched = new Set([...(this.#problems.get(serviceId)?.keys() ?? []), ...byFile.keys()]);
      this.#problems.set(serviceId, byFile);
      this.#publish(touched);
    }
  }

  /** The services that have Problems now. */
  get servicesWithProblems(): string[] {
    return [...this.#problems.entries()].filter(([, files]) => files.size > 0).map(([id]) => id);
  }

  /** Clears one service's Problems (its deployment succeeded, its folder was unlinked), or all of them (sign-out, another connection). */
  clearProblems(serviceId?: string): void {
    this.#generation++;
    const ids = serviceId ? [serviceId] : [...this.#problems.keys()];
    const touched = new Set<string>();
    for (const id of ids) {
      for (const key of this.#problems.get(id)?.keys() ?? []) {
        touched.add(key);
      }
      this.#problems.delete(id);
    }
    this.#publish(touched);
  }

  /** The services no longer linked to a folder lose their Problems. */
  keepLinked(): void {
    const linked = new Set(
      this.o
        .links()
        .filter((l) => l.status === 'linked' && l.link)
        .map((l) => l.link!.serviceId),
    );
    for (const id of [...this.#problems.keys()]) {
      if (!linked.has(id)) {
        this.clearProblems(id);
      }
    }
  }

  /** Each touched file gets the problems every service has for it, within MAX_PROBLEMS in all. */
  #publish(keys: ReadonlySet<string>): void {
    let count = 0;
    for (const files of this.#problems.values()) {
      for (const [key, list] of files) {
        if (!keys.has(key)) {
          count += list.length;
        }
      }
    }
    for (const key of keys) {
      const all = [...this.#problems.values()].flatMap((files) => files.get(key) ?? []);
      const kept = all.slice(0, Math.max(0, MAX_PROBLEMS - count));
      count += kept.length;
      this.#collection.set(vscode.Uri.parse(key), kept.length > 0 ? kept : undefined);
    }
  }

  dispose(): void {
    this.#registration.dispose();
    this.#collection.dispose();
    this.#problems.clear();
  }
}

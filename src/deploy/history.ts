// Deployment History (the explorer's rows and the pick, and what can be done with one deployment)
// and Open Service URL.
import * as vscode from 'vscode';
import type * as Q from 'qovery-typescript-axios';
import type { QoveryClient } from '../api/client';
import { shortSha } from '../shared/sha';
import type { QoveryNode } from '../tree/nodes';
import { DeployApi } from './api';
import type { DeployContext } from './context';
import { linkDescription, usableLinks } from './decide';
import type { DeployFollow } from './follow';
import { hasLinks, historyRow, type DeployTarget, type HistoryRow } from './model';
import { DeploymentEntryNode } from './nodes';

export class DeployHistory {
  constructor(
    private readonly ctx: DeployContext,
    private readonly follower: DeployFollow,
    /** Deploy This Commit. */
    private readonly deploy: (target: DeployTarget, commitId: string) => Promise<void>,
  ) {}

  private get deps(): DeployContext['deps'] {
    return this.ctx.deps;
  }

  /** The rows under a service's "Deployment History" in the explorer. */
  async rows(client: QoveryClient, target: DeployTarget, signal: AbortSignal): Promise<QoveryNode[]> {
    const entries = await new DeployApi(client).history(target.serviceType, target.serviceId, 20, { signal });
    return entries.map((entry, i) => new DeploymentEntryNode(target, entry, i));
  }

  async history(arg?: unknown): Promise<void> {
    // A row of "Deployment History" (made by this chunk, read by shape): its actions at once.
    const clicked = (arg as { deploymentEntry?: { target: DeployTarget; row: HistoryRow } } | undefined)?.deploymentEntry;
    if (clicked) {
      await this.#entryActions(clicked.target, clicked.row);
      return;
    }
    await this.ctx.run(this.ctx.serviceTarget(arg), ({ target }, client) => this.#pick(target, client));
  }

  /** The deployments of a service, newest first; the one picked, its actions. */
  async #pick(target: DeployTarget, client: QoveryClient): Promise<void> {
    const p = this.deps.ui.prompter;
    let entries: Q.DeploymentHistoryService[];
    try {
      entries = await p.progress(vscode.l10n.t('Qovery: reading the deployments of {0}…', target.serviceName), () => new DeployApi(client).history(target.serviceType, target.serviceId, 20));
    } catch (error) {
      this.ctx.failed(error, target.serviceName);
      return;
    }
    if (entries.length === 0) {
      void p.info(vscode.l10n.t('Qovery: {0} has no deployment yet.', target.serviceName), {});
      return;
    }
    const rows = entries.map((e) => ({ ...historyRow(e, vscode.l10n), entry: e }));
    const picked = await p.quickPick(rows, { title: vscode.l10n.t('Qovery: deployments of {0}', target.serviceName), matchOnDescription: true, matchOnDetail: true });
    if (picked) {
      await this.#entryActions(target, picked);
    }
  }

  /** What can be done with one deployment: its logs, deploying its commit again, its commit page. */
  async #entryActions(target: DeployTarget, picked: HistoryRow): Promise<void> {
    const p = this.deps.ui.prompter;
    const canShowLogs = picked.executionId !== undefined;
    const actions: { label: string; run: () => unknown }[] = [];
    if (canShowLogs && picked.executionId) {
      const executionId = picked.executionId;
      actions.push({ label: vscode.l10n.t('$(output) Show Deployment Logs'), run: () => this.follower.showLogs(target, executionId) });
    }
    const commit = picked.commit;
    if (commit && target.serviceType !== 'CONTAINER' && target.serviceType !== 'DATABASE') {
      actions.push({ label: vscode.l10n.t('$(rocket) Deploy This Commit ({0})', shortSha(commit.git_commit_id) ?? ''), run: () => this.deploy(target, commit.git_commit_id) });
    }
    if (commit?.commit_page_url && /^https:\/\//i.test(commit.commit_page_url)) {
      const url = commit.commit_page_url;
      actions.push({ label: vscode.l10n.t('$(git-commit) Open Commit Page'), run: () => vscode.env.openExternal(vscode.Uri.parse(url)) });
    }
    if (actions.length === 0) {
      return;
    }
    const action = await p.quickPick(actions, { title: picked.label });
    await action?.run();
  }

  async openUrl(arg?: unknown): Promise<void> {
    const p = this.deps.ui.prompter;
    const hasUrl = ({ target }: { target: DeployTarget }): boolean => {
      if (!hasLinks(target.serviceType)) {
        void p.info(vscode.l10n.t('Qovery: a {0} has no URL.', target.serviceType.toLowerCase()), {});
        return false;
      }
      return true;
    };
    await this.ctx.run(this.ctx.serviceTarget(arg), ({ target }, client) => this.#openUrl(target, client), { check: hasUrl });
  }

  /** The service's URLs (the default first), each to open or to copy. */
  async #openUrl(target: DeployTarget, client: QoveryClient): Promise<void> {
    const p = this.deps.ui.prompter;
    let links: Q.Link[];
    try {
      links = await new DeployApi(client).links(target.serviceType, target.serviceId);
    } catch (error) {
      this.ctx.failed(error, target.serviceName);
      return;
    }
    // Only web addresses (plain http only for loopback) are opened.
    const usable = usableLinks(links);
    if (usable.length === 0) {
      void p.info(vscode.l10n.t('Qovery: {0} has no public URL.', target.serviceName), {});
      return;
    }
    const describe = (l: Q.Link): string => linkDescription(l, vscode.l10n);
    const items = [
      ...usable.map((l) => ({ label: `$(globe) ${l.url}`, description: describe(l), url: l.url, copy: false })),
      ...usable.map((l) => ({ label: `$(copy) ${vscode.l10n.t('Copy {0}', l.url)}`, description: '', url: l.url, copy: true })),
    ];
    const picked = await p.quickPick(items, { title: vscode.l10n.t('Qovery: URL of {0}', target.serviceName) });
    if (!picked) {
      return;
    }
    if (picked.copy) {
      await vscode.env.clipboard.writeText(picked.url);
      void p.info(vscode.l10n.t('Qovery: copied {0}.', picked.url), {});
    } else {
      await vscode.env.openExternal(vscode.Uri.parse(picked.url));
    }
  }
}

// What a Deploy sends: the commit of a git-built service (HEAD when the workspace is linked to it,
// Qovery sees it and the tree is clean; otherwise the user decides) or the image tag of a container.
import * as vscode from 'vscode';
import type * as Q from 'qovery-typescript-axios';
import type { QoveryClient } from '../api/client';
import { listServices } from '../api/explorer';
import { gitApi } from '../shared/git';
import { treeState, type TreeState } from '../shared/gitRun';
import { shortSha } from '../shared/sha';
import type { FolderLink } from '../workspace/links';
import { buildSourceOf, type BuildSource } from './actions';
import type { DeployApi } from './api';
import type { DeployContext } from './context';
import { uncheckedReasonText } from './decide';
import { chooseCommit, commitText, type DeployTarget } from './model';
import { noIcons } from '../api/errors';

/** Whether the folder has uncommitted changes to tracked files, asked of the git VS Code runs (`git.path`). */
async function workingTree(folder: string): Promise<TreeState> {
  const git = await gitApi().catch(() => undefined);
  return treeState(git?.git?.path, folder);
}

export class VersionChooser {
  constructor(private readonly ctx: DeployContext) {}

  private get deps(): DeployContext['deps'] {
    return this.ctx.deps;
  }

  /** The commit (or image tag) a deploy sends; undefined when the user gave up. */
  async choose(api: DeployApi, client: QoveryClient, target: DeployTarget, folder: FolderLink | undefined): Promise<{ commitId?: string; imageTag?: string; what?: string } | undefined> {
    const p = this.deps.ui.prompter;
    let source: BuildSource | undefined;
    try {
      source = await this.#buildSource(client, target);
    } catch (error) {
      this.ctx.failed(error, target.serviceName);
      return undefined;
    }
    switch (source?.kind) {
      case 'git':
        return this.#chooseCommit(api, target, folder);
      case 'image': {
        // The tag it runs is offered; a container needs one, an image job may keep its own (empty).
        const tag = await p.inputBox({
          title: vscode.l10n.t('Qovery: deploy {0}', target.serviceName),
          prompt: target.serviceType === 'CONTAINER' ? vscode.l10n.t('The image tag to deploy') : vscode.l10n.t('The image tag to deploy (empty: the current one)'),
          value: source.tag,
          ignoreFocusOut: true,
          validateInput: (v) => (target.serviceType === 'CONTAINER' && v.trim() === '' ? vscode.l10n.t('Enter an image tag.') : undefined),
        });
        if (tag === undefined) {
          return undefined;
        }
        return { imageTag: tag.trim() || undefined, what: tag.trim() ? vscode.l10n.t('tag {0}', tag.trim()) : undefined };
      }
      case undefined:
        if (target.serviceType === 'CONTAINER') {
          void p.warn(vscode.l10n.t('Qovery: could not read which image {0} runs.', target.serviceName), {});
          return undefined;
        }
        return {};
      default:
        return {};
    }
  }

  /** What the service is built from: known from a tree row, else read from the environment's services. */
  async #buildSource(client: QoveryClient, target: DeployTarget): Promise<BuildSource | undefined> {
    if (target.buildSource) {
      return target.buildSource;
    }
    if (target.serviceType === 'APPLICATION' || target.serviceType === 'DATABASE') {
      return buildSourceOf(target.serviceType, {});
    }
    const service = (await listServices(client, target.environmentId)).find((s) => s.id === target.serviceId);
    return buildSourceOf(target.serviceType, service);
  }

  /**
   * The commit a git-built service (application, git job, helm from git, terraform) deploys: HEAD when
   * the workspace is linked to it, Qovery sees it and the tree is clean; otherwise the user decides.
   */
  async #chooseCommit(api: DeployApi, target: DeployTarget, folder: FolderLink | undefined): Promise<{ commitId?: string; what?: string } | undefined> {
    const p = this.deps.ui.prompter;
    let commits: Q.Commit[];
    try {
      commits = await p.progress(vscode.l10n.t('Qovery: reading the commits Qovery sees…'), () => api.commits(target.serviceType, target.serviceId));
    } catch (error) {
      this.ctx.failed(error, target.serviceName);
      return undefined;
    }
    const tree = folder?.head ? await workingTree(folder.folder.uri.fsPath) : undefined;
    if (tree?.kind === 'unknown') {
      this.deps.log.warn(`Deploy: the working tree of ${folder?.folder.name ?? ''} could not be checked (${tree.reason}).`);
    }
    const decided = chooseCommit(folder?.head, tree === undefined ? false : tree.kind === 'unknown' ? 'unknown' : tree.kind === 'dirty', commits);
    const useLatest = (latest: Q.Commit | undefined) => (latest ? vscode.l10n.t('Deploy {0}', commitText(latest)) : undefined);
    switch (decided.kind) {
      case 'head':
        return { commitId: decided.commit.git_commit_id, what: commitText(decided.commit) };
      case 'dirty':
      case 'unchecked': {
        const head = vscode.l10n.t('Deploy HEAD {0}', shortSha(decided.head.git_commit_id) ?? '');
        const latest = useLatest(decided.latest);
        const message =
          decided.kind === 'dirty'
            ? vscode.l10n.t('Qovery: the working tree has uncommitted changes; they are not deployed. Qovery can deploy the committed HEAD {0}.', commitText(decided.head))
            : vscode.l10n.t(
                'Qovery: the working tree could not be checked for uncommitted changes ({0}); any there are not deployed. Qovery can deploy the committed HEAD {1}.',
                uncheckedReasonText(tree ?? { kind: 'unknown', reason: 'failed' }, vscode.l10n),
                commitText(decided.head),
              );
        const answer = await p.warn(message, { modal: true }, ...[head, latest].filter((a): a is string => a !== undefined));
        return answer === head ? { commitId: decided.head.git_commit_id, what: commitText(decided.head) } : answer && decided.latest ? { commitId: decided.latest.git_commit_id, what: commitText(decided.latest) } : undefined;
      }
      case 'notVisible': {
        const latest = useLatest(decided.latest);
        const branch = folder?.link?.git.branch;
        const answer = await p.warn(
          branch
            ? vscode.l10n.t('Qovery: HEAD {0} is not among the commits Qovery sees on branch {1}: push it first.', shortSha(decided.head) ?? '', branch)
            : vscode.l10n.t('Qovery: HEAD {0} is not among the commits Qovery sees: push it first.', shortSha(decided.head) ?? ''),
          {},
          ...(latest ? [latest] : []),
        );
        return answer && decided.latest ? { commitId: decided.latest.git_commit_id, what: commitText(decided.latest) } : undefined;
      }
      case 'noHead': {
        if (commits.length === 0) {
          void p.warn(vscode.l10n.t('Qovery: Qovery sees no commit on the branch of {0}.', target.serviceName), {});
          return undefined;
        }
        const picked = await p.quickPick(
          commits.map((c) => ({ label: noIcons(commitText(c)), description: [c.author_name, c.created_at ? new Date(c.created_at).toLocaleString() : ''].filter(Boolean).join(' · '), commit: c })),
          { title: vscode.l10n.t('Qovery: deploy which commit of {0}?', target.serviceName), placeHolder: vscode.l10n.t('The commits Qovery sees on the service\'s branch, newest first') },
        );
        return picked && { commitId: picked.commit.git_commit_id, what: commitText(picked.commit) };
      }
    }
  }
}

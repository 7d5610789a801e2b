// What the Deploy HEAD tool may deploy: the workspace HEAD of the linked service, only when Qovery sees
// that commit on the service's branch (pushed), as the Deploy command decides. No `vscode`.
import type { L10n } from './text';
import { oneLine } from './text';

export interface HeadFacts {
  /** The linked folder's HEAD; undefined when the service is not the linked one or git gave none. */
  head?: string;
  /** Whether the service deploys a commit (application, git job, helm chart from git, terraform). */
  gitBuilt: boolean;
  /** The commits Qovery sees on the service's branch, newest first, each with its text ("abc1234 Fix…"). */
  commits: readonly { git_commit_id: string; text: string }[];
  /** Uncommitted changes in the folder (true), none (false), or not known. */
  dirty: boolean | 'unknown';
}

export type HeadPlan =
  | { kind: 'deploy'; commitId: string; commitText: string; dirty: boolean | 'unknown' }
  | { kind: 'refuse'; reason: 'noHead' | 'notGitBuilt' | 'notPushed'; message: string };

/** The commit to deploy, or why not: never another commit than HEAD. */
export function headPlan(facts: HeadFacts, serviceName: string, l10n: L10n): HeadPlan {
  const name = oneLine(serviceName, 100);
  if (!facts.gitBuilt) {
    return { kind: 'refuse', reason: 'notGitBuilt', message: l10n.t('Qovery: {0} does not deploy a git commit (it runs an image). Use Qovery: Deploy to choose what it runs.', name) };
  }
  if (!facts.head) {
    return {
      kind: 'refuse',
      reason: 'noHead',
      message: l10n.t("Qovery: the workspace HEAD of {0} is not known: the service is not the one linked to this workspace, or git gave no HEAD. Nothing was deployed.", name),
    };
  }
  const head = facts.head.toLowerCase();
  const found = facts.commits.find((c) => c.git_commit_id.toLowerCase() === head);
  if (!found) {
    return {
      kind: 'refuse',
      reason: 'notPushed',
      message: l10n.t('Qovery: HEAD {0} is not among the commits Qovery sees on the branch of {1}: push it first. Nothing was deployed.', head.slice(0, 7), name),
    };
  }
  return { kind: 'deploy', commitId: found.git_commit_id, commitText: oneLine(found.text, 200), dirty: facts.dirty };
}

// What the deploy commands decide and how they word it, without `vscode` (plain mocha tests it): what
// to confirm, why a working tree went unchecked, whether Qovery may have acted after a failure, the
// cancel plan, and which service URLs are offered in which order.
import type * as Q from 'qovery-typescript-axios';
import { errorKind } from '../api/errors';
import type { TreeState } from '../shared/gitRun';
import { isMovingState } from '../shared/environmentStatus';
import type { L10n } from '../tree/present';
import { isProductionLike } from '../shared/environmentMode';
import { allServiceStatuses, type EnvironmentTarget, type EnvironmentVerb, type ServiceVerb } from './model';

export function serviceVerbTitles(l10n: L10n): Record<ServiceVerb, string> {
  return {
    deploy: l10n.t('Deploy'),
    redeploy: l10n.t('Redeploy'),
    'restart-service': l10n.t('Restart'),
    stop: l10n.t('Stop'),
  };
}

export function environmentVerbTitleOf(verb: EnvironmentVerb, l10n: L10n): string {
  return verb === 'stop' ? l10n.t('Stop') : verb === 'redeploy' ? l10n.t('Redeploy') : l10n.t('Deploy');
}

/**
 * The modal question before an action, or undefined when none is asked: production (any mode not known
 * to be safe: PRODUCTION in any spelling, a new mode, one that could not be read) and every Stop.
 */
export function confirmation(
  verb: ServiceVerb | EnvironmentVerb | 'cancel',
  target: EnvironmentTarget & { serviceName?: string },
  version: string | undefined,
  l10n: L10n,
): { message: string; button: string } | undefined {
  const production = isProductionLike(target.environmentMode);
  if (!production && verb !== 'stop') {
    return undefined;
  }
  const environment = target.environmentName ?? target.environmentId;
  const subject = target.serviceName ? l10n.t('{0} in {1}', target.serviceName, environment) : l10n.t('the environment {0}', environment);
  const button = verb === 'cancel' ? l10n.t('Cancel Deployment') : verb === 'restart-service' ? l10n.t('Restart') : verb === 'stop' ? l10n.t('Stop') : verb === 'redeploy' ? l10n.t('Redeploy') : l10n.t('Deploy');
  const lines = [
    production ? l10n.t('{0} {1} ({2})?', button, subject, target.environmentMode ?? l10n.t('mode unknown')) : l10n.t('{0} {1}?', button, subject),
    version,
    verb === 'stop' ? l10n.t('Stopped services do not serve anyone until they are deployed again.') : undefined,
  ].filter(Boolean);
  return { message: l10n.t('Qovery: {0}', lines.join('\n')), button };
}

/** "Commit: abc1234 Fix…" or "Image tag: 1.2" for the confirmation; undefined for a Redeploy. */
export function versionText(choice: { commitId?: string; imageTag?: string; what?: string }, short: string, l10n: L10n): string | undefined {
  return choice.commitId ? l10n.t('Commit: {0}', choice.what ?? short) : choice.imageTag ? l10n.t('Image tag: {0}', choice.imageTag) : undefined;
}

/** Why a working tree could not be checked, for the question asked instead. */
export function uncheckedReasonText(state: TreeState, l10n: L10n): string {
  switch (state.kind === 'unknown' ? state.reason : 'failed') {
    case 'noGit':
      return l10n.t('git is not available in VS Code');
    case 'notFound':
      return l10n.t('the git executable was not found');
    case 'timeout':
      return l10n.t('git did not answer in time');
    case 'notRepository':
      return l10n.t('git does not see a repository there');
    default:
      return l10n.t('git could not run');
  }
}

/**
 * A failure after which Qovery may have acted all the same: a 5xx, or an answer lost on the way (a
 * reset, a timeout). Not one where the request never left (DNS, refused, TLS, proxy).
 */
export function answerUnknown(error: unknown): boolean {
  const kind = errorKind(error);
  if (kind === 'server' || kind === 'timeout') {
    return true;
  }
  const cause = (error as { networkCause?: unknown }).networkCause;
  return kind === 'network' && (cause === 'reset' || cause === 'unknown' || cause === undefined);
}

/**
 * How Cancel Deployment cancels, from the statuses read just before: when everything that moves is
 * still queued, each queued request is cancelled in the queue (a plain cancel only); otherwise the
 * environment's deployment, forced when the user asked.
 */
export function cancelPlan(latest: unknown, force: boolean): { kind: 'requests'; requestIds: string[] } | { kind: 'environment'; force: boolean } {
  const moving = allServiceStatuses(latest).filter((s) => isMovingState(s.state));
  const queued = [...new Set(moving.filter((s) => String(s.state).endsWith('QUEUED') && s.deployment_request_id).map((s) => String(s.deployment_request_id)))];
  return !force && moving.length > 0 && queued.length > 0 && moving.every((s) => String(s.state).endsWith('QUEUED')) ? { kind: 'requests', requestIds: queued } : { kind: 'environment', force };
}

/** The URLs Open Service URL offers: web addresses only (plain http only for loopback), the default first. */
export function usableLinks(links: readonly Q.Link[]): Q.Link[] {
  return links.filter((l) => /^https:\/\//i.test(l.url) || /^http:\/\/(127\.0\.0\.1|localhost)(:|\/|$)/i.test(l.url)).sort((a, b) => Number(b.is_default) - Number(a.is_default));
}

/** "default · Qovery domain · port 8080". */
export function linkDescription(l: Q.Link, l10n: L10n): string {
  return [l.is_default ? l10n.t('default') : '', l.is_qovery_domain ? l10n.t('Qovery domain') : l10n.t('custom domain'), l10n.t('port {0}', l.internal_port)].filter(Boolean).join(' · ');
}

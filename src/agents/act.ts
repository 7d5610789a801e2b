// The act tools (Redeploy, Restart, Deploy HEAD): VS Code asks the user first (`prepareInvocation`'s confirmation,
// naming service, environment and commit, production marked); the action then runs through the deploy
// feature's own command, so its follow, notifications and error messages stay one path.
import * as vscode from 'vscode';
import type { IDisposable } from '../lifecycle';
import { inputOf, toolsApi } from './register';
import { needsConnection, type ToolService } from './tools';
import { oneLine } from './text';
import { isProductionLike } from '../shared/environmentMode';
import type { HeadPlan } from './deployHead';

export const ActTools = {
  redeploy: 'qovery_redeploy',
  restart: 'qovery_restart',
  deployHead: 'qovery_deployHead',
} as const;

export type ActVerb = 'redeploy' | 'restart' | 'deploy';

export interface ActDeps {
  signedIn(): boolean;
  /** What a tool answers when not signed in, when it is more than "sign in" (a token Qovery rejected). */
  notSignedIn?(): string | undefined;
  /** The service the input names (serviceId), else the linked one. */
  service(serviceId: string | undefined): Promise<ToolService | undefined>;
  /** The commit the service runs (the last deployment's), short; undefined when unknown. */
  commit(service: ToolService): Promise<string | undefined>;
  /** What Deploy HEAD would deploy (the linked service's HEAD, when Qovery sees it), or why not. */
  headPlan(service: ToolService): Promise<HeadPlan>;
  /**
   * Runs the deploy feature's command; `confirmedMode`: the mode the user confirmed in VS Code's dialog for
   * this very service, so the command's own modal is skipped for it; `commitId`: the commit a deploy sends.
   */
  run(verb: ActVerb, service: ToolService, o: { commitId?: string; confirmedMode: string | undefined }): Promise<void>;
}

/** What a confirmation named: the tool acts only on the same service, in the same mode (and, to deploy, the same commit). */
interface Confirmed {
  serviceId: string;
  environmentMode: string | undefined;
  commitId?: string;
}

const sameTarget = (confirmed: Confirmed, service: ToolService): boolean =>
  confirmed.serviceId === service.serviceId && confirmed.environmentMode === service.environmentMode;

/** The confirmation VS Code shows before the tool runs. */
export function actConfirmation(verb: ActVerb, service: ToolService, commit: string | undefined, dirty?: boolean | 'unknown'): { title: string; message: string } {
  const action = verb === 'redeploy' ? vscode.l10n.t('Redeploy') : verb === 'deploy' ? vscode.l10n.t('Deploy') : vscode.l10n.t('Restart');
  const environment = oneLine(service.environmentName, 100);
  const mode = service.environmentMode ?? vscode.l10n.t('mode unknown');
  const title = isProductionLike(service.environmentMode)
    ? vscode.l10n.t('{0} {1} in {2} ({3})?', action, oneLine(service.serviceName, 100), environment, mode)
    : vscode.l10n.t('{0} {1} in {2}?', action, oneLine(service.serviceName, 100), environment);
  const lines = [
    isProductionLike(service.environmentMode) ? vscode.l10n.t('This is a production environment ({0}).', mode) : vscode.l10n.t('Environment mode: {0}.', mode),
    verb === 'deploy'
      ? vscode.l10n.t('Commit: {0} (the workspace HEAD).', commit ?? '?')
      : commit
        ? vscode.l10n.t('Commit: {0} (what the service runs now).', commit)
        : vscode.l10n.t('Commit: unknown.'),
    dirty === true ? vscode.l10n.t('The working tree has uncommitted changes: they are not deployed.') : undefined,
    dirty === 'unknown' ? vscode.l10n.t('The working tree could not be checked for uncommitted changes: any there are not deployed.') : undefined,
    vscode.l10n.t('Project {0}, organization {1}.', oneLine(service.projectName, 100), oneLine(service.organizationName, 100)),
  ];
  return { title, message: lines.filter((l): l is string => l !== undefined).join('\n\n') };
}

export function registerActTools(deps: ActDeps): IDisposable[] {
  const api = toolsApi();
  if (!api) {
    return [];
  }
  const text = (answer: string): unknown => new api.LanguageModelToolResult([new api.LanguageModelTextPart(answer)]);
  // What each tool's last confirmation named, per requested service (VS Code runs prepareInvocation, shows
  // the confirmation, then invoke, with the same input): taken once by invoke, dropped when none was shown.
  const confirmations = new Map<string, Confirmed>();
  const keyOf = (verb: ActVerb, input: unknown): string => `${verb}\n${verb === 'deploy' ? '' : (inputOf(input).serviceId ?? '')}`;
  const take = (key: string): Confirmed | undefined => {
    const confirmed = confirmations.get(key);
    confirmations.delete(key);
    return confirmed;
  };
  const notConfirmed = (): unknown => text(vscode.l10n.t('Qovery: no confirmation was shown for this action, so nothing was done; ask again.'));
  const changed = (service: ToolService): unknown =>
    text(vscode.l10n.t('Qovery: the service changed since you confirmed; ask again. Nothing was done ({0} in {1} now).', oneLine(service.serviceName, 100), oneLine(service.environmentName, 100)));
  const tool = (verb: ActVerb) => ({
    prepareInvocation: async (options: { input: unknown }) => {
      const key = keyOf(verb, options.input);
      confirmations.delete(key);
      if (!deps.signedIn()) {
        return { invocationMessage: deps.notSignedIn?.() ?? needsConnection(vscode.l10n) };
      }
      const service = await deps.service(inputOf(options.input).serviceId);
      if (!service) {
        return { invocationMessage: vscode.l10n.t('Qovery: no service to act on.') };
      }
      const confirmationMessages = actConfirmation(verb, service, await deps.commit(service).catch(() => undefined));
      confirmations.set(key, { serviceId: service.serviceId, environmentMode: service.environmentMode });
      return { invocationMessage: vscode.l10n.t('Qovery: {0} {1}…', verb, service.serviceName), confirmationMessages };
    },
    invoke: async (options: { input: unknown }) => {
      const confirmed = take(keyOf(verb, options.input));
      if (!deps.signedIn()) {
        return text(deps.notSignedIn?.() ?? needsConnection(vscode.l10n));
      }
      const service = await deps.service(inputOf(options.input).serviceId);
      if (!service) {
        return text(vscode.l10n.t('Qovery: this workspace is not linked to a service. Link it (Qovery: Link Workspace to Service) or name a service id.'));
      }
      if (!confirmed) {
        return notConfirmed();
      }
      if (!sameTarget(confirmed, service)) {
        return changed(service);
      }
      await deps.run(verb, service, { confirmedMode: confirmed.environmentMode });
      return text(
        vscode.l10n.t('Qovery: {0} of {1} in {2} was handed to the extension, which follows it in a notification and the status bar (a refusal, such as a missing permission, is shown there; nothing is retried).', verb, service.serviceName, service.environmentName),
      );
    },
  });
  const deployHead = {
    prepareInvocation: async (options: { input: unknown }) => {
      const key = keyOf('deploy', options.input);
      confirmations.delete(key);
      if (!deps.signedIn()) {
        return { invocationMessage: needsConnection(vscode.l10n) };
      }
      const service = await deps.service(undefined);
      if (!service) {
        return { invocationMessage: vscode.l10n.t('Qovery: no service to act on.') };
      }
      const plan = await deps.headPlan(service).catch(() => undefined);
      if (plan?.kind !== 'deploy') {
        // Nothing to confirm: the tool answers why it does not deploy, and deploys nothing.
        return { invocationMessage: vscode.l10n.t('Qovery: checking the HEAD of {0}…', service.serviceName) };
      }
      confirmations.set(key, { serviceId: service.serviceId, environmentMode: service.environmentMode, commitId: plan.commitId });
      return { invocationMessage: vscode.l10n.t('Qovery: deploy {0} to {1}…', plan.commitText, service.serviceName), confirmationMessages: actConfirmation('deploy', service, plan.commitText, plan.dirty) };
    },
    invoke: async (options: { input: unknown }) => {
      const confirmed = take(keyOf('deploy', options.input));
      if (!deps.signedIn()) {
        return text(needsConnection(vscode.l10n));
      }
      const service = await deps.service(undefined);
      if (!service) {
        return text(vscode.l10n.t('Qovery: this workspace is not linked to a service. Link it (Qovery: Link Workspace to Service) first.'));
      }
      if (confirmed && !sameTarget(confirmed, service)) {
        return changed(service);
      }
      const plan = await deps.headPlan(service);
      if (plan.kind === 'refuse') {
        return text(plan.message);
      }
      // No confirmation was shown (the check failed or refused then): never deployed unasked.
      if (!confirmed) {
        return notConfirmed();
      }
      if (confirmed.commitId !== plan.commitId) {
        return text(vscode.l10n.t('Qovery: HEAD moved since you confirmed ({0} now). Nothing was deployed; ask again to deploy it.', plan.commitText));
      }
      await deps.run('deploy', service, { commitId: plan.commitId, confirmedMode: confirmed.environmentMode });
      return text(
        vscode.l10n.t('Qovery: the deployment of {0} ({1}) in {2} was handed to the extension, which follows it in a notification and the status bar (a refusal, such as a missing permission, is shown there; nothing is retried).', service.serviceName, plan.commitText, service.environmentName),
      );
    },
  };
  return [api.registerTool(ActTools.redeploy, tool('redeploy')), api.registerTool(ActTools.restart, tool('restart')), api.registerTool(ActTools.deployHead, deployHead)];
}

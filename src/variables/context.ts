// What every variable command shares: the one prologue (the client, or the one signed-out message;
// then the target given or picked), the level picked, and how a read, a change and its outcome are told.
import * as vscode from 'vscode';
import type { QoveryClient } from '../api/client';
import { errorKind, noIcons } from '../api/errors';
import { listEnvironments, listProjects, listServices } from '../api/explorer';
import type { SessionManager } from '../auth/session';
import { Commands } from '../contributions';
import { errorText } from '../format';
import type { Logger } from '../logger';
import type { ExplorerView } from '../tree/view';
import { askToSignIn, signalFrom, type Ui } from '../ui';
import { levelsOf, serviceScopeOf, type Level, type Variable, type VariableScope, type VariableTarget } from './model';
import { variablesKey } from './nodes';
import { levelName } from './present';
import { variableOf, variableTargetOf } from './targets';
import { writeFailureText } from './texts';

export interface VariableDeps {
  session: SessionManager;
  ui: Ui;
  log: Logger;
  tree: ExplorerView;
  /** The service the active workspace folder is linked to, if any (the workspace link's). */
  linkedTarget?(): VariableTarget | undefined;
}

const TITLE = (): string => vscode.l10n.t('Qovery: Variables');

export class VariablesContext {
  constructor(readonly deps: VariableDeps) {}

  async client(): Promise<QoveryClient | undefined> {
    const client = await this.deps.session.client();
    if (!client) {
      askToSignIn(this.deps.ui);
    }
    return client;
  }

  /** The one prologue of a command on a target: the client (or the one signed-out message), then the target given or picked. */
  async begin(node: unknown): Promise<{ client: QoveryClient; target: VariableTarget } | undefined> {
    const client = await this.client();
    const target = client && (variableTargetOf(node) ?? (await this.pickTarget(client)));
    return client && target ? { client, target } : undefined;
  }

  /** The prologue of a command on one variable row: the variable, then the client (or the one signed-out message). */
  async beginVariable(node: unknown): Promise<{ client: QoveryClient; target: VariableTarget; variable: Variable } | undefined> {
    const found = variableOf(node);
    const client = await this.client();
    return found && client ? { client, ...found } : undefined;
  }

  async pickTarget(client: QoveryClient): Promise<VariableTarget | undefined> {
    const { ui, session } = this.deps;
    const title = TITLE();
    const organizations = session.state.organizations ?? [];
    const organization =
      organizations.length <= 1
        ? organizations[0]
        : (await ui.prompter.quickPick(organizations.map((o) => ({ label: noIcons(o.name), o })), { title, placeHolder: vscode.l10n.t('Organization') }))?.o;
    if (!organization) {
      return undefined;
    }
    const projects = await this.progress(title, (signal) => listProjects(client, organization.id, { signal }));
    const project = projects && (await ui.prompter.quickPick(projects.map((p) => ({ label: noIcons(p.name), p })), { title, placeHolder: vscode.l10n.t('Project') }))?.p;
    if (!project) {
      return undefined;
    }
    const environments = await this.progress(title, (signal) => listEnvironments(client, project.id, { signal }));
    const environment = environments && (await ui.prompter.quickPick(environments.map((e) => ({ label: noIcons(e.name), description: String(e.mode), e })), { title, placeHolder: vscode.l10n.t('Environment') }))?.e;
    if (!environment) {
      return undefined;
    }
    const services = await this.progress(title, (signal) => listServices(client, environment.id, { signal }));
    if (!services) {
      return undefined;
    }
    const base = { organizationId: organization.id, projectId: project.id, environmentId: environment.id };
    const picked = await ui.prompter.quickPick<vscode.QuickPickItem & { target: VariableTarget }>(
      [
        { label: `$(server-environment) ${environment.name}`, description: vscode.l10n.t('the environment itself'), target: { ...base, scope: 'ENVIRONMENT', parentId: environment.id, name: environment.name } },
        ...services.flatMap((s) => {
          const scope = serviceScopeOf(s.service_type);
          return scope ? [{ label: noIcons(s.name), description: String(s.service_type).toLowerCase(), target: { ...base, scope, parentId: s.id, name: s.name, serviceId: s.id } }] : [];
        }),
      ],
      { title, placeHolder: vscode.l10n.t('Service (or the environment)') },
    );
    return picked?.target;
  }

  async pickLevel(target: VariableTarget, title: string, placeHolder: string): Promise<{ level: Level; scope: VariableScope; parentId: string; name: string } | undefined> {
    const levels = levelsOf(target);
    const named = levels.map((l) => ({ ...l, name: l.parentId === target.parentId ? target.name : levelName(l.level, vscode.l10n) }));
    if (named.length === 1) {
      return named[0];
    }
    const picked = await this.deps.ui.prompter.quickPick(
      named.map((l) => ({ label: levelName(l.level, vscode.l10n), description: l.parentId === target.parentId ? target.name : vscode.l10n.t('every service below it'), l })),
      { title, placeHolder },
    );
    return picked?.l;
  }

  progress<T>(title: string, task: (signal: AbortSignal) => Promise<T>): Promise<T | undefined> {
    return Promise.resolve(this.deps.ui.prompter.progress(title, (token) => task(signalFrom(token)), { cancellable: true })).then(
      (value) => value,
      (error: unknown) => {
        if (errorKind(error) !== 'cancelled') {
          this.deps.log.error(`${title} failed`, error);
          void this.deps.ui.prompter.error(vscode.l10n.t('Qovery: {0}', errorText(error)), {});
        }
        this.deps.session.reportFailure(error);
        return undefined;
      },
    );
  }

  /** Runs a change; a refusal is told in the user's terms and nothing else changes. `what` is for the log: keys only, never a value. */
  async write<T>(title: string, what: string, task: () => Promise<T>): Promise<T | undefined> {
    try {
      return await this.deps.ui.prompter.progress(title, () => task());
    } catch (error) {
      this.deps.log.error(`${what} failed`, error);
      const message = writeFailureText(errorKind(error), errorText(error), vscode.l10n);
      void this.deps.ui.prompter.error(message, {});
      this.deps.session.reportFailure(error);
      return undefined;
    }
  }

  /** After a change: the rows reload, and the user learns it applies at the next deployment (Redeploy offered when that command exists). */
  changed(target: VariableTarget, done: string): void {
    const provider = this.deps.tree.loaded;
    provider?.refreshNode(variablesKey(target));
    void vscode.commands.getCommands(true).then(async (ids) => {
      const redeploy = vscode.l10n.t('Redeploy');
      const canRedeploy = ids.includes(Commands.redeploy) && target.serviceId !== undefined;
      const message = canRedeploy
        ? vscode.l10n.t('Qovery: {0} It applies at the next deployment of {1}.', done, target.name)
        : vscode.l10n.t('Qovery: {0} The change applies at the next deployment.', done);
      const answer = await this.deps.ui.prompter.info(message, {}, ...(canRedeploy ? [redeploy] : []));
      if (answer === redeploy) {
        await vscode.commands.executeCommand(Commands.redeploy, target);
      }
    });
  }
}

// Qovery: Open Shell (on a service row, the linked service, the service item's menu) and the "Qovery
// Shell" terminal profile: the service's environment gives the cluster, `/service/pods` the pods (one
// is picked when there are several), then a ShellTerminal connects to `/shell/exec`.
import * as vscode from 'vscode';
import { askToSignIn } from '../ui';
import type { QoveryClient } from '../api/client';
import { noIcons, QoveryApiError } from '../api/errors';
import { listEnvironments } from '../api/explorer';
import type { Core } from '../chunks/core';
import { listPods, PodsError, ShellConnection, type SocketOpener } from './connection';
import {
  cleanName,
  endChecksToken,
  isProduction,
  serviceOfArgument,
  servicePodsUrl,
  shellCommandSetting,
  shellEndText,
  shellExecUrl,
  shellTitle,
  type GatewayTarget,
  type Pod,
  type ServiceArgument,
} from './model';
import { ShellProblem, ShellTerminal, type ShellBackend } from './terminal';

/** A service the gateway can reach, with what its title shows. */
export interface ResolvedService extends GatewayTarget {
  serviceName?: string;
  environmentName?: string;
  environmentMode?: string;
}

export interface OpenShell {
  pty: ShellTerminal;
  terminal: vscode.Terminal | undefined;
  service: ResolvedService;
  /** The connection whose token its stream uses. */
  connectionId: string | undefined;
}

export class ShellCommands implements vscode.Disposable {
  readonly #open = new Set<OpenShell>();
  readonly #told = new Set<string>();
  readonly #connection: vscode.Disposable;

  constructor(
    private readonly core: Core,
    private readonly sockets: SocketOpener,
  ) {
    // Sign-out or another connection: every shell's stream closes; its terminal says so and keeps its output.
    this.#connection = core.session.onDidChangeConnection(() => void this.#connectionChanged());
  }

  /**
   * What a change of connection means for the streams: another connection, or none, or its token gone
   * (a sign-out removes the token before the connection) stops them; a new token for the same connection
   * (a rotation) does not, since the gateway authorized them already and the next connection reads the new one.
   */
  async stillConnected(connectionId: string | undefined): Promise<boolean> {
    const active = this.core.session.store.active();
    if (!active || active.id !== connectionId) {
      return false;
    }
    return (await this.core.session.store.getToken(active.id).catch(() => undefined)) !== undefined;
  }

  async #connectionChanged(): Promise<void> {
    for (const s of [...this.#open]) {
      if (!(await this.stillConnected(s.connectionId))) {
        s.pty.stop({ kind: 'connectionChanged' });
      }
    }
  }

  /** The shells open now (the tests read them). */
  shells(): readonly OpenShell[] {
    return [...this.#open];
  }

  async #client(): Promise<QoveryClient> {
    const client = await this.core.session.client();
    if (!client) {
      askToSignIn(this.core.ui);
      throw new vscode.CancellationError();
    }
    return client;
  }

  /** The argument's service, or the workspace's linked service. */
  async service(arg: unknown, notAService = vscode.l10n.t('Qovery: a shell opens in a service: choose one in the Qovery view.')): Promise<ServiceArgument | undefined> {
    const given = serviceOfArgument(arg);
    if (given || (arg !== undefined && !(arg instanceof vscode.Uri))) {
      if (!given) {
        void this.core.ui.prompter.info(notAService, {});
      }
      return given;
    }
    const link = (await this.core.load('workspace').links.currentLink())?.link;
    if (!link) {
      void this.core.ui.prompter.info(vscode.l10n.t('Qovery: link this workspace to a service first, or use the command on a service in the Qovery view.'), {});
      return undefined;
    }
    return serviceOfArgument(link);
  }

  /** The environment's cluster, name and mode, read now (a mode may have changed since the row was drawn). */
  async resolve(service: ServiceArgument): Promise<ResolvedService> {
    const client = await this.#client();
    let environment;
    try {
      environment = (await listEnvironments(client, service.projectId)).find((e) => e.id === service.environmentId);
    } catch (error) {
      this.core.session.reportFailure(error);
      throw error;
    }
    if (!environment?.cluster_id) {
      throw new QoveryApiError('notFound', vscode.l10n.t('The environment of this service was not found.'));
    }
    return {
      organizationId: service.organizationId,
      projectId: service.projectId,
      environmentId: service.environmentId,
      clusterId: environment.cluster_id,
      serviceId: service.serviceId,
      serviceType: service.serviceType,
      serviceName: service.serviceName,
      environmentName: environment.name || service.environmentName,
      environmentMode: environment.mode,
    };
  }

  #warnOnce(problem: string | undefined): void {
    if (problem && !this.#told.has(problem)) {
      this.#told.add(problem);
      this.core.log.warn(problem);
      void this.core.ui.prompter.warn(vscode.l10n.t('Qovery: {0}', problem), {});
    }
  }

  /** The websocket base URL (a bad setting is said once, and the default used): the gateway access every stream shares. */
  websocketBase(): string {
    return this.core.load('statuses').access.baseUrl();
  }

  /** The Authorization value for the gateway (the API client's scheme rules; never logged), or undefined when signed out. */
  authorization(): Promise<string | undefined> {
    return this.core.load('statuses').access.authorization();
  }

  /** The service's pods from the gateway; a refusal runs the token check, and every failure is a ShellProblem. */
  async pods(service: ResolvedService): Promise<Pod[]> {
    const authorization = await this.authorization();
    if (!authorization) {
      throw new ShellProblem(vscode.l10n.t('Signed out of Qovery: sign in to connect.'), { kind: 'signedOut' });
    }
    try {
      return await listPods(servicePodsUrl(this.websocketBase(), service), authorization, this.sockets);
    } catch (error) {
      if (error instanceof PodsError) {
        if (endChecksToken(error.end)) {
          this.#refused();
        }
        this.core.log.warn(`The pods of service ${service.serviceId} could not be listed: ${error.end.kind}${error.reason ? ` (${this.core.log.redact(error.reason)})` : ''}.`);
        throw new ShellProblem(vscode.l10n.t('The pods of {0} could not be listed. {1}', cleanName(service.serviceName) || service.serviceId, shellEndText(error.end, cleanName(error.reason), vscode.l10n)), error.end);
      }
      throw error;
    }
  }

  /** `previous` while it still runs; the only pod; or the one picked. */
  async choosePod(service: ResolvedService, previous?: string): Promise<string> {
    const pods = await this.pods(service);
    if (previous && pods.some((p) => p.name === previous)) {
      return previous;
    }
    if (pods.length === 0) {
      throw new ShellProblem(vscode.l10n.t('{0} has no running pod (is it stopped?).', cleanName(service.serviceName) || service.serviceId), { kind: 'unavailable', code: 1011 });
    }
    if (pods.length === 1) {
      return pods[0].name;
    }
    type Item = vscode.QuickPickItem & { pod: string };
    const items = pods.map((p): Item => ({ label: noIcons(cleanName(p.name)), description: p.ports.length > 0 ? vscode.l10n.t('ports {0}', p.ports.join(', ')) : undefined, pod: p.name }));
    const picked = await this.core.ui.prompter.quickPick(items, { title: vscode.l10n.t('Qovery: open the shell in which pod of {0}?', cleanName(service.serviceName) || service.serviceId) });
    if (!picked) {
      throw new vscode.CancellationError();
    }
    return picked.pod;
  }

  /** A refusal that may be the token's doing: the session checks the token (only a confirmed 401 signs out). */
  refused(): void {
    this.#refused();
  }

  #refused(): void {
    this.core.session.reportFailure(new QoveryApiError('unauthorized', 'The gateway refused the token (401, or close code 1007/1008).'));
  }

  /** The backend of one terminal: how it lists pods, connects and names itself. */
  #backend(service: ResolvedService, open: OpenShell): ShellBackend {
    return {
      choosePod: async (previous) => {
        try {
          return await this.choosePod(service, previous);
        } catch (error) {
          if (error instanceof vscode.CancellationError) {
            throw new ShellProblem(vscode.l10n.t('No pod was chosen.'), { kind: 'closed' });
          }
          throw error;
        }
      },
      connect: async (pod, size, handlers) => {
        open.connectionId = this.core.session.store.active()?.id;
        const authorization = await this.authorization();
        if (!authorization) {
          throw new ShellProblem(vscode.l10n.t('Signed out of Qovery: sign in to connect.'), { kind: 'signedOut' });
        }
        const command = shellCommandSetting(vscode.workspace.getConfiguration('qovery').get<unknown>('shell.command'), vscode.l10n);
        this.#warnOnce(command.problem);
        const base = this.websocketBase();
        this.core.log.info(`Shell in service ${service.serviceId}, pod ${cleanName(pod)}: connecting to ${base} (${size.columns}×${size.rows}).`);
        return new ShellConnection({
          url: shellExecUrl(base, service, { pod, command: command.command, size }),
          authorization,
          connect: this.sockets,
          ...handlers,
          onProblem: (text) => this.core.log.warn(`Shell in service ${service.serviceId}: ${this.core.log.redact(text)}`),
        });
      },
      title: (pod) => shellTitle({ ...service, pod }, vscode.l10n),
      onRefused: () => this.#refused(),
      log: (text) => this.core.log.info(text),
    };
  }

  /** The terminal's options: its pty, title, icon, and red for production. */
  #terminalOptions(service: ResolvedService, pod: string): { open: OpenShell; options: vscode.ExtensionTerminalOptions } {
    const open: OpenShell = { pty: undefined as unknown as ShellTerminal, terminal: undefined, service, connectionId: this.core.session.store.active()?.id };
    open.pty = new ShellTerminal(this.#backend(service, open), pod, () => this.#open.delete(open));
    this.#open.add(open);
    return {
      open,
      options: {
        name: shellTitle({ ...service, pod }, vscode.l10n),
        pty: open.pty,
        iconPath: new vscode.ThemeIcon('terminal'),
        color: isProduction(service.environmentMode) ? new vscode.ThemeColor('terminal.ansiRed') : undefined,
        isTransient: true,
      },
    };
  }

  /** The steps before a terminal: the service, its environment, a pod. Undefined when there is nothing to open. */
  async #prepare(arg: unknown): Promise<{ service: ResolvedService; pod: string } | undefined> {
    const given = await this.service(arg);
    if (!given) {
      return undefined;
    }
    const service = await this.resolve(given);
    try {
      return { service, pod: await this.choosePod(service) };
    } catch (error) {
      if (error instanceof ShellProblem) {
        void this.core.ui.prompter.warn(vscode.l10n.t('Qovery: {0}', error.message), {});
        return undefined;
      }
      throw error;
    }
  }

  async openShell(arg?: unknown): Promise<OpenShell | undefined> {
    const prepared = await this.#prepare(arg);
    if (!prepared) {
      return undefined;
    }
    const { open, options } = this.#terminalOptions(prepared.service, prepared.pod);
    open.terminal = vscode.window.createTerminal(options);
    open.terminal.show();
    return open;
  }

  /** The "Qovery Shell" profile: a shell in the linked service. */
  async provideProfile(): Promise<vscode.TerminalProfile | undefined> {
    const prepared = await this.#prepare(undefined);
    if (!prepared) {
      return undefined;
    }
    const { options } = this.#terminalOptions(prepared.service, prepared.pod);
    return new vscode.TerminalProfile(options);
  }

  dispose(): void {
    this.#connection.dispose();
    for (const s of [...this.#open]) {
      s.pty.close();
      s.terminal?.dispose();
    }
    this.#open.clear();
  }
}

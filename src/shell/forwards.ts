// Qovery: Forward Port… and Show Port Forwards: a service's port (from its pods) on a local port of
// 127.0.0.1, a status bar item `⇄ N` listing the forwards (each stoppable), and the forwards of this
// workspace saved to be started again. Under `qovery.experimental.portForward` (off by default): the
// gateway's `/shell/portforward` is in no published Qovery spec.
import * as vscode from 'vscode';
import type { Core } from '../chunks/core';
import { Commands } from '../contributions';
import type { SocketOpener } from './connection';
import type { ResolvedService, ShellCommands } from './commands';
import { ForwardError, PortForward } from './forward';
import { cleanName, portValue, type ServiceArgument } from './model';
import { ShellProblem } from './terminal';

const SAVED_KEY = 'qovery.portForwards';
const MAX_SAVED = 20;

/** A forward of this workspace, kept to be started again. */
export interface SavedForward extends ServiceArgument {
  remotePort: number;
  localPort: number;
}

export interface RunningForward {
  forward: PortForward;
  service: ResolvedService;
  saved: SavedForward;
  /** The connection it was started with. */
  connectionId: string | undefined;
}

const same = (a: SavedForward, b: SavedForward): boolean => a.serviceId === b.serviceId && a.remotePort === b.remotePort;

export class ForwardCommands implements vscode.Disposable {
  readonly #running = new Set<RunningForward>();
  readonly #item: vscode.StatusBarItem;
  readonly #subscriptions: vscode.Disposable[] = [];

  constructor(
    private readonly core: Core,
    private readonly shell: ShellCommands,
    private readonly sockets: SocketOpener,
  ) {
    this.#item = vscode.window.createStatusBarItem('qovery.portForwards', vscode.StatusBarAlignment.Left, 48);
    this.#item.name = vscode.l10n.t('Qovery Port Forwards');
    this.#item.command = Commands.showPortForwards;
    this.#subscriptions.push(
      // Sign-out or another connection: every forward stops (the saved ones can be started again); a
      // rotated token does not stop them (each TCP connection reads the token it sends).
      core.session.onDidChangeConnection(() => void this.#connectionChanged()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('qovery.experimental.portForward') && !this.#enabled()) {
          this.#stopAll(vscode.l10n.t('Qovery: the port forwards were stopped: qovery.experimental.portForward is off.'));
        }
      }),
    );
  }

  /** What the status bar item shows, when it is shown. */
  get statusText(): string | undefined {
    return this.#running.size > 0 ? this.#item.text : undefined;
  }

  /** The forwards running now (the tests read them). */
  running(): readonly RunningForward[] {
    return [...this.#running];
  }

  saved(): SavedForward[] {
    const all = this.core.workspaceState.get<unknown>(SAVED_KEY);
    return Array.isArray(all) ? (all as SavedForward[]).filter((s) => s && typeof s.serviceId === 'string' && Number.isInteger(s.remotePort)) : [];
  }

  async #save(s: SavedForward): Promise<void> {
    await this.core.workspaceState.update(SAVED_KEY, [s, ...this.saved().filter((x) => !same(x, s))].slice(0, MAX_SAVED));
  }

  #enabled(): boolean {
    return vscode.workspace.getConfiguration('qovery').get<boolean>('experimental.portForward') === true;
  }

  /** Off: offers to switch it on (the endpoint is the CLI's, in no published spec). */
  async #ensureEnabled(): Promise<boolean> {
    if (this.#enabled()) {
      return true;
    }
    const enable = vscode.l10n.t('Enable');
    const answer = await this.core.ui.prompter.info(
      vscode.l10n.t("Qovery: port forwarding is experimental: the gateway's endpoint it uses is in no published Qovery spec (Qovery's CLI uses it). Enable it?"),
      {},
      enable,
    );
    if (answer !== enable) {
      return false;
    }
    await vscode.workspace.getConfiguration('qovery').update('experimental.portForward', true, vscode.ConfigurationTarget.Global);
    return true;
  }

  #label(r: { service: { serviceName?: string; serviceId: string }; localPort: number; remotePort: number }): string {
    return vscode.l10n.t('127.0.0.1:{0} → {1}:{2}', r.localPort, cleanName(r.service.serviceName) || r.service.serviceId, r.remotePort);
  }

  #update(): void {
    const n = this.#running.size;
    if (n === 0) {
      this.#item.hide();
      return;
    }
    this.#item.text = `$(arrow-swap) ${n}`;
    const md = new vscode.MarkdownString(undefined, false);
    md.isTrusted = false;
    md.appendText(vscode.l10n.t('Qovery port forwards (click to stop one):'));
    for (const r of this.#running) {
      md.appendText(`\n${this.#label({ service: r.service, localPort: r.forward.localPort, remotePort: r.forward.remotePort })}${r.service.environmentName ? ` (${cleanName(r.service.environmentName)})` : ''}`);
    }
    this.#item.tooltip = md;
    this.#item.accessibilityInformation = { label: vscode.l10n.t('{0} Qovery port forwards', n) };
    this.#item.show();
  }

  #stop(r: RunningForward): void {
    r.forward.stop();
    this.#running.delete(r);
    this.#update();
  }

  async #connectionChanged(): Promise<void> {
    const gone = [];
    for (const r of [...this.#running]) {
      if (!(await this.shell.stillConnected(r.connectionId))) {
        gone.push(r);
      }
    }
    if (gone.length === 0) {
      return;
    }
    for (const r of gone) {
      this.#stop(r);
    }
    this.core.log.info('Port forwards stopped: the connection changed.');
    void this.core.ui.prompter.info(vscode.l10n.t('Qovery: the port forwards were stopped: signed out, or another connection chosen.'), {});
  }

  #stopAll(message: string): void {
    if (this.#running.size === 0) {
      return;
    }
    for (const r of [...this.#running]) {
      r.forward.stop();
    }
    this.#running.clear();
    this.#update();
    this.core.log.info('Port forwards stopped.');
    void this.core.ui.prompter.info(message, {});
  }

  /** The remote port: the only one the pods list, one picked, or one typed. */
  async #remotePort(service: ResolvedService): Promise<number | undefined> {
    const pods = await this.shell.pods(service);
    const ports = [...new Set(pods.flatMap((p) => p.ports))].sort((a, b) => a - b);
    if (ports.length === 1) {
      return ports[0];
    }
    const name = cleanName(service.serviceName) || service.serviceId;
    if (ports.length > 1) {
      type Item = vscode.QuickPickItem & { port: number | undefined };
      const items: Item[] = [...ports.map((port): Item => ({ label: String(port), port })), { label: vscode.l10n.t('Another port…'), port: undefined }];
      const picked = await this.core.ui.prompter.quickPick(items, { title: vscode.l10n.t('Qovery: forward which port of {0}?', name) });
      if (!picked) {
        return undefined;
      }
      if (picked.port !== undefined) {
        return picked.port;
      }
    }
    const typed = await this.core.ui.prompter.inputBox({
      title: vscode.l10n.t('Qovery: forward which port of {0}?', name),
      prompt: ports.length === 0 ? vscode.l10n.t('Its pods list no port: type the port the service listens on.') : undefined,
      validateInput: (v) => (portValue(v, 1) === undefined ? vscode.l10n.t('A port is a whole number from 1 to 65535.') : undefined),
    });
    return typed === undefined ? undefined : portValue(typed, 1);
  }

  async #localPort(remotePort: number, suggested?: number): Promise<number | undefined> {
    const typed = await this.core.ui.prompter.inputBox({
      title: vscode.l10n.t('Qovery: the local port on 127.0.0.1 for port {0}', remotePort),
      prompt: vscode.l10n.t('0 picks any free port.'),
      value: String(suggested ?? remotePort),
      validateInput: (v) => (portValue(v, 0) === undefined ? vscode.l10n.t('A port is a whole number from 0 to 65535.') : undefined),
    });
    return typed === undefined ? undefined : portValue(typed, 0);
  }

  /**
   * Starts a forward; a port in use offers a free one instead. Nothing is left listening on a failure.
   * `connectionId` is the connection active when the user asked: a forward whose connection changed, or
   * whose setting was switched off, while it was being set up is stopped rather than kept.
   */
  async start(service: ResolvedService, remotePort: number, localPort: number, connectionId = this.core.session.store.active()?.id): Promise<RunningForward | undefined> {
    if (!(await this.#ensureEnabled())) {
      return undefined;
    }
    const make = (port: number): PortForward =>
      new PortForward({
        target: service,
        remotePort,
        localPort: port,
        base: () => this.shell.websocketBase(),
        authorization: () => this.shell.authorization(),
        connect: this.sockets,
        onRefused: () => this.shell.refused(),
        onEvent: (text) => this.core.log.warn(`Port forward of service ${service.serviceId}: ${this.core.log.redact(text)}`),
      });
    let forward = make(localPort);
    try {
      await forward.start();
    } catch (error) {
      if (!(error instanceof ForwardError)) {
        throw error;
      }
      const free = vscode.l10n.t('Use a Free Port');
      const why =
        error.kind === 'portInUse'
          ? vscode.l10n.t('Qovery: the port {0} of 127.0.0.1 is in use by another program.', error.port)
          : error.kind === 'portRefused'
            ? vscode.l10n.t('Qovery: this system does not let the extension listen on port {0} (ports under 1024 often need privileges).', error.port)
            : vscode.l10n.t('Qovery: the port {0} of 127.0.0.1 could not be opened.', error.port);
      const answer = await this.core.ui.prompter.warn(why, {}, free);
      if (answer !== free) {
        return undefined;
      }
      forward = make(0);
      await forward.start();
    }
    if (!this.#enabled() || !(await this.shell.stillConnected(connectionId))) {
      forward.stop();
      this.core.log.info('Port forward not kept: the connection or qovery.experimental.portForward changed while it started.');
      void this.core.ui.prompter.info(vscode.l10n.t('Qovery: the port forward was not started: signed out, another connection chosen, or port forwarding switched off meanwhile.'), {});
      return undefined;
    }
    const saved: SavedForward = {
      organizationId: service.organizationId,
      projectId: service.projectId,
      environmentId: service.environmentId,
      serviceId: service.serviceId,
      serviceName: service.serviceName,
      serviceType: service.serviceType,
      environmentName: service.environmentName,
      remotePort,
      localPort: localPort === 0 ? 0 : forward.localPort,
    };
    const running: RunningForward = { forward, service, saved, connectionId };
    this.#running.add(running);
    this.#update();
    await this.#save(saved);
    this.core.log.info(`Port forward: 127.0.0.1:${forward.localPort} to port ${remotePort} of service ${service.serviceId}.`);
    void this.core.ui.prompter.info(vscode.l10n.t('Qovery: forwarding {0}.', this.#label({ service, localPort: forward.localPort, remotePort })), {});
    return running;
  }

  async #startSaved(s: SavedForward, connectionId = this.core.session.store.active()?.id): Promise<RunningForward | undefined> {
    const running = [...this.#running].find((r) => same(r.saved, s));
    if (running) {
      return running;
    }
    const service = await this.shell.resolve(s);
    return this.start(service, s.remotePort, s.localPort, connectionId);
  }

  /** Qovery: Forward Port…: on a service row, the linked service, or one of this workspace's saved forwards. */
  async forwardPort(arg?: unknown): Promise<RunningForward | undefined> {
    const connectionId = this.core.session.store.active()?.id;
    if (!(await this.#ensureEnabled())) {
      return undefined;
    }
    const saved = this.saved().filter((s) => ![...this.#running].some((r) => same(r.saved, s)));
    if (arg === undefined && saved.length > 0) {
      type Item = vscode.QuickPickItem & { saved?: SavedForward };
      const items: Item[] = [
        ...saved.map((s): Item => ({ label: `$(play) ${this.#label({ service: s, localPort: s.localPort, remotePort: s.remotePort })}`, description: cleanName(s.environmentName), saved: s })),
        { label: vscode.l10n.t('$(add) A port of the linked service…') },
      ];
      const picked = await this.core.ui.prompter.quickPick(items, { title: vscode.l10n.t('Qovery: start which port forward?') });
      if (!picked) {
        return undefined;
      }
      if (picked.saved) {
        return this.#startSaved(picked.saved, connectionId);
      }
    }
    const given = await this.shell.service(arg, vscode.l10n.t('Qovery: a port forward goes to a service: choose one in the Qovery view.'));
    if (!given) {
      return undefined;
    }
    const service = await this.shell.resolve(given);
    let remotePort: number | undefined;
    try {
      remotePort = await this.#remotePort(service);
    } catch (error) {
      if (error instanceof ShellProblem) {
        void this.core.ui.prompter.warn(vscode.l10n.t('Qovery: {0}', error.message), {});
        return undefined;
      }
      throw error;
    }
    if (remotePort === undefined) {
      return undefined;
    }
    const localPort = await this.#localPort(remotePort);
    return localPort === undefined ? undefined : this.start(service, remotePort, localPort, connectionId);
  }

  /** Show Port Forwards: stop one, stop all, or start a saved one again. */
  async showForwards(): Promise<void> {
    type Item = vscode.QuickPickItem & { run: () => unknown };
    const items: Item[] = [...this.#running].map(
      (r): Item => ({
        label: `$(debug-stop) ${this.#label({ service: r.service, localPort: r.forward.localPort, remotePort: r.forward.remotePort })}`,
        description: cleanName(r.service.environmentName),
        detail: vscode.l10n.t('Stop this forward ({0} open connections)', r.forward.connections),
        run: () => this.#stop(r),
      }),
    );
    if (this.#running.size > 1) {
      items.push({ label: vscode.l10n.t('$(close-all) Stop All'), run: () => this.#stopAll(vscode.l10n.t('Qovery: every port forward was stopped.')) });
    }
    for (const s of this.saved().filter((x) => ![...this.#running].some((r) => same(r.saved, x)))) {
      items.push({ label: `$(play) ${this.#label({ service: s, localPort: s.localPort, remotePort: s.remotePort })}`, description: cleanName(s.environmentName), detail: vscode.l10n.t('Start again'), run: () => this.#startSaved(s) });
    }
    if (items.length === 0) {
      void this.core.ui.prompter.info(vscode.l10n.t('Qovery: no port forward. Use Qovery: Forward Port… on a service.'), {});
      return;
    }
    const picked = await this.core.ui.prompter.quickPick(items, { title: vscode.l10n.t('Qovery: port forwards') });
    await picked?.run();
  }

  dispose(): void {
    for (const d of this.#subscriptions) {
      d.dispose();
    }
    for (const r of this.#running) {
      r.forward.stop();
    }
    this.#running.clear();
    this.#item.dispose();
  }
}

import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import { cleanToken } from '../api/token';
import { errorKind, isTransient } from '../api/errors';
import type { Logger } from '../logger';
import { actionLabel, askConnectionName, runCommonAction, signalFrom, suggestConnectionName, type Ui } from '../ui';
import { verificationFailure } from './messages';
import type { SessionManager, Verification } from './session';
import type { ConnectionInfo, TokenSource } from './tokenStore';

/** Environment variables that Qovery's own tools read a token from, in the order they are offered. */
const TOKEN_VARIABLES = ['QOVERY_API_TOKEN', 'QOVERY_CLI_ACCESS_TOKEN', 'Q_CLI_ACCESS_TOKEN'] as const;

interface TokenInput {
  token: string;
  source: TokenSource;
  sourceVariable?: string;
}

type VerifyOutcome = { kind: 'verified'; verification: Verification } | { kind: 'unverified' } | { kind: 'retry' } | { kind: 'cancel' };

/** Sign in, add or update a connection's token: ask, verify, then store only what the API accepted. */
export class SignInFlow {
  constructor(
    private readonly session: SessionManager,
    private readonly ui: Ui,
    private readonly log: Logger,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  /** "Qovery: Sign In": a first connection, or a new token for the active one. */
  async signIn(): Promise<ConnectionInfo | undefined> {
    const active = this.session.store.active();
    if (!active) {
      return this.addConnection();
    }
    const update = vscode.l10n.t('Replace the token of "{0}"', active.name);
    const add = vscode.l10n.t('Add another connection');
    const choice = await this.ui.prompter.quickPick([{ label: update }, { label: add }], {
      title: vscode.l10n.t('Qovery: Sign In'),
      placeHolder: vscode.l10n.t('You are signed in as "{0}"', active.name),
    });
    if (!choice) {
      return undefined;
    }
    return choice.label === update ? this.updateToken(active.id) : this.addConnection();
  }

  /** Adds a named connection with a token and makes it active. */
  async addConnection(): Promise<ConnectionInfo | undefined> {
    const accepted = await this.#askCheckedToken(vscode.l10n.t('Qovery: Sign In'));
    if (!accepted) {
      return undefined;
    }
    const { input, verification } = accepted;
    const name = await this.#askName(verification);
    if (name === undefined) {
      return undefined;
    }
    const single = verification?.organizations.length === 1 ? verification.organizations[0] : undefined;
    const info: ConnectionInfo = {
      id: randomUUID(),
      name,
      source: input.source,
      sourceVariable: input.sourceVariable,
      addedAt: Date.now(),
      organizationId: single?.id,
      organizationName: single?.name,
      organizationCount: verification?.organizations.length,
    };
    await this.session.store.save(info, input.token);
    this.log.info(`Connection "${name}" added (${input.source}${input.sourceVariable ? ` ${input.sourceVariable}` : ''}, ${verification ? 'verified' : 'not verified'}).`);
    if (verification) {
      this.session.acceptVerification(info, verification);
    }
    this.#reportStorage();
    return info;
  }

  /** Replaces the token of an existing connection, after the API accepted the new one. */
  async updateToken(connectionId: string): Promise<ConnectionInfo | undefined> {
    const connection = this.session.store.get(connectionId);
    if (!connection) {
      return undefined;
    }
    const accepted = await this.#askCheckedToken(vscode.l10n.t('Qovery: New token for "{0}"', connection.name));
    if (!accepted) {
      return undefined;
    }
    const { input, verification } = accepted;
    const updated: ConnectionInfo = {
      ...connection,
      source: input.source,
      sourceVariable: input.sourceVariable,
      addedAt: Date.now(),
      verifiedAt: undefined,
      tokenId: undefined,
      tokenName: undefined,
      tokenCreatedAt: undefined,
      roleId: undefined,
      roleName: undefined,
    };
    await this.session.store.save(updated, input.token);
    this.log.info(`The token of "${connection.name}" was replaced.`);
    if (verification) {
      this.session.acceptVerification(updated, verification);
    }
    this.#reportStorage();
    return updated;
  }

  /**
   * Asks for a token until the API accepts one, the user saves one it could not check ("Save
   * Anyway", then `verification` is undefined), or gives up (undefined).
   */
  async #askCheckedToken(title: string): Promise<{ input: TokenInput; verification?: Verification } | undefined> {
    for (;;) {
      const input = await this.#askToken(title);
      if (!input) {
        return undefined;
      }
      const outcome = await this.#verify(input.token);
      if (outcome.kind === 'cancel') {
        return undefined;
      }
      if (outcome.kind !== 'retry') {
        return { input, verification: outcome.kind === 'verified' ? outcome.verification : undefined };
      }
    }
  }

  async #askToken(title: string): Promise<TokenInput | undefined> {
    const fromEnv = TOKEN_VARIABLES.map((name) => ({ name, cleaned: cleanToken(this.env[name] ?? '') })).filter(
      (v): v is { name: (typeof TOKEN_VARIABLES)[number]; cleaned: { ok: true; token: string } } => v.cleaned.ok,
    );
    if (fromEnv.length > 0) {
      const paste = { label: vscode.l10n.t('$(edit) Paste a token'), variable: undefined };
      const items = [
        ...fromEnv.map((v) => ({
          label: vscode.l10n.t('$(key) Use the token in {0}', v.name),
          description: vscode.l10n.t('from the environment'),
          variable: v.name,
        })),
        paste,
      ];
      const choice = await this.ui.prompter.quickPick(items, { title, placeHolder: vscode.l10n.t('A Qovery token is set in the environment') });
      if (!choice) {
        return undefined;
      }
      const picked = fromEnv.find((v) => v.name === choice.variable);
      if (picked) {
        return { token: picked.cleaned.token, source: 'environment', sourceVariable: picked.name };
      }
    }
    const raw = await this.ui.prompter.inputBox({
      title,
      prompt: vscode.l10n.t('Paste a Qovery API token (Qovery console > Organization settings > API Tokens). It is stored in VS Code\'s secret storage only.'),
      placeHolder: 'qov_…',
      password: true,
      ignoreFocusOut: true,
      validateInput: (value) => {
        if (value.trim() === '') {
          return undefined;
        }
        const cleaned = cleanToken(value);
        return cleaned.ok ? undefined : cleaned.reason;
      },
    });
    if (raw === undefined) {
      return undefined;
    }
    const cleaned = cleanToken(raw);
    if (!cleaned.ok) {
      await this.ui.prompter.error(cleaned.reason, {});
      return undefined;
    }
    return { token: cleaned.token, source: 'pasted' };
  }

  async #verify(token: string): Promise<VerifyOutcome> {
    let error: unknown;
    try {
      const verification = await this.ui.prompter.progress(vscode.l10n.t('Qovery: checking the token…'), (cancel) =>
        this.session.verify(token, signalFrom(cancel)),
        { cancellable: true },
      );
      return { kind: 'verified', verification };
    } catch (e) {
      error = e;
    }
    if (errorKind(error) === 'cancelled') {
      return { kind: 'cancel' };
    }
    this.log.error('Token check failed', error);
    const message = verificationFailure(error);
    const retry = vscode.l10n.t('Retry');
    const tryAnother = vscode.l10n.t('Try Another Token');
    const showLog = actionLabel('showLog');
    if (isTransient(error)) {
      const saveAnyway = vscode.l10n.t('Save Anyway');
      const answer = await this.ui.prompter.warn(message, {}, retry, saveAnyway, showLog);
      if (answer === saveAnyway) {
        return { kind: 'unverified' };
      }
      await runCommonAction(answer);
      return answer === retry ? this.#verify(token) : { kind: 'cancel' };
    }
    const isUrl = errorKind(error) === 'insecureUrl';
    const answer = await this.ui.prompter.error(message, {}, ...(isUrl ? [actionLabel('openSettings'), showLog] : [tryAnother, showLog]));
    await runCommonAction(answer, 'qovery.apiUrl');
    return answer === tryAnother ? { kind: 'retry' } : { kind: 'cancel' };
  }

  async #askName(verification: Verification | undefined): Promise<string | undefined> {
    const taken = new Set(this.session.store.connections().map((c) => c.name));
    const organizations = verification?.organizations ?? [];
    const base = organizations.length === 1 ? organizations[0].name : 'Qovery';
    // The first connection needs no name to tell it apart.
    return taken.size === 0 ? suggestConnectionName(base, taken) : askConnectionName(this.ui, taken, base);
  }

  #reportStorage(): void {
    const problem = this.session.store.storageProblem;
    if (problem) {
      void this.ui.prompter.warn(problem, {});
    }
  }
}

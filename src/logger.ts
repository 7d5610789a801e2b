import * as vscode from 'vscode';
import { describeError, isApiError } from './api/errors';
import { redact } from './api/token';

/** The one "Qovery" log channel. Every line passes the redactor, so no token reaches the log. */
export class Logger implements vscode.Disposable {
  readonly channel: vscode.LogOutputChannel;
  readonly #secrets = new Set<string>();

  constructor(channel?: vscode.LogOutputChannel) {
    this.channel = channel ?? vscode.window.createOutputChannel('Qovery', { log: true });
  }

  /** Registers a value that must never be written, whatever the line that carries it. */
  protect(secret: string | undefined): void {
    if (secret) {
      this.#secrets.add(secret);
    }
  }

  #clean(message: string): string {
    return redact(message, [...this.#secrets]);
  }

  /** The redactor of the log, for text shown elsewhere (a notification of an unexpected error). */
  redact(text: string): string {
    return this.#clean(text);
  }

  /** Whether debug lines are written at all, so callers can skip building them. */
  get debugEnabled(): boolean {
    const level = this.channel.logLevel;
    return level === vscode.LogLevel.Trace || level === vscode.LogLevel.Debug;
  }

  trace(message: string): void {
    this.channel.trace(this.#clean(message));
  }

  debug(message: string): void {
    this.channel.debug(this.#clean(message));
  }

  info(message: string): void {
    this.channel.info(this.#clean(message));
  }

  warn(message: string): void {
    this.channel.warn(this.#clean(message));
  }

  /** Logs an error by its kind and safe message only: raw HTTP errors can carry headers. */
  error(context: string, error?: unknown): void {
    const detail = error === undefined ? '' : isApiError(error) ? ` [${error.kind}${error.status ? ` ${error.status}` : ''}] ${error.message}` : ` ${describeError(error)}`;
    this.channel.error(this.#clean(`${context}${detail}`));
  }

  /** Logs an unexpected failure with its stack, for support; the redactor still applies to every line. */
  exception(context: string, error: unknown): void {
    const stack = error instanceof Error && error.stack ? error.stack : describeError(error);
    const kind = isApiError(error) ? ` [${error.kind}${error.status ? ` ${error.status}` : ''}]` : '';
    this.channel.error(this.#clean(`${context}${kind}: ${stack}`));
  }

  show(): void {
    this.channel.show(true);
  }

  dispose(): void {
    this.channel.dispose();
  }
}

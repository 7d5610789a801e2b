// A Qovery shell in a VS Code terminal: a Pseudoterminal over one ShellConnection at a time. What the
// container sends is written as it comes (its escape sequences are the shell's own); what the extension
// says itself (connecting, a drop, a refusal) is one dim line of cleaned text. A connection that ends
// leaves the terminal open with its output, and Enter connects again.
import * as vscode from 'vscode';
import type { ShellConnection, ShellConnectionOptions } from './connection';
import { endChecksToken, shellEndText, terminalText, type ShellEnd, type TtySize } from './model';

/** A problem that stops a (re)connection before a socket is opened: the text is shown in the terminal. */
export class ShellProblem extends Error {
  constructor(
    message: string,
    readonly end?: ShellEnd,
  ) {
    super(message);
    this.name = 'ShellProblem';
  }
}

export interface ShellBackend {
  /** The pod for a (re)connection: `previous` while the service still has it, otherwise one picked. */
  choosePod(previous: string | undefined): Promise<string>;
  /** Opens the connection (throws a ShellProblem when it cannot: signed out, no token). */
  connect(pod: string, size: TtySize, handlers: Pick<ShellConnectionOptions, 'onOutput' | 'onOpen' | 'onEnd'>): Promise<ShellConnection>;
  /** The terminal's name for a pod. */
  title(pod: string): string;
  /** A refusal that may be the token's doing: the session checks it (only a confirmed 401 signs out). */
  onRefused(): void;
  /** Said once in the log for each end. */
  log(text: string): void;
}

/** The size used when VS Code gives none (a terminal created while the panel is hidden). */
const DEFAULT_SIZE: TtySize = { columns: 80, rows: 24 };
/** What is typed before a connection exists is kept up to this many characters. */
const EARLY_CHARS = 64 * 1024;
/** The output kept for `recentOutput` (tests and support read it). */
const TRANSCRIPT_CHARS = 64 * 1024;

type TerminalState = 'idle' | 'connecting' | 'open' | 'ended' | 'closed';

export class ShellTerminal implements vscode.Pseudoterminal {
  readonly #write = new vscode.EventEmitter<string>();
  readonly #close = new vscode.EventEmitter<number | void>();
  readonly #name = new vscode.EventEmitter<string>();
  readonly onDidWrite = this.#write.event;
  readonly onDidClose = this.#close.event;
  readonly onDidChangeName = this.#name.event;

  #state: TerminalState = 'idle';
  /** Bumped by each (re)connection, stop() and close(): an attempt that sees it changed after an await is stale. */
  #generation = 0;
  #connection: ShellConnection | undefined;
  #size: TtySize | undefined;
  /** The size the remote terminal was started with (the gateway takes it only when connecting). */
  #remoteSize: TtySize | undefined;
  #toldSize = false;
  #typed = false;
  #early: string[] = [];
  #transcript = '';
  /** How many connections were opened (tests read it). */
  connections = 0;
  /** The last end (tests read it). */
  lastEnd: ShellEnd | undefined;

  constructor(
    private readonly backend: ShellBackend,
    public pod: string,
    /** Called once when the terminal is closed for good. */
    private readonly onDisposed: (t: ShellTerminal) => void,
  ) {}

  get state(): TerminalState {
    return this.#state;
  }

  /** The last 64 K characters the terminal showed. */
  get recentOutput(): string {
    return this.#transcript;
  }

  open(initialDimensions: vscode.TerminalDimensions | undefined): void {
    if (initialDimensions) {
      this.#size = { columns: initialDimensions.columns, rows: initialDimensions.rows };
    }
    void this.#connect(false);
  }

  setDimensions(d: vscode.TerminalDimensions): void {
    this.#size = { columns: d.columns, rows: d.rows };
    const remote = this.#remoteSize;
    // Only a smaller terminal garbles the remote screen (lines wrap where the shell does not expect it).
    if (this.#state === 'open' && remote && !this.#toldSize && (d.columns < remote.columns || d.rows < remote.rows)) {
      this.#toldSize = true;
      this.#say(
        vscode.l10n.t('The remote terminal keeps its size of the start ({0}×{1}): Qovery\'s gateway takes the size only when connecting. Exit and press Enter to reconnect at {2}×{3}.', remote.columns, remote.rows, d.columns, d.rows),
      );
    }
  }

  handleInput(data: string): void {
    if (this.#state === 'open' || this.#state === 'connecting') {
      this.#typed = true;
      if (this.#connection) {
        this.#connection.input(data);
      } else if (this.#early.reduce((n, s) => n + s.length, 0) + data.length <= EARLY_CHARS) {
        // Typed while the pod is listed or the token read: sent once the connection exists.
        this.#early.push(data);
      }
      return;
    }
    if (this.#state === 'ended') {
      if (data === '\r' || data === '\n') {
        void this.#connect(true);
      } else if (data === '\x1b' || data === '\x04') {
        this.close();
      }
    }
  }

  /** Ends the connection from the extension's side (sign-out, another connection): the terminal stays, with a way back. */
  stop(end: ShellEnd): void {
    if (this.#state === 'closed') {
      return;
    }
    this.#generation++;
    const c = this.#connection;
    if (c && !c.ended) {
      c.close(end);
    } else if (this.#state !== 'ended') {
      this.#ended(end, '');
    }
  }

  /** Reconnects now (the Reconnect action): the same pod while it exists. */
  reconnect(): Promise<void> {
    return this.#state === 'ended' || this.#state === 'idle' ? this.#connect(true) : Promise.resolve();
  }

  /** VS Code closed the terminal (or the extension did): EOT and a normal close, then nothing is left. */
  close(): void {
    if (this.#state === 'closed') {
      return;
    }
    this.#state = 'closed';
    this.#generation++;
    this.#connection?.close({ kind: 'closed' });
    this.#connection = undefined;
    this.#close.fire();
    this.onDisposed(this);
    this.#write.dispose();
    this.#close.dispose();
    this.#name.dispose();
  }

  #out(text: string): void {
    if (this.#state === 'closed') {
      return;
    }
    this.#write.fire(text);
    this.#transcript = (this.#transcript + text).slice(-TRANSCRIPT_CHARS);
  }

  /** One line of the extension's own, dim, on a line of its own. */
  #say(text: string): void {
    this.#out(`\r\n\x1b[2m${terminalText(text)}\x1b[0m\r\n`);
  }

  async #connect(again: boolean): Promise<void> {
    if (this.#state === 'connecting' || this.#state === 'open' || this.#state === 'closed') {
      return;
    }
    this.#state = 'connecting';
    const generation = ++this.#generation;
    // Stopped, closed or superseded by a newer attempt while this one waited.
    const stale = (): boolean => generation !== this.#generation || this.#state !== 'connecting';
    this.#typed = false;
    this.#early = [];
    this.#toldSize = false;
    try {
      if (again) {
        const pod = await this.backend.choosePod(this.pod);
        if (stale()) {
          return;
        }
        if (pod !== this.pod) {
          this.#say(vscode.l10n.t('The pod {0} is gone: connecting to {1}.', this.pod, pod));
          this.pod = pod;
          this.#name.fire(this.backend.title(pod));
        }
      }
      const size = this.#size ?? DEFAULT_SIZE;
      this.#say(again ? vscode.l10n.t('Reconnecting to {0}…', this.pod) : vscode.l10n.t('Connecting to {0}…', this.pod));
      const connection = await this.backend.connect(this.pod, size, {
        onOpen: () => {
          if (this.#connection === connection && this.#state === 'connecting') {
            this.#state = 'open';
          }
        },
        onOutput: (text) => {
          if (this.#connection === connection) {
            this.#out(text);
          }
        },
        onEnd: (end, reason) => {
          if (this.#connection === connection) {
            this.#ended(end, reason);
          }
        },
      });
      // Closed, stopped or superseded while the token was read: the new connection goes at once.
      if (stale()) {
        connection.close({ kind: 'closed' });
        return;
      }
      this.connections++;
      this.#remoteSize = size;
      this.#connection = connection;
      for (const data of this.#early.splice(0)) {
        connection.input(data);
      }
    } catch (error) {
      if (stale()) {
        return;
      }
      if (error instanceof ShellProblem) {
        this.#ended(error.end ?? { kind: 'dropped' }, '', error.message);
      } else {
        this.backend.log(`The shell could not connect: ${error instanceof Error ? error.message : String(error)}`);
        this.#ended({ kind: 'dropped' }, '');
      }
    }
  }

  #ended(end: ShellEnd, reason: string, text?: string): void {
    if (this.#state === 'closed') {
      return;
    }
    const typed = this.#typed;
    this.#connection = undefined;
    this.lastEnd = end;
    this.backend.log(`Shell on ${this.pod}: ${end.kind}${'code' in end && end.code !== undefined ? ` (close code ${end.code})` : ''}${'status' in end && end.status !== undefined ? ` (HTTP ${end.status})` : ''}.`);
    // `exit` typed in the shell: the terminal closes, as a local shell's does.
    if (end.kind === 'exited' && typed) {
      this.#state = 'ended';
      this.close();
      return;
    }
    this.#state = 'ended';
    if (endChecksToken(end)) {
      this.backend.onRefused();
    }
    this.#say(text ?? shellEndText(end, reason, vscode.l10n));
    this.#out(`\x1b[2m${terminalText(vscode.l10n.t('Press Enter to reconnect, or Escape to close this terminal.'))}\x1b[0m\r\n`);
  }
}

// One live log view: the stream's lines in a bounded buffer, shown in a read-only document that is
// redrawn at most a few times a second however fast lines arrive (one update per batch, never per line).
import * as vscode from 'vscode';
import { GatewayStream, type StreamOptions, type StreamState } from '../shared/gateway';
import { formatLine, LogBuffer, MAX_BUFFER_BYTES, type LiveLogLine } from './live';
import type { LogDocuments, LogSession } from './documents';

/** The most often the document is redrawn while lines arrive. */
export const BATCH_MS = 250;
/** Lines parsed and formatted per turn of the event loop while a redraw is prepared. */
const PREPARE_SLICE = 1000;
const MAX_BATCH_MS = 2000;
/**
 * A full buffer (a flood: lines are being dropped) is redrawn at most once a second: each update hands
 * VS Code the whole document, whose work in the extension host then holds its event loop.
 */
const FULL_BATCH_MS = 1000;
/** The longest a batch waits for VS Code to apply the previous update. */
const IN_FLIGHT_MS = 10_000;

export interface LiveViewOptions {
  uri: vscode.Uri;
  /** `api · staging`: what the heading names. */
  title: string;
  maxLines: number;
  documents: LogDocuments;
  /** The stream's settings, without the callbacks the view gives. */
  stream: Omit<StreamOptions, 'onMessage' | 'onState'>;
  /** A 401 on the upgrade, or a close 1007/1008 (permission, token), goes through the token check. */
  onUnauthorized: () => void;
  /** The serviceId this view follows (the same service's view is reused). */
  serviceId: string;
}

/** A line as the document shows it (the buffer keeps it, counted in its bytes); a cut line says so at its end. */
const shown = (l: LiveLogLine): string =>
  l.cut === undefined ? formatLine(l) : `${formatLine(l)} ${vscode.l10n.t('[… cut: {0} characters in all, the first {1} shown]', String(l.cut), String(l.text.length))}`;

export class LiveLogView implements LogSession {
  readonly uri: vscode.Uri;
  readonly serviceId: string;
  readonly buffer: LogBuffer;
  readonly stream: GatewayStream;
  paused = false;
  pod: string | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #countdown: ReturnType<typeof setInterval> | undefined;
  #waitUntil = 0;
  #disposed = false;
  /** How long the last text() took. */
  #textMs = 0;
  /** The prepared lines (see #redraw), and whether a preparation runs or is asked for again. */
  #body: { text: string; count: number } | undefined;
  #preparing = false;
  #again = false;
  /** The position of the newest line shown when the view was paused. */
  #pausedAt = 0;
  /** Redraws asked for, and done (the benchmark and the tests read them). */
  redraws = 0;

  constructor(private readonly o: LiveViewOptions) {
    this.uri = o.uri;
    this.serviceId = o.serviceId;
    this.buffer = new LogBuffer(o.maxLines, MAX_BUFFER_BYTES, shown);
    this.stream = new GatewayStream({
      ...o.stream,
      onMessage: (text) => {
        this.buffer.push(text);
        this.#schedule();
      },
      onState: (state) => this.#onState(state),
    });
  }

  start(): void {
    this.stream.start();
  }

  #onState(state: StreamState): void {
    clearInterval(this.#countdown);
    this.#countdown = undefined;
    if (state.kind === 'waiting') {
      this.#waitUntil = Date.now() + state.retryInMs;
      // The "reconnecting in Ns" count goes down once a second.
      this.#countdown = setInterval(() => this.#redraw(), 1000);
    }
    // A 403 on the upgrade is about this service; the gateway's 1007 and 1008 may be the token's doing.
    if (state.kind === 'stopped' && (state.reason === 'unauthorized' || (state.reason === 'forbidden' && state.closeCode !== undefined))) {
      this.o.onUnauthorized();
    }
    this.#redraw();
  }

  /**
   * VS Code has the text of the last update but not yet its edits (a large text takes it seconds):
   * the next batch waits for them, so updates never queue up behind each other.
   */
  #inFlight: ReturnType<typeof setTimeout> | undefined;
  #waiting = false;
  /** The text VS Code was last given. */
  #lastText: string | undefined;

  #changed(): void {
    clearTimeout(this.#inFlight);
    // An update that changes nothing brings no event: the wait ends by itself.
    this.#inFlight = setTimeout(() => this.#landed(), IN_FLIGHT_MS);
    this.o.documents.changed(this);
  }

  #landed(): void {
    clearTimeout(this.#inFlight);
    this.#inFlight = undefined;
    if (this.#waiting) {
      this.#waiting = false;
      this.#schedule();
    }
  }

  /** Lines arrive in bursts: one redraw per batch. */
  #schedule(): void {
    if (this.#inFlight !== undefined) {
      this.#waiting = true;
      return;
    }
    if (this.#timer === undefined && !this.paused && !this.#disposed) {
      // A costly text (a full buffer) waits longer, so redrawing never takes more than a tenth of the time.
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        this.#redraw();
      }, Math.max(this.buffer.size >= this.buffer.max ? FULL_BATCH_MS : BATCH_MS, Math.min(MAX_BATCH_MS, this.#textMs * 10)));
    }
  }

  /**
   * Prepares the body in slices of PREPARE_SLICE lines per turn of the event loop (parsing and
   * formatting 10,000 fresh lines at once would hold it for tens of milliseconds), then tells VS Code.
   * It shows the lines up to where it started; later ones wait for the next redraw.
   */
  #redraw(): void {
    if (this.#disposed) {
      return;
    }
    if (this.#preparing) {
      this.#again = true;
      return;
    }
    if (this.paused && this.#body && this.#pausedAt <= this.buffer.begin) {
      // The lines shown at the pause have left the bounded buffer since: the view keeps showing them
      // (its heading says how many were dropped) until Resume.
      this.redraws++;
      this.#changed();
      return;
    }
    this.#preparing = true;
    const to = this.paused ? this.#pausedAt : this.buffer.end;
    let at = this.buffer.begin;
    const step = (): void => {
      if (this.#disposed) {
        return;
      }
      const next = Math.min(to, Math.max(at, this.buffer.begin) + PREPARE_SLICE);
      this.buffer.shown(undefined, at, next);
      at = next;
      if (at < to) {
        setImmediate(step);
        return;
      }
      const lines = this.buffer.shown(this.pod, this.buffer.begin, to);
      this.#body = { text: lines.join('\n'), count: lines.length };
      this.#preparing = false;
      this.redraws++;
      this.#changed();
      if (this.#again) {
        this.#again = false;
        this.#redraw();
      }
    };
    step();
  }

  statusText(): string {
    const s = this.stream.state;
    switch (s.kind) {
      case 'connecting':
        return s.attempt > 1 ? vscode.l10n.t('reconnecting…') : vscode.l10n.t('connecting…');
      case 'connected':
        return vscode.l10n.t('live');
      case 'waiting': {
        const seconds = Math.max(1, Math.ceil((this.#waitUntil - Date.now()) / 1000));
        switch (s.cause) {
          case 'clusterUnreachable':
            return vscode.l10n.t("the cluster hosting this service cannot be reached (Qovery's agent on it does not answer); trying again in {0}s", seconds);
          case 'tooManyUpgrades':
            return vscode.l10n.t('disconnected; at most 3 connections a minute, reconnecting in {0}s', seconds);
          default:
            return vscode.l10n.t('disconnected, reconnecting in {0}s', seconds);
        }
      }
      case 'stopped':
        if (s.closeCode !== undefined) {
          switch (s.reason) {
            case 'unauthorized':
              return vscode.l10n.t('stopped: the log service refused the token (close code {0}); check the connection, then run Show Service Logs again', s.closeCode);
            case 'forbidden':
              return vscode.l10n.t('stopped: this token may not read these logs (close code {0}: permission)', s.closeCode);
            case 'ended':
              return vscode.l10n.t('stopped: the log service ended the stream twice; run Show Service Logs again to reconnect');
          }
        }
        switch (s.reason) {
          case 'signedOut':
            return vscode.l10n.t('stopped: no token (signed out); sign in, then run Show Service Logs again');
          case 'unauthorized':
            return vscode.l10n.t('stopped: the token was refused (401); check the connection, then run Show Service Logs again');
          case 'forbidden':
            return vscode.l10n.t('stopped: this token may not read these logs (403)');
          case 'notFound':
            return vscode.l10n.t('stopped: the service was not found (404)');
          default:
            return vscode.l10n.t('closed');
        }
    }
  }

  text(): string {
    const started = performance.now();
    const text = this.#text();
    this.#textMs = performance.now() - started;
    // The same text brings VS Code no edit, so no event says it landed: the next batch need not wait.
    if (text === this.#lastText) {
      this.#landed();
    }
    this.#lastText = text;
    return text;
  }

  #text(): string {
    if (!this.#body) {
      const lines = this.buffer.shown(this.pod);
      this.#body = { text: lines.join('\n'), count: lines.length };
    }
    const facts = [
      vscode.l10n.t('{0} lines', this.#body.count),
      this.buffer.dropped > 0
        ? this.buffer.size < this.buffer.max
          ? vscode.l10n.t('{0} older lines dropped (keeping {1} MB of text)', this.buffer.dropped, Math.round(this.buffer.maxBytes / (1024 * 1024)))
          : vscode.l10n.t('{0} older lines dropped (keeping {1})', this.buffer.dropped, this.buffer.max)
        : undefined,
      this.pod !== undefined ? vscode.l10n.t('pod {0} only', this.pod || '-') : undefined,
      this.paused ? vscode.l10n.t('paused') : undefined,
    ].filter(Boolean);
    const status = this.statusText();
    const head = `${vscode.l10n.t('Live logs of {0}', this.o.title)} · ${status}\n${facts.join(' · ')}\n\n`;
    const body = this.#body.text;
    // The state is also the last line, where a reader who follows the end sees it.
    const tail = this.stream.state.kind === 'connected' ? '' : `\n-- ${status} --`;
    return `${head}${body}${tail}\n`;
  }

  didUpdate(editors: readonly vscode.TextEditor[]): void {
    this.#landed();
    if (this.paused) {
      return;
    }
    for (const editor of editors) {
      const last = editor.document.lineCount - 1;
      editor.revealRange(new vscode.Range(last, 0, last, 0), vscode.TextEditorRevealType.Default);
    }
  }

  setPaused(paused: boolean): void {
    this.paused = paused;
    this.#pausedAt = this.buffer.end;
    this.#redraw();
  }

  setPod(pod: string | undefined): void {
    this.pod = pod;
    this.#redraw();
  }

  clear(): void {
    this.buffer.clear();
    this.#redraw();
  }

  /** Connects again (after a stop, such as a refused token that was since replaced). */
  reconnect(): void {
    this.stream.restart();
  }

  dispose(): void {
    this.#disposed = true;
    clearTimeout(this.#timer);
    clearTimeout(this.#inFlight);
    clearInterval(this.#countdown);
    this.stream.close();
  }
}

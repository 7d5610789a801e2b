// Deployment logs (`GET /environment/{id}/logs?version=<execution id>`): parsing of the bare JSON array
// the API answers, the lines of one service, the text shown in the editor, and Qovery's own explanation
// of a failure. No `vscode` here: plain mocha tests it.
import { cleanMessage } from '../api/errors';
import { MAX_BUFFER_BYTES, MAX_LINE_CHARS } from './live';

/** One entry, as much of the spec's `EnvironmentLogs` as the extension reads. */
export interface DeploymentLogEntry {
  type: string;
  /** Milliseconds since the epoch (NaN when the server sent no usable date). */
  at: number;
  executionId?: string;
  transmitterId?: string;
  transmitterName?: string;
  transmitterType?: string;
  stageName?: string;
  step?: string;
  message?: string;
  /** The message's length when it was longer than MAX_LINE_CHARS and `message` is its beginning. */
  cut?: number;
  error?: { userMessage?: string; hint?: string; link?: string; tag?: string };
}

/** What Qovery says about a failed deployment, ready to show: no links in the text, a link only to qovery.com. */
export interface FailureExplanation {
  message: string;
  hint?: string;
  /** An https link on a qovery.com host (its documentation), when the server gave one. */
  link?: string;
  serviceName?: string;
  executionId?: string;
  /** Where the failure was told: the precheck, or a line of the environment (or task manager), not the service's own. */
  origin?: 'precheck' | 'environment';
}

const text = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);
const obj = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});

/** Reads the answer; entries that are not objects are skipped, an answer that is not an array is an error. */
export function parseDeploymentLogs(body: unknown): DeploymentLogEntry[] {
  if (!Array.isArray(body)) {
    throw new TypeError('The deployment logs answer is not a JSON array.');
  }
  const entries: DeploymentLogEntry[] = [];
  for (const raw of body) {
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
      continue;
    }
    const r = raw as Record<string, unknown>;
    const details = obj(r.details);
    const transmitter = obj(details.transmitter);
    const stage = obj(details.stage);
    const error = r.error && typeof r.error === 'object' ? obj(r.error) : undefined;
    const message = obj(r.message);
    entries.push({
      type: text(r.type) ?? 'info',
      at: typeof r.timestamp === 'string' ? Date.parse(r.timestamp) : NaN,
      executionId: text(details.execution_id),
      transmitterId: text(transmitter.id),
      transmitterName: text(transmitter.name),
      transmitterType: text(transmitter.type),
      stageName: text(stage.name),
      step: text(stage.step),
      message: text(message.safe_message),
      error: error && {
        userMessage: text(error.user_log_message),
        hint: text(error.hint_message),
        link: text(error.link),
        tag: text(error.tag),
      },
    });
  }
  // The API gives them oldest first; a stable sort keeps that when dates are equal or missing.
  return entries.map((e, i) => [e, i] as const).sort(([a, i], [b, j]) => (Number.isNaN(a.at) || Number.isNaN(b.at) ? i - j : a.at - b.at || i - j)).map(([e]) => e);
}

/** The most entries a deployment log keeps (the REST answer holds up to 1,000; a stream can bring more). */
export const MAX_DEPLOYMENT_ENTRIES = 20_000;

/**
 * What tells one entry from another when the same one comes twice (the REST answer and the stream, or a
 * stream's backlog after a reconnection): its time and step, with its sender and text, so two lines of
 * one step written in the same millisecond both stay.
 */
export const entryKey = (e: DeploymentLogEntry): string => `${e.at}|${e.step ?? ''}|${e.transmitterId ?? ''}|${e.type}|${e.message ?? ''}|${e.error?.userMessage ?? ''}`;

/** Stable order by time: equal or missing times keep the order they came in. */
const inTimeOrder = (list: readonly DeploymentLogEntry[]): DeploymentLogEntry[] =>
  list.map((e, i) => [e, i] as const).sort(([a, i], [b, j]) => (Number.isNaN(a.at) || Number.isNaN(b.at) ? i - j : a.at - b.at || i - j)).map(([e]) => e);

/** An entry with its message cut to MAX_LINE_CHARS (never half of a surrogate pair), `cut` telling its length. */
export function boundedEntry(e: DeploymentLogEntry, maxChars = MAX_LINE_CHARS): DeploymentLogEntry {
  if (e.message === undefined || e.message.length <= maxChars) {
    return e;
  }
  let end = maxChars;
  const last = e.message.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) {
    end--;
  }
  return { ...e, message: e.message.slice(0, end), cut: e.cut ?? e.message.length };
}

/** What an entry weighs in the kept text (characters, as the live view's buffer counts them). */
export const entrySize = (e: DeploymentLogEntry): number => 64 + (e.message?.length ?? 0) + (e.error?.userMessage?.length ?? 0) + (e.error?.hint?.length ?? 0) + (e.transmitterName?.length ?? 0);

/**
 * A deployment's log as kept: each entry once (its key remembered while it is kept), in time order
 * (entries of equal times keep their arrival order), each message cut to MAX_LINE_CHARS, at most
 * `max` entries and `maxBytes` of text; the oldest go first, `dropped` counts them. An entry that comes
 * after the newest is appended: only one that comes out of order sorts the log again.
 */
export class DeploymentLog {
  entries: DeploymentLogEntry[] = [];
  /** Entries dropped past the bounds. */
  dropped = 0;
  /** The size of the kept entries (see entrySize). */
  bytes = 0;
  readonly #seen = new Set<string>();

  constructor(
    readonly max = MAX_DEPLOYMENT_ENTRIES,
    readonly maxBytes = MAX_BUFFER_BYTES,
  ) {}

  /** Adds the entries not kept yet; returns how many were added (0: nothing changed). */
  add(incoming: readonly DeploymentLogEntry[]): number {
    let added = 0;
    let outOfOrder = false;
    for (const raw of incoming) {
      const e = boundedEntry(raw);
      const k = entryKey(e);
      if (this.#seen.has(k)) {
        continue;
      }
      this.#seen.add(k);
      const newest = this.entries[this.entries.length - 1];
      if (newest && !Number.isNaN(e.at) && !Number.isNaN(newest.at) && e.at < newest.at) {
        outOfOrder = true;
      }
      this.entries.push(e);
      this.bytes += entrySize(e);
      added++;
    }
    if (added === 0) {
      return 0;
    }
    if (outOfOrder) {
      this.entries = inTimeOrder(this.entries);
    }
    let drop = 0;
    let bytes = this.bytes;
    // The newest entry stays, whatever its size.
    while (drop < this.entries.length - 1 && (this.entries.length - drop > this.max || bytes > this.maxBytes)) {
      const old = this.entries[drop++];
      bytes -= entrySize(old);
      this.#seen.delete(entryKey(old));
    }
    if (drop > 0) {
      this.entries.splice(0, drop);
      this.bytes = bytes;
      this.dropped += drop;
    }
    return added;
  }
}

/**
 * The entries kept with the new ones added: each once, in time order (entries of equal times keep their
 * arrival order), the oldest dropped past `max` (or `maxBytes`). `dropped` counts those. A view that
 * merges again and again keeps a DeploymentLog instead (this one remembers nothing between calls).
 */
export function mergeEntries(kept: readonly DeploymentLogEntry[], incoming: readonly DeploymentLogEntry[], max = MAX_DEPLOYMENT_ENTRIES, maxBytes = MAX_BUFFER_BYTES): { entries: DeploymentLogEntry[]; dropped: number } {
  const log = new DeploymentLog(max, maxBytes);
  log.add(kept);
  const before = log.dropped;
  log.add(incoming);
  return { entries: log.entries, dropped: log.dropped - before };
}

/** The execution the entries belong to when none was asked for: the one of the newest entry. */
export function latestExecutionId(entries: readonly DeploymentLogEntry[]): string | undefined {
  for (let i = entries.length - 1; i >= 0; i--) {
    if (entries[i].executionId) {
      return entries[i].executionId;
    }
  }
  return undefined;
}

/** The entries of one execution (entries without an execution id are kept: they cannot be told apart). */
export const ofExecution = (entries: readonly DeploymentLogEntry[], executionId: string | undefined): DeploymentLogEntry[] =>
  executionId ? entries.filter((e) => !e.executionId || e.executionId === executionId) : [...entries];

/** Transmitters whose lines belong to every service's log: the environment's own and Qovery's task manager. */
const SHARED_TRANSMITTERS: ReadonlySet<string> = new Set(['Environment', 'TaskManager']);

/** A line of the environment or of the task manager, not of one service. */
export const isSharedLine = (e: DeploymentLogEntry): boolean => e.transmitterType !== undefined && SHARED_TRANSMITTERS.has(e.transmitterType);

/** A line of the precheck step (Qovery checks the deployment can run before anything is built). */
export const isPrecheck = (e: DeploymentLogEntry): boolean => e.step?.toLowerCase() === 'precheck';

/**
 * The lines of one service, by the transmitter that sent them, with the environment's and the task
 * manager's (as Qovery's console keeps them): a precheck or environment-level failure is told there.
 */
export const ofService = (entries: readonly DeploymentLogEntry[], serviceId: string | undefined): DeploymentLogEntry[] =>
  serviceId ? entries.filter((e) => e.transmitterId === serviceId || isSharedLine(e)) : [...entries];

/** Only https links to qovery.com or one of its subdomains (the documentation) reach the user. */
export function allowedLink(raw: string | undefined): string | undefined {
  if (!raw) {
    return undefined;
  }
  try {
    const u = new URL(raw.trim());
    const host = u.hostname.toLowerCase();
    const ok = u.protocol === 'https:' && !u.username && !u.password && !u.port && (host === 'qovery.com' || host.endsWith('.qovery.com'));
    return ok ? u.href : undefined;
  } catch {
    return undefined;
  }
}

const isError = (e: DeploymentLogEntry): boolean => Boolean(e.error?.userMessage || e.error?.hint) || e.type.toLowerCase() === 'error';

/**
 * Qovery's own explanation of a failed deployment: the last error entry's `user_log_message` and
 * `hint_message`, as single-line text without links or `command:` URIs, and its `link` only when it is
 * an https link on a qovery.com host. Undefined when the entries hold no error.
 */
export function explainFailureOf(entries: readonly DeploymentLogEntry[]): FailureExplanation | undefined {
  const last = [...entries].reverse().find((e) => isError(e) && (e.error?.userMessage || e.error?.hint || e.message));
  if (!last) {
    return undefined;
  }
  const message = cleanMessage(last.error?.userMessage ?? last.message ?? '', 400);
  const hint = last.error?.hint ? cleanMessage(last.error.hint, 400) : undefined;
  if (!message && !hint) {
    return undefined;
  }
  const explanation: FailureExplanation = {
    message: message || hint || '',
    hint: message ? hint || undefined : undefined,
    link: allowedLink(last.error?.link),
    serviceName: last.transmitterName,
    executionId: last.executionId,
  };
  if (isPrecheck(last)) {
    explanation.origin = 'precheck';
  } else if (isSharedLine(last)) {
    explanation.origin = 'environment';
  }
  return explanation;
}

/** Control characters and terminal colour codes are not text a person reads in an editor. */
export function plainText(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/\u001b\[[0-9;?]*[ -/]*[@-~]/g, '').replace(/\r\n?/g, '\n').replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '');
}

/** `2026-11-30 23:19:12.345` in UTC: the same in every time zone, sortable, and exact to the millisecond. */
export function stamp(ms: number): string {
  return Number.isNaN(ms) ? '                       ' : new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
}

export interface RenderOptions {
  title: string;
  /** Words under the title: what is being followed, or that the deployment is over. */
  status?: string;
}

/**
 * The text of the read-only document: a heading, then one section per stage (a new heading each time
 * the stage changes), each entry on its own lines with its time, step and message; errors carry
 * Qovery's explanation and hint below them.
 */
export function renderDeploymentLog(entries: readonly DeploymentLogEntry[], o: RenderOptions): string {
  const out: string[] = [o.title, ...(o.status ? [o.status] : []), ''];
  // The precheck has its own section, first: its failure is why nothing else ran.
  const precheck = entries.filter(isPrecheck);
  const sections: [string | undefined, readonly DeploymentLogEntry[]][] = precheck.length > 0 ? [['Precheck', precheck], [undefined, entries.filter((e) => !isPrecheck(e))]] : [[undefined, entries]];
  for (const [section, list] of sections) {
    if (section) {
      out.push('', `## ${section}`, '');
    }
    renderEntries(list, out, section);
  }
  if (entries.length === 0) {
    out.push('(no log entries yet)');
  }
  return `${out.join('\n')}\n`;
}

/** Who sent a line: the service's name, or the environment's (or the task manager's) marked as such. */
function sender(e: DeploymentLogEntry): string {
  if (!isSharedLine(e)) {
    return e.transmitterName ? ` ${e.transmitterName}` : '';
  }
  const mark = e.transmitterType === 'TaskManager' ? '(task manager)' : '(environment)';
  return e.transmitterName ? ` ${e.transmitterName} ${mark}` : ` ${mark}`;
}

/** Entries under stage headings (a new heading each time the stage changes), unless under a section already. */
function renderEntries(entries: readonly DeploymentLogEntry[], out: string[], section: string | undefined): void {
  let stage: string | undefined = section;
  for (const e of entries) {
    const name = section ?? e.stageName ?? e.step ?? '';
    if (name !== stage) {
      stage = name;
      out.push('', `## ${name || 'Deployment'}`, '');
    }
    const who = sender(e);
    const step = e.step && e.step !== name ? ` [${e.step}]` : '';
    const head = `${stamp(e.at)}${who}${step}`;
    const lines = plainText(e.message ?? '').split('\n');
    if (isError(e)) {
      const err = e.error;
      // Qovery's explanation follows the notification's rules (no links but the documentation's);
      // the raw lines below it are the log itself, kept as sent.
      out.push(`${head} ERROR ${err?.userMessage ? cleanMessage(err.userMessage, 2000) : (lines[0] ?? '')}`);
      if (err?.userMessage && e.message) {
        out.push(...lines.map((l) => `    ${l}`));
      }
      if (err?.hint) {
        out.push(`    Hint: ${cleanMessage(err.hint, 2000)}`);
      }
      const link = allowedLink(err?.link);
      if (link) {
        out.push(`    Documentation: ${link}`);
      }
    } else {
      out.push(`${head} ${lines[0] ?? ''}`, ...lines.slice(1).map((l) => `    ${l}`));
    }
    if (e.cut !== undefined) {
      out.push(`    [… cut: ${e.cut} characters in all, the first ${e.message?.length ?? 0} shown]`);
    }
  }
}

/**
 * The lines of a failed deployment's failing step, for one service (every service when none is given):
 * the messages of the stage of its last error entry. Undefined when the entries hold no error.
 */
export function failingStepLines(entries: readonly DeploymentLogEntry[], serviceId: string | undefined): string[] | undefined {
  const mine = serviceId ? entries.filter((e) => e.transmitterId === serviceId) : [...entries];
  const last = [...mine].reverse().find(isError);
  if (!last) {
    return undefined;
  }
  const stage = last.stageName ?? last.step;
  return mine.filter((e) => (e.stageName ?? e.step) === stage).flatMap((e) => plainText(e.message ?? '').split('\n'));
}

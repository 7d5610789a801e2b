// Rules of token rotation that need no VS Code: names and ages.

/** At most this many names are tried when Qovery answers 409 (name taken). */
export const MAX_NAME_ATTEMPTS = 5;

/** Lower case, ASCII letters, digits and dashes, at most 40 characters. */
export function slug(text: string): string {
  const s = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '');
  return s || 'qovery';
}

/** `2026-11-28` in UTC, so the same token gets the same name whatever the time zone. */
export function utcDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/** The local calendar day, for "once a day" reminders. */
export function localDay(at: Date): string {
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}`;
}

/**
 * Name of a rotated token: `vscode-<connection>-<day>`, then `-2`, `-3`... for later attempts.
 * Names already taken (compared as Qovery does, case-insensitively) are skipped.
 */
export function rotatedTokenName(connectionName: string, at: Date, attempt: number, taken: Iterable<string> = []): string {
  const used = new Set([...taken].map((n) => n.trim().toLowerCase()));
  const base = `vscode-${slug(connectionName)}-${utcDay(at)}`;
  let n = 1;
  let skipped = 0;
  for (;;) {
    const name = n === 1 ? base : `${base}-${n}`;
    if (!used.has(name)) {
      if (skipped === attempt) {
        return name;
      }
      skipped++;
    }
    n++;
  }
}

/** Whole days from `from` to `now`. */
export function ageInDays(from: number, now: number): number {
  return Math.max(0, Math.floor((now - from) / 86_400_000));
}

/** When the token's age reaches `rotationDays` (0 turns the reminder off). */
export function rotationDue(createdAt: number | undefined, rotationDays: number, now: number): { due: boolean; ageDays: number } {
  if (createdAt === undefined || !Number.isFinite(createdAt) || rotationDays <= 0) {
    return { due: false, ageDays: createdAt === undefined || !Number.isFinite(createdAt) ? 0 : ageInDays(createdAt, now) };
  }
  const ageDays = ageInDays(createdAt, now);
  return { due: ageDays >= rotationDays, ageDays };
}

/**
 * A token created by an interrupted rotation: its name, made no earlier than the rotation started (with
 * some margin). `created_at` is the server's time: with the server's clock (its `Date` header) and ours
 * at that answer, the start is placed on the server's clock by the time passed here, whatever our skew.
 */
export function isTokenOfRotation(
  token: { name?: string | null; created_at?: string },
  journal: { newTokenName?: string; startedAt: number; serverStartedAt?: number },
  clock?: { serverNow: number; localNow: number },
  skewMs = 10 * 60_000,
): boolean {
  if (!journal.newTokenName || (token.name ?? '').trim().toLowerCase() !== journal.newTokenName.trim().toLowerCase()) {
    return false;
  }
  const created = token.created_at ? Date.parse(token.created_at) : NaN;
  // The server's time at the start, saved then; older journals only have the starting window's clock.
  const started =
    journal.serverStartedAt !== undefined && Number.isFinite(journal.serverStartedAt)
      ? journal.serverStartedAt
      : clock && Number.isFinite(clock.serverNow)
        ? clock.serverNow - Math.max(0, clock.localNow - journal.startedAt)
        : journal.startedAt;
  return Number.isNaN(created) || created >= started - skewMs;
}

/** A journal left in globalState by version 0.1 (before journals moved to files): what to tell the user. */
export interface LegacyJournal {
  connectionId: string;
  step: string;
  newTokenName?: string;
  oldTokenName?: string;
}

/** Reads version 0.1's journal list from globalState, dropping anything that is not one. */
export function parseLegacyJournals(value: unknown): LegacyJournal[] {
  if (!Array.isArray(value)) {
    return [];
  }
  return value.filter(
    (j): j is LegacyJournal =>
      typeof j === 'object' && j !== null && typeof (j as LegacyJournal).connectionId === 'string' && typeof (j as LegacyJournal).step === 'string',
  );
}

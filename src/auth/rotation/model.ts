// The shapes of a token rotation and the small interfaces its saga needs. No `vscode` import:
// the saga runs in plain Node for its tests.
import type { Organization, OrganizationApiToken, OrganizationApiTokenCreate, OrganizationApiTokenCreateRequest } from '../../api';

/** Where a rotation stands. Saved (without any secret) before each step that changes something. */
export type RotationStep = 'creating' | 'created' | 'verified' | 'swapped' | 'rollingBack';

export const ROTATION_STEPS: readonly RotationStep[] = ['creating', 'created', 'verified', 'swapped', 'rollingBack'];

export type RotationStage = 'prepare' | 'create' | 'store' | 'verify' | 'swap' | 'revoke' | 'rollback' | 'cancel';

export interface RotationJournal {
  /** One id per rotation. */
  id: string;
  connectionId: string;
  organizationId: string;
  step: RotationStep;
  /** Ids of the organization's tokens before the create: only a token outside this set can be ours. */
  knownTokenIds: string[];
  /** The connection's token id when the rotation started, if known: never deleted by a roll back. */
  previousTokenId?: string;
  /** The token being replaced; absent when the user chose not to revoke it. */
  oldTokenId?: string;
  oldTokenName?: string;
  /** Short SHA-256 fingerprints (not the secrets) telling which token the connection holds. */
  oldFingerprint?: string;
  newFingerprint?: string;
  newTokenId?: string;
  newTokenName?: string;
  newTokenCreatedAt?: string;
  roleId: string;
  roleName?: string;
  /** clock.now() when the rotation started. */
  startedAt: number;
  /**
   * The server's clock (its `Date` header) when the rotation started: the created token's `created_at`
   * is compared with it, so that no window's clock (another host's, or one corrected since) counts.
   */
  serverStartedAt?: number;
  /** The create call got no clear answer (5xx, timeout, reset): the token may exist. */
  uncertainCreate?: boolean;
  /** How many lookups for an uncertain create found nothing. */
  emptyLookups?: number;
  /**
   * How many starts found no pending secret at `created` or `verified` while the old token was still
   * stored. VS Code answers "nothing" for a secret it cannot decrypt (a locked keyring), so the first
   * time is left for a later start before the rotation is rolled back.
   */
  missingPending?: number;
  /** The kind of failure that turned the rotation back, or that stopped the revocation. */
  failure?: string;
  failureStage?: RotationStage;
}

export interface TokenRef {
  id?: string;
  name?: string;
}

export type RotationOutcome = 'rotated' | 'failed' | 'cancelled' | 'deferred' | 'busy';

/** What a rotation did, for the message to the user and for tests. Never holds a secret. */
export interface RotationReport {
  outcome: RotationOutcome;
  connectionId?: string;
  connectionName?: string;
  newToken?: TokenRef;
  oldToken?: TokenRef;
  /** True when the old token was revoked (or was found gone). */
  revoked: boolean;
  /** The step that failed, for a failed rotation or an old token left in place. */
  stage?: RotationStage;
  errorKind?: string;
  /** The failure in the API's words (already free of secrets), for the message and the log. */
  detail?: string;
  /** The failure itself (typed API errors carry no secret), so the UI can word it in the user's language. */
  cause?: unknown;
  /** Why the old token stays: the user's choice, or the connection was removed meanwhile. */
  notRevoked?: 'userChoice' | 'signedOut';
  /** A token this rotation created (or may have created) that is still on Qovery and not in use. */
  orphan?: TokenRef;
  /** The orphan is only possible: the create got no clear answer and no token was found yet. */
  maybeCreated?: boolean;
  /** The delete was answered (204 or 404) but Qovery could not confirm the old token stopped working: checked again later. */
  revocationUnconfirmed?: boolean;
  /** The old secret still works after the revocation: the token revoked was another one. */
  wrongTokenRevoked?: TokenRef;
  /**
   * A swap that landed after its window lost the lease (the window was frozen), found by that window
   * or by the one rolling back: 'undone' when the token stored before was put back (the stored token
   * had got 401), 'unconfirmed' when the stored token could not be checked (kept; the next start
   * decides), 'lost' when it got 401 and the token from before got 401 too (or is not known);
   * 'undoneUnchecked' when the token stored before was put back although its check gave no clear
   * answer (a refused token is never better); 'putBackFailed' when secret storage refused the put back.
   */
  lateSwap?: 'undone' | 'undoneUnchecked' | 'unconfirmed' | 'lost' | 'putBackFailed';
  /** True when the report comes from finishing or rolling back an interrupted rotation. */
  resumed?: boolean;
  /** True when the journal is kept so the unfinished part is tried again later. */
  journalKept?: boolean;
}

/** The calls a rotation makes, with one token. `QoveryClient` fits. */
export interface RotationApi {
  listOrganizations(options?: { signal?: AbortSignal }): Promise<Organization[]>;
  /** `onServerDate` gets the server's clock (its `Date` header) with the answer. */
  listApiTokens(organizationId: string, options?: { signal?: AbortSignal; onServerDate?: (epochMs: number) => void }): Promise<OrganizationApiToken[]>;
  createApiToken(organizationId: string, body: OrganizationApiTokenCreateRequest): Promise<OrganizationApiTokenCreate>;
  deleteApiToken(organizationId: string, apiTokenId: string): Promise<void>;
}

/** Facts about the new token that go with it into the connection. */
export interface NewTokenFacts {
  organizationId: string;
  tokenId: string;
  tokenName?: string;
  tokenCreatedAt?: string;
  roleId: string;
  roleName?: string;
  /** The organizations the token listed; absent when it could not be checked (the session checks it). */
  organizations?: Organization[];
}

/** Which API token a stored secret is, kept beside it in SecretStorage (globalState lags in other windows). */
export interface TokenRecord {
  /** `fingerprint()` of the secret this record describes: a record of another secret is stale. */
  fingerprint: string;
  tokenId: string;
}

/** The connection's secrets. SecretStorage is shared by every window and read through. */
export interface RotationSecrets {
  /** The connection's token, or undefined when signed out. Throws when SecretStorage cannot be read. */
  current(connectionId: string): Promise<string | undefined>;
  pending(connectionId: string): Promise<string | undefined>;
  /** Throws when SecretStorage fails: memory would not survive a restart. */
  storePending(connectionId: string, secret: string): Promise<void>;
  deletePending(connectionId: string): Promise<void>;
  /** Makes `secret` the connection's token, in SecretStorage only (throws rather than keep it in memory). */
  swap(connectionId: string, secret: string, facts: NewTokenFacts): Promise<void>;
  /** Whether the connection still exists (not signed out). */
  exists(connectionId: string): boolean;
  /** The token id the connection's facts name. globalState may lag behind other windows: a hint only. */
  storedTokenId(connectionId: string): string | undefined;
  /** The record kept with the stored secret (written by the swap), if any. */
  tokenRecord(connectionId: string): Promise<TokenRecord | undefined>;
}

/** Journals on storage that every window reads the same way (files, not globalState). */
export interface JournalStore {
  get(connectionId: string): Promise<RotationJournal | undefined>;
  list(): Promise<RotationJournal[]>;
  save(journal: RotationJournal): Promise<void>;
  clear(journal: RotationJournal): Promise<void>;
}

/** A cross-window lease on one name. */
export interface Lease {
  /** Renews the lease; false when it was lost (expired, or taken by another window). Never re-creates a lease it does not hold. */
  renew(): Promise<boolean>;
  /** Whether this window still holds the lease, without renewing it: the fence before an irreversible call. */
  holds(): Promise<boolean>;
  release(): Promise<void>;
}

export interface LeaseProvider {
  /** Takes the lease now, or undefined when another window holds a live one. */
  tryAcquire(name: string): Promise<Lease | undefined>;
}

export interface Clock {
  now(): number;
}

export interface RotationLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string, error?: unknown): void;
  /** Marks a secret so that no log line ever shows it. */
  protect(secret: string): void;
}

export interface SagaDeps {
  journals: JournalStore;
  secrets: RotationSecrets;
  /** A client for a token; may throw a typed error (a bad setting). */
  api(secret: string): RotationApi;
  clock: Clock;
  log: RotationLog;
  /** Waits `ms` (tests pass one that moves their clock instead); a timer when absent. */
  sleep?(ms: number): Promise<void>;
}

/** The stage a running rotation is at, for the progress notification. */
export type ProgressStage = 'create' | 'store' | 'verify' | 'swap' | 'revoke' | 'rollback' | 'lookup';

/** How the caller steers a run: progress, Cancel, and the lease that must stay ours. */
export interface SagaControl {
  /** False for recovery at start: transient failures are kept for later instead of rolled back. */
  interactive: boolean;
  resumed?: boolean;
  onStage?(stage: ProgressStage): void;
  /** True once the user asked to cancel; honoured only while that is safe (before the swap). */
  cancelRequested?(): boolean;
  /** Renews the lease before each durable step; false stops the run (another window took over). */
  keepLease?(): Promise<boolean>;
  /** Checks the lease right before an irreversible call (create, store, swap, delete); false stops the run. */
  holdsLease?(): Promise<boolean>;
}

/** What the planner decided with the user, before anything changes. */
export interface RotationPlan {
  connectionId: string;
  connectionName: string;
  organizationId: string;
  /** The connection's token now. */
  oldSecret: string;
  /** The token to revoke once the new one works; absent: keep it. */
  old?: { id: string; name?: string };
  role: { id: string; name?: string };
  /** The organization's tokens just before the create (the list must have worked). */
  knownTokens: { id: string; name?: string | null }[];
  previousTokenId?: string;
  /** The server's clock (the `Date` header of the token list) and `clock.now()` when it was read. */
  serverClock?: { server: number; local: number };
}

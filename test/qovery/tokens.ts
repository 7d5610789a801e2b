// Organization API tokens: seeded ones plus those created at run time, revocable at once.
import { FIRST_CREATED_TOKEN_NUMBER, newTokenSecret } from './credentials';
import { IdKind, decodeId, encodeId } from './ids';
import type { QoveryAccount, RoleRecord } from './model';

export interface ApiTokenEntry {
  id: string;
  organizationId: string;
  name: string;
  description?: string;
  roleId: string;
  roleName: string;
  /** The credential itself; only the create response and test code ever see it. */
  secret: string;
  createdAt: string;
  revokedAt?: string;
  seeded: boolean;
}

export interface NewApiToken {
  name: string;
  description?: string;
  role: RoleRecord;
}

export type CreateResult = { created: ApiTokenEntry } | { conflict: ApiTokenEntry };

export class ApiTokenStore {
  private readonly entries: ApiTokenEntry[] = [];
  private readonly bySecretIndex = new Map<string, ApiTokenEntry>();
  private readonly nextNumber = new Map<string, number>();

  constructor(
    private readonly account: QoveryAccount,
    private readonly now: () => Date,
  ) {
    for (const seed of account.seedApiTokens()) {
      const role = account.roles(seed.organizationId).find((candidate) => candidate.id === seed.roleId);
      if (!role) {
        throw new Error(`seed token ${seed.name} has a role that is not available in its organization`);
      }
      this.add({ ...seed, roleName: role.name, seeded: true });
    }
  }

  private add(entry: ApiTokenEntry): void {
    this.entries.push(entry);
    this.bySecretIndex.set(entry.secret, entry);
  }

  /** The active token with this secret; revoked tokens are unknown. */
  bySecret(secret: string): ApiTokenEntry | undefined {
    const entry = this.bySecretIndex.get(secret);
    return entry && entry.revokedAt === undefined ? entry : undefined;
  }

  list(organizationId: string, includeRevoked = false): ApiTokenEntry[] {
    return this.entries.filter((entry) => entry.organizationId === organizationId && (includeRevoked || entry.revokedAt === undefined));
  }

  /** Names are unique per organization among active tokens, compared case-insensitively. */
  create(organizationId: string, request: NewApiToken): CreateResult {
    const wanted = request.name.trim().toLowerCase();
    const taken = this.list(organizationId).find((entry) => entry.name.trim().toLowerCase() === wanted);
    if (taken) {
      return { conflict: taken };
    }
    const decoded = decodeId(organizationId);
    const orgIndex = decoded?.indexes[0] ?? 0;
    const number = this.nextNumber.get(organizationId) ?? FIRST_CREATED_TOKEN_NUMBER;
    this.nextNumber.set(organizationId, number + 1);
    const id = encodeId(IdKind.apiToken, decoded?.account ?? 0, orgIndex, number & 0xffff, number >>> 16);
    const entry: ApiTokenEntry = {
      id,
      organizationId,
      name: request.name,
      ...(request.description === undefined ? {} : { description: request.description }),
      roleId: request.role.id,
      roleName: request.role.name,
      secret: newTokenSecret(id),
      createdAt: this.now().toISOString(),
      seeded: false,
    };
    this.add(entry);
    return { created: entry };
  }

  /** Revokes an active token of the organization; false when there is none with this id. */
  revoke(organizationId: string, tokenId: string): boolean {
    const entry = this.entries.find((candidate) => candidate.id === tokenId && candidate.organizationId === organizationId && candidate.revokedAt === undefined);
    if (!entry) {
      return false;
    }
    entry.revokedAt = this.now().toISOString();
    return true;
  }

  roleOf(entry: ApiTokenEntry): RoleRecord | undefined {
    return this.account.roles(entry.organizationId).find((role) => role.id === entry.roleId);
  }
}

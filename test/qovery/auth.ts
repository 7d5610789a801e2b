// Who is calling: `Token <api token>` for organization API tokens, `Bearer <jwt>` for user sessions.
import type { QoveryAccount, RoleRecord, UserRecord } from './model';
import type { ApiTokenEntry, ApiTokenStore } from './tokens';

export type AuthScheme = 'Token' | 'Bearer' | 'none' | 'other';

export interface Credentials {
  scheme: AuthScheme;
  value?: string;
}

/** An organization API token sees its own organization only; a user owns every organization of the account. */
export type Principal = { kind: 'apiToken'; token: ApiTokenEntry; role: RoleRecord } | { kind: 'user'; user: UserRecord };

/** Scheme names are case-insensitive (RFC 9110); anything else is reported as 'other'. */
export function parseAuthorization(header: string | undefined): Credentials {
  if (header === undefined || header.trim() === '') {
    return { scheme: 'none' };
  }
  const match = /^(\S+)\s+(\S+)\s*$/.exec(header.trim());
  if (!match) {
    return { scheme: 'other' };
  }
  const scheme = match[1].toLowerCase();
  if (scheme === 'token') {
    return { scheme: 'Token', value: match[2] };
  }
  if (scheme === 'bearer') {
    return { scheme: 'Bearer', value: match[2] };
  }
  return { scheme: 'other' };
}

export function authenticate(credentials: Credentials, account: QoveryAccount, tokens: ApiTokenStore): Principal | undefined {
  const secret = credentials.value;
  if (secret === undefined) {
    return undefined;
  }
  if (credentials.scheme === 'Token') {
    const token = tokens.bySecret(secret);
    const role = token && tokens.roleOf(token);
    return token && role ? { kind: 'apiToken', token, role } : undefined;
  }
  if (credentials.scheme === 'Bearer') {
    const user = account.users().find((candidate) => candidate.jwt === secret);
    return user && { kind: 'user', user };
  }
  return undefined;
}

/** The name logged for a caller; never the secret. */
export function principalName(principal: Principal): string {
  return principal.kind === 'apiToken' ? principal.token.name : `${principal.user.nickname} (user JWT)`;
}

export function canRead(principal: Principal, organizationId: string): boolean {
  return principal.kind === 'user' || principal.token.organizationId === organizationId;
}

export function canManageApiTokens(principal: Principal, organizationId: string): boolean {
  return principal.kind === 'user' || (principal.token.organizationId === organizationId && principal.role.canManageApiTokens);
}

// Fixed credentials of every seeded account, and the secrets handed out for newly created API tokens.
import { createHash } from 'node:crypto';
import { IdKind, encodeId } from './ids';
import { RoleIndex, rolesOf, type OrganizationRecord, type SeedApiToken, type UserRecord } from './model';

/** Admin API token of the first organization ("Acme Corp" in the demo account). */
export const DEMO_ADMIN_TOKEN = 'qov_SDNQwPhtG2NjuBWMWKKNviFXC8X51uvy4cOOc67q';
/** Viewer (read-only) API token of the first organization. */
export const DEMO_VIEWER_TOKEN = 'qov_TQf0dIC1KAfmTrEsBn5LVjLi4hKtiLznpK5HwM5C';
/** API token of the first organization with the custom "deployer" role (reads, cannot manage tokens). */
export const DEMO_DEPLOYER_TOKEN = 'qov_S1DcIszyOJM0NpAASimpLMKiOIflWKyTkU41umaV';
/** Admin API token of the second organization ("Side Projects" in the demo account). */
export const DEMO_SECOND_ORG_ADMIN_TOKEN = 'qov_GkEtTOiEhIDlkP21yqxqVUlPDxVgvkdETJ2rwRnP';
/** Listed in the first organization but never handed out, like a colleague's token. */
const LEGACY_CI_TOKEN = 'qov_hNkBD1CbmPsP05m7XKX9Ec1cNhyXVW3g0d6eMzQ1';

const base64url = (text: string | Buffer): string => Buffer.from(text).toString('base64url');

function fakeSignature(seed: string): string {
  // 256 bytes, the size of an RS256 signature, so the token has a realistic length.
  const parts: Buffer[] = [];
  for (let i = 0; i < 8; i++) {
    parts.push(createHash('sha256').update(`${seed}:${i}`).digest());
  }
  return base64url(Buffer.concat(parts));
}

function makeJwt(subject: string, email: string): string {
  const header = { alg: 'RS256', typ: 'JWT', kid: 'qovery-test-server' };
  const payload = {
    iss: 'https://auth.qovery.com/',
    sub: subject,
    aud: ['https://api.qovery.com'],
    email,
    iat: 1735689600,
    exp: 4102444800,
    scope: 'openid profile email offline_access',
  };
  return `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(payload))}.${fakeSignature(subject)}`;
}

export const DEMO_USER_EMAIL = 'alex.martin@acme.example';
/** User JWT (send as `Bearer`) of a user who owns every organization of the account. */
export const DEMO_USER_JWT = makeJwt('github|4242424', DEMO_USER_EMAIL);

/** The seeded credentials by role, as exposed on QoveryServer.tokens. */
export interface SeedTokens {
  admin: string;
  viewer: string;
  deployer: string;
  secondOrgAdmin: string;
  userJwt: string;
}

export const SEED_TOKENS: Readonly<SeedTokens> = Object.freeze({
  admin: DEMO_ADMIN_TOKEN,
  viewer: DEMO_VIEWER_TOKEN,
  deployer: DEMO_DEPLOYER_TOKEN,
  secondOrgAdmin: DEMO_SECOND_ORG_ADMIN_TOKEN,
  userJwt: DEMO_USER_JWT,
});

/** Token ids are API_TOKEN ids at (org, n); seeded ones take n = 0..9, created ones start above. */
export const FIRST_CREATED_TOKEN_NUMBER = 10;

export function seedUser(account: number): UserRecord {
  return {
    id: encodeId(IdKind.user, account, 0),
    jwt: DEMO_USER_JWT,
    nickname: 'alex-martin',
    firstName: 'Alex',
    lastName: 'Martin',
    email: DEMO_USER_EMAIL,
    pictureUrl: 'https://avatars.githubusercontent.com/u/4242424?v=4',
    createdAt: '2023-02-14T08:30:00.000Z',
  };
}

/** Seeded API tokens: admin, viewer, deployer and a legacy token in the first org; an admin token in the second. */
export function seedApiTokens(account: number, organizations: readonly OrganizationRecord[]): SeedApiToken[] {
  const tokens: SeedApiToken[] = [];
  const add = (org: OrganizationRecord, n: number, role: number, name: string, secret: string, createdAt: string, description?: string): void => {
    tokens.push({
      id: encodeId(IdKind.apiToken, account, org.index, n),
      organizationId: org.id,
      name,
      description,
      roleId: rolesOf(account, org.index)[role].id,
      secret,
      createdAt,
    });
  };
  const [first, second] = organizations;
  if (first) {
    add(first, 0, RoleIndex.admin, 'vscode-demo-admin', DEMO_ADMIN_TOKEN, '2025-01-06T09:00:00.000Z', 'Demo admin token');
    add(first, 1, RoleIndex.viewer, 'vscode-demo-viewer', DEMO_VIEWER_TOKEN, '2025-01-06T09:05:00.000Z', 'Read-only demo token');
    add(first, 2, RoleIndex.deployer, 'ci-deployer', DEMO_DEPLOYER_TOKEN, '2025-02-11T16:45:00.000Z', 'GitHub Actions deployments');
    add(first, 3, RoleIndex.admin, 'terraform-provider', LEGACY_CI_TOKEN, '2024-04-02T11:20:00.000Z');
  }
  if (second) {
    add(second, 0, RoleIndex.admin, 'side-admin', DEMO_SECOND_ORG_ADMIN_TOKEN, '2025-03-01T18:00:00.000Z', 'Personal automation');
  }
  return tokens;
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Secret of a newly created token: random-looking but reproducible from the token id. */
export function newTokenSecret(tokenId: string): string {
  const digest = createHash('sha512').update(`qovery-test-token:${tokenId}`).digest();
  let secret = 'qov_';
  for (let i = 0; i < 40; i++) {
    secret += ALPHABET[digest[i] % ALPHABET.length];
  }
  return secret;
}

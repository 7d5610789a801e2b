// Policy API tokens (an OPA policy attached) are listed apart (`GET /organization/{id}/policyApiToken`)
// and never show in the API token list: a connection that uses one cannot be rotated or its token
// deleted through that list, and the user is told so rather than "not found". No `vscode`.

export interface ListedToken {
  id: string;
  name?: string | null;
}

/** Where the token a connection uses was found: among the API tokens, among the policy tokens, or nowhere. */
export type TokenInUse = { kind: 'apiToken'; token: ListedToken } | { kind: 'policyToken'; token: ListedToken } | { kind: 'unknown' };

/**
 * Looks the connection's token up by id (known when the extension created it or the user named it).
 * `policyTokens` is undefined when that list could not be read: then only "unknown" can be said.
 */
export function tokenInUse(tokenId: string | undefined, apiTokens: readonly ListedToken[], policyTokens: readonly ListedToken[] | undefined): TokenInUse {
  if (!tokenId) {
    return { kind: 'unknown' };
  }
  const api = apiTokens.find((t) => t.id === tokenId);
  if (api) {
    return { kind: 'apiToken', token: api };
  }
  const policy = policyTokens?.find((t) => t.id === tokenId);
  return policy ? { kind: 'policyToken', token: policy } : { kind: 'unknown' };
}

// Removing values the user gave as secrets from text that may reach a message or the log (an API
// error that echoes what it was sent). Plain string work, no `vscode`.

/** What stands in for a removed secret. */
export const SECRET_MASK = '•••';

/** A run of this many characters of a secret is taken as the secret, wherever it is cut. */
export const SECRET_RUN = 12;

const collapse = (text: string): string => text.replace(/[\s\p{Cc}]+/gu, ' ').trim();

/**
 * `text` without any of `secrets`: first each secret as it is, then, with the text's white space
 * collapsed to single spaces (as messages show it), each secret collapsed the same way, and any run
 * of SECRET_RUN or more characters of one (a long or multi-line secret echoed in part, or cut).
 * The text comes back collapsed when a secret is given.
 */
export function scrubSecrets(text: string, secrets: readonly (string | undefined)[]): string {
  const given = [...new Set(secrets.filter((s): s is string => typeof s === 'string' && s !== ''))].sort((a, b) => b.length - a.length);
  if (given.length === 0) {
    return text;
  }
  let s = text;
  for (const secret of given) {
    s = s.split(secret).join(SECRET_MASK);
  }
  s = collapse(s);
  for (const secret of given) {
    const c = collapse(secret);
    if (c !== '') {
      s = s.split(c).join(SECRET_MASK);
    }
  }
  return maskRuns(s, given.map(collapse));
}

/** Every stretch of `text` made of SECRET_RUN-character pieces of a secret, masked once. */
function maskRuns(text: string, secrets: readonly string[]): string {
  const pieces = new Set<string>();
  for (const secret of secrets) {
    for (let i = 0; i + SECRET_RUN <= secret.length; i++) {
      pieces.add(secret.slice(i, i + SECRET_RUN));
    }
  }
  if (pieces.size === 0 || text.length < SECRET_RUN) {
    return text;
  }
  const covered: [number, number][] = [];
  for (let i = 0; i + SECRET_RUN <= text.length; i++) {
    if (pieces.has(text.slice(i, i + SECRET_RUN))) {
      const last = covered[covered.length - 1];
      if (last && i <= last[1]) {
        last[1] = i + SECRET_RUN;
      } else {
        covered.push([i, i + SECRET_RUN]);
      }
    }
  }
  let out = '';
  let from = 0;
  for (const [start, end] of covered) {
    out += text.slice(from, start) + SECRET_MASK;
    from = end;
  }
  return out + text.slice(from);
}

// How a commit id is shown, everywhere: the workspace link, the status bar, the deploy prompts and history. No `vscode`.

/** "a1b2c3d": the first seven hex digits, lower case; undefined for anything that is not a commit id (7 to 64 hex digits). */
export function shortSha(sha: unknown): string | undefined {
  return typeof sha === 'string' && /^[0-9a-f]{7,64}$/i.test(sha) ? sha.slice(0, 7).toLowerCase() : undefined;
}

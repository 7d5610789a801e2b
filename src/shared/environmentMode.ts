// Which environment modes an action treats as production: one rule for the deploy commands and the
// agents' act tools. No `vscode` here: plain mocha tests it.

/** The modes that are known not to be production; every other one (whatever its spelling) is confirmed. */
const NON_PRODUCTION_MODES = new Set(['DEVELOPMENT', 'STAGING', 'PREVIEW']);

/** Whether an action on an environment of this mode is confirmed as production: any mode not known to be safe, an unknown one included. */
export function isProductionLike(mode: string | undefined): boolean {
  return mode === undefined || !NON_PRODUCTION_MODES.has(mode.trim().toUpperCase());
}

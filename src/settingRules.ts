// The rules of settings that have more to them than a range. No `vscode` here: plain mocha tests them.

/** The shortest `qovery.autoRefreshSeconds` that is kept: each open environment costs a request per period. */
export const AUTO_REFRESH_FLOOR_SECONDS = 10;
const AUTO_REFRESH_MAX_SECONDS = 86_400;

/** What a setting's value became: `problem` says why it is not the value given. */
export interface SettingValue {
  value: number;
  problem?: 'invalid' | 'belowFloor';
}

/** `qovery.autoRefreshSeconds`: 0 is off; 1 to 9 s are raised to 10 s; a wrong value is off. */
export function autoRefreshSeconds(raw: unknown): SettingValue {
  if (raw === undefined || raw === 0) {
    return { value: 0 };
  }
  if (typeof raw !== 'number' || !Number.isFinite(raw) || raw < 0 || raw > AUTO_REFRESH_MAX_SECONDS) {
    return { value: 0, problem: 'invalid' };
  }
  return raw < AUTO_REFRESH_FLOOR_SECONDS ? { value: AUTO_REFRESH_FLOOR_SECONDS, problem: 'belowFloor' } : { value: raw };
}

/** The time of day of a load, for "Offline: showing data from ...". */
export function timeOfDay(ms: number): string {
  return new Date(ms).toLocaleTimeString();
}

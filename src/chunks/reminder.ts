// The rotation reminder chunk: loaded once a connection is signed in with qovery.tokenRotationDays
// above 0, since only then is there a token age to look at.
import { RotationReminder } from '../auth/reminder';
import type { Core } from './core';

export function create(core: Core) {
  const reminder = new RotationReminder(core.session, core.statusBar, core.ui, core.log, core.globalState);
  return { reminder, dispose: () => reminder.dispose() };
}

// The rotation reminder chunk: loaded once a connection is signed in with qovery.tokenRotationDays
// above 0, since only then is there a token age to look at.
import { RotationReminder } from '../auth/reminder';
import type { Core } from './core';

export function create(core: Core) {
  const reminder = new RotationReminder(core.session, core.ui, core.log, core.globalState, core.storageDir);
  // State never writes into a view: the status bar shows the reminder's note.
  const note = reminder.onDidChangeNote((value) => {
    if (value) {
      core.statusBar.notes.set('rotation', value);
    } else {
      core.statusBar.notes.delete('rotation');
    }
    core.statusBar.update();
  });
  return {
    reminder,
    dispose: () => {
      note.dispose();
      reminder.dispose();
    },
  };
}

declare module './core' {
  interface ChunkModules {
    reminder: typeof create;
  }
}

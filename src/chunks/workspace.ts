// The workspace link chunk: detection of the service each workspace folder deploys to, its status
// bar item, the environment status service, and the Link/Unlink commands. Loaded in the background
// after the first successful auth check when a folder is open, or when one of its commands runs.
import { workspaceCommands } from '../workspace/commands';
import { WorkspaceLinks } from '../workspace/links';
import { WorkspaceStatusItem } from '../workspace/statusBar';
import { workspaceTopRows } from '../workspace/treeRow';
import type * as vscode from 'vscode';
import { Commands } from '../contributions';
import type { ChunkHandlers, Core } from './core';

export function create(core: Core) {
  // The environment status service is shared (the explorer and a followed deployment use it too).
  const statuses = core.load('statuses').service;
  const links = new WorkspaceLinks(core.session, core.workspaceState, core.log, core.ui, statuses);
  const item = new WorkspaceStatusItem(links);
  const topRows = core.tree.setTopRows(workspaceTopRows(links));
  // The row is redrawn only when what it shows changed, not on every status answer.
  let shown = '';
  const redraw = links.onDidChange(() => {
    const now = JSON.stringify(links.links.map((l) => [l.folder.uri.toString(), l.status, l.link?.serviceId, links.serviceState(l.link)?.state]));
    if (now !== shown) {
      shown = now;
      core.tree.refreshTop();
    }
  });
  // Leaving a branch a preview builds: the preview feature asks whether the branch is gone and offers the delete.
  const leftBranch = links.onDidLeaveBranch((left) => void core.load('preview').commands.offerDeleteAfterLeaving(left));
  void links.refresh();
  const commands = workspaceCommands(links, core.ui);
  const handlers: ChunkHandlers = {
    [Commands.linkWorkspace]: (folder?: vscode.WorkspaceFolder) => commands.link(folder),
    [Commands.unlinkWorkspace]: (folder?: vscode.WorkspaceFolder) => commands.unlink(folder),
    [Commands.workspaceActions]: () => commands.actions(),
  };
  return {
    links,
    statuses,
    item,
    handlers,
    dispose: () => {
      leftBranch.dispose();
      redraw.dispose();
      topRows.dispose();
      item.dispose();
      links.dispose();
    },
  };
}

declare module './core' {
  interface ChunkModules {
    workspace: typeof create;
  }
}

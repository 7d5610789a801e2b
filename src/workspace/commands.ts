// Link Workspace to Service, Unlink Workspace, and the service item's menu.
import * as vscode from 'vscode';
import { Commands, executeCommand } from '../contributions';
import { consoleUrl } from '../shared/consoleLinks';
import type { Ui } from '../ui';
import { candidateItem, type CandidateItem, type FolderLink, type WorkspaceLinks } from './links';
import { orderForPick, type ServiceCandidate } from './match';

export function serviceConsoleUrl(c: ServiceCandidate): string {
  return consoleUrl({ organizationId: c.organizationId, projectId: c.projectId, environmentId: c.environmentId, serviceId: c.serviceId });
}

export function workspaceCommands(links: WorkspaceLinks, ui: Ui) {
  /** The folder a command acts on: the given one, the only one, the active editor's, or the user's choice. */
  async function chooseFolder(folder?: vscode.WorkspaceFolder, which: (l: FolderLink) => boolean = () => true): Promise<FolderLink | undefined> {
    await links.refresh();
    if (folder) {
      return links.linkOf(folder);
    }
    const usable = links.links.filter((l) => l.status !== 'signedOut' && which(l));
    if (usable.length <= 1) {
      if (usable.length === 0) {
        void ui.prompter.info(vscode.l10n.t('Qovery: open a folder that is a git repository with a remote, and sign in, to link it to a service.'), {});
      }
      return usable[0];
    }
    const active = links.activeLink();
    const ordered = [...usable].sort((a, b) => (a === active ? -1 : b === active ? 1 : 0));
    const picked = await ui.prompter.quickPick(
      ordered.map((l) => ({ label: l.folder.name, description: l.link ? `${l.link.serviceName} · ${l.link.environmentName}` : undefined, link: l })),
      { title: vscode.l10n.t('Qovery: which folder?') },
    );
    return picked?.link;
  }

  async function link(folder?: vscode.WorkspaceFolder): Promise<ServiceCandidate | undefined> {
    const target = await chooseFolder(folder, (l) => l.status !== 'noRepository');
    if (!target?.local) {
      return undefined;
    }
    const scan = await links.services();
    if (target.status === 'pick') {
      return links.pickAmong(target.folder, target.matches);
    }
    const { repository, others } = orderForPick(scan.services, target.local);
    type Item = CandidateItem | (vscode.QuickPickItem & { candidate?: undefined });
    const items: Item[] = [];
    if (repository.length > 0) {
      items.push({ label: vscode.l10n.t('This repository'), kind: vscode.QuickPickItemKind.Separator });
      items.push(...repository.map(candidateItem));
    }
    if (others.length > 0) {
      items.push({ label: vscode.l10n.t('Other services of the organization'), kind: vscode.QuickPickItemKind.Separator });
      items.push(...others.map(candidateItem));
    }
    if (items.length === 0) {
      void ui.prompter.info(vscode.l10n.t('Qovery: the organization has no service to link to.'), {});
      return undefined;
    }
    const picked = await ui.prompter.quickPick(items, {
      title: vscode.l10n.t('Qovery: link "{0}" to a service', target.folder.name),
      placeHolder: vscode.l10n.t('The choice is remembered for this folder'),
      matchOnDescription: true,
      matchOnDetail: true,
    });
    if (!picked?.candidate) {
      return undefined;
    }
    await links.linkTo(target.folder, picked.candidate, !target.matches.some((m) => m.serviceId === picked.candidate?.serviceId));
    return picked.candidate;
  }

  async function unlink(folder?: vscode.WorkspaceFolder): Promise<void> {
    const target = await chooseFolder(folder, (l) => l.status === 'linked');
    if (target) {
      await links.unlink(target.folder);
    }
  }

  async function actions(): Promise<void> {
    await links.refresh();
    const target = links.activeLink();
    if (target?.status === 'none' && target.previewable) {
      // No environment builds this branch: a preview of it first, or a link to a service.
      const offers: { label: string; run: () => unknown }[] = [
        { label: vscode.l10n.t('$(git-branch) Create Preview Environment for This Branch'), run: () => executeCommand(Commands.createPreview) },
        { label: vscode.l10n.t('$(link) Link to a Service…'), run: () => link(target.folder) },
      ];
      const chosen = await ui.prompter.quickPick(offers, { title: vscode.l10n.t('Qovery: no environment builds "{0}"', target.local?.branch ?? '') });
      await chosen?.run();
      return;
    }
    if (!target || target.status !== 'linked' || !target.link) {
      await link(target?.folder);
      return;
    }
    const c = target.link;
    const choices: { label: string; run: () => unknown }[] = [
      { label: vscode.l10n.t('$(link-external) Open in Qovery Console'), run: () => vscode.env.openExternal(vscode.Uri.parse(serviceConsoleUrl(c))) },
      { label: vscode.l10n.t('$(refresh) Refresh State'), run: () => links.statuses.refresh(c.environmentId) },
      // The deploy feature's entries (its commands take the linked service when given no argument).
      { label: vscode.l10n.t('$(rocket) Deploy'), run: () => executeCommand(Commands.deploy) },
      { label: vscode.l10n.t('$(history) Show Deployment History'), run: () => executeCommand(Commands.showDeploymentHistory) },
      { label: vscode.l10n.t('$(globe) Open Service URL'), run: () => executeCommand(Commands.openServiceUrl) },
      { label: vscode.l10n.t('$(link) Link to Another Service…'), run: () => link(target.folder) },
      { label: vscode.l10n.t('$(debug-disconnect) Unlink'), run: () => links.unlink(target.folder) },
      ...(c.environmentMode === 'PREVIEW' ? [{ label: vscode.l10n.t('$(trash) Delete Preview Environment…'), run: () => executeCommand(Commands.deletePreview) }] : []),
      // The logs feature's entries.
      { label: vscode.l10n.t('$(output) Show Deployment Logs'), run: () => executeCommand(Commands.showDeploymentLogs, c) },
      { label: vscode.l10n.t('$(pulse) Show Service Logs'), run: () => executeCommand(Commands.showServiceLogs, c) },
      // The shell feature's entry.
      { label: vscode.l10n.t('$(terminal) Open Shell'), run: () => executeCommand(Commands.openShell, c) },
      { label: vscode.l10n.t('$(arrow-swap) Forward Port…'), run: () => executeCommand(Commands.forwardPort, c) },
    ];
    const picked = await ui.prompter.quickPick(choices, { title: vscode.l10n.t('Qovery: {0} · {1}', c.serviceName, c.environmentName) });
    await picked?.run();
  }

  return { link, unlink, actions };
}

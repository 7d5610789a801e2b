// What a user sees and does in the VS Code window, in terms of the workbench's DOM: the activity bar,
// the Qovery view, the status bar, the command palette, input boxes, notifications and dialogs.
// Every read waits for its element; nothing sleeps for a fixed time.

export const TIMEOUT = 30_000;

/** Polls `read` until `accept` holds for its value; the error names what was expected and what was seen. */
export async function waitFor(what, read, accept, { timeout = TIMEOUT, interval = 100 } = {}) {
  const deadline = Date.now() + timeout;
  let last;
  let lastError;
  for (;;) {
    try {
      last = await read();
      lastError = undefined;
      if (accept(last)) {
        return last;
      }
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const seen = lastError ? `error: ${lastError.message}` : JSON.stringify(last);
      throw new Error(`timed out after ${timeout} ms waiting for ${what}; last seen: ${seen}`);
    }
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}

const matches = (pattern, text) => (typeof pattern === 'string' ? text.includes(pattern) : pattern.test(text));
const oneLine = (text) => text.replace(/\s+/g, ' ').trim();

export class Workbench {
  /**
   * @param page the playwright page showing the workbench
   * @param manifest the extension's package.json (ids of its status bar item and view container)
   */
  constructor(page, manifest) {
    this.page = page;
    this.manifest = manifest;
    this.extensionId = `${manifest.publisher}.${manifest.name}`;
  }

  // --- Loading --------------------------------------------------------------------------------

  async waitForWorkbench(timeout = 120_000) {
    await this.page.locator('.monaco-workbench .part.statusbar').waitFor({ timeout });
  }

  // --- Status bar -----------------------------------------------------------------------------

  statusItem(itemId = 'qovery.status') {
    return this.page.locator(`.part.statusbar [id="${this.extensionId}.${itemId}"]`);
  }

  /** The visible text of the status bar item, the codicon it starts with and its background (read at once). */
  async readStatus(itemId) {
    return this.statusItem(itemId).evaluate(
      (item) => {
        const label = item.querySelector('.statusbar-item-label');
        const icon = [...(label?.querySelector('.codicon')?.classList ?? [])].find((c) => c.startsWith('codicon-') && c !== 'codicon-modifier-spin');
        return {
          text: (label?.textContent ?? '').replace(/\s+/g, ' ').trim(),
          icon: icon?.slice('codicon-'.length),
          background: getComputedStyle(item).backgroundColor,
        };
      },
      undefined,
      { timeout: 1000 },
    );
  }

  /** options.itemId: another item of the extension (default the auth item). */
  async waitForStatus(pattern, options) {
    return waitFor(`the status bar to read ${pattern}`, () => this.readStatus(options?.itemId), (s) => matches(pattern, s.text), options);
  }

  /** Hovers the status bar item and returns the tooltip's lines; the tooltip stays open. */
  async statusTooltip(itemId) {
    await this.moveMouseAway();
    await this.statusItem(itemId).hover();
    const hover = this.page.locator('.workbench-hover').last();
    await hover.waitFor({ state: 'visible', timeout: 10_000 });
    const text = await waitFor('the tooltip text', () => hover.innerText(), (t) => t.trim().length > 0);
    return text.split('\n').map((l) => l.trim()).filter(Boolean);
  }

  async moveMouseAway() {
    const { width, height } = this.page.viewportSize();
    await this.page.mouse.move(Math.round(width * 0.7), Math.round(height * 0.4));
    await this.page.locator('.workbench-hover').waitFor({ state: 'hidden', timeout: 5000 }).catch(() => undefined);
  }

  /** Gives the focus to the (empty) editor area, as a user clicking there does. */
  async focusEditorArea() {
    const editor = this.page.locator('.part.editor');
    const box = await editor.boundingBox();
    await this.page.mouse.click(box.x + box.width / 2, box.y + box.height - 40);
    await this.moveMouseAway();
  }

  async toggleSideBar() {
    await this.runCommand('View: Toggle Primary Side Bar Visibility');
  }

  // --- Activity bar and the Qovery view -------------------------------------------------------

  activityBarItem(label = 'Qovery') {
    return this.page.locator(`.activitybar .action-item a[aria-label^="${label}"]`);
  }

  viewContainer() {
    const container = this.manifest.contributes.viewsContainers.activitybar[0].id;
    return this.page.locator(`[id="workbench.view.extension.${container}"]`);
  }

  /** Opens the Qovery view from the activity bar (clicking it when it is already open would close it). */
  async openView() {
    const item = this.activityBarItem();
    await item.waitFor({ timeout: TIMEOUT });
    const open = await this.viewContainer().isVisible();
    if (!open) {
      await item.click();
    }
    await this.viewContainer().waitFor({ state: 'visible', timeout: TIMEOUT });
  }

  /** Collapses every row with the view's "Collapse All" title action. */
  async collapseAll() {
    await this.page.locator('.part.sidebar a.codicon-collapse-all >> visible=true').first().click();
    await waitFor('every row to be collapsed', () => this.treeRows(), (rows) => rows.every((r) => r.level === 1 && r.expanded !== true));
  }

  /**
   * Waits until the view shows no progress and its rows stopped changing for `quietMs`. A click that
   * lands while the tree re-renders its rows can select a row without running the row's command.
   */
  async waitForViewSettled({ quietMs = 300, timeout = TIMEOUT } = {}) {
    const busy = this.viewContainer().locator('.monaco-progress-container.active:not(.done)');
    await waitFor('the Qovery view to finish loading', () => busy.count(), (n) => n === 0, { timeout });
    const settled = await this.viewContainer().evaluate(
      (container, { quiet, limit }) =>
        new Promise((resolve) => {
          let timer;
          const observer = new window.MutationObserver(() => {
            clearTimeout(timer);
            timer = setTimeout(done, quiet);
          });
          const deadline = setTimeout(() => finish(false), limit);
          function finish(result) {
            observer.disconnect();
            clearTimeout(timer);
            clearTimeout(deadline);
            resolve(result);
          }
          function done() {
            finish(true);
          }
          observer.observe(container, { childList: true, subtree: true, attributes: true, characterData: true });
          timer = setTimeout(done, quiet);
        }),
      { quiet: quietMs, limit: timeout },
    );
    if (!settled) {
      throw new Error(`the Qovery view kept changing for ${timeout} ms`);
    }
  }

  /** The welcome content of the view (shown when the tree is empty), as text. */
  welcome() {
    return this.viewContainer().locator('.welcome-view-content');
  }

  async waitForWelcome(pattern, options) {
    return waitFor(
      `the view's welcome text to show ${pattern}`,
      async () => ((await this.welcome().count()) > 0 && (await this.welcome().first().isVisible()) ? oneLine(await this.welcome().first().innerText()) : ''),
      (t) => matches(pattern, t),
      options,
    );
  }

  async clickWelcomeButton(label) {
    const button = this.welcome().locator('.monaco-button', { hasText: label }).first();
    await button.waitFor({ state: 'visible', timeout: TIMEOUT });
    await button.click();
  }

  /** The rows of the tree, top to bottom: label, description, level (1 = top), expanded, icon. */
  async treeRows() {
    return this.viewContainer()
      .locator('.monaco-list-row[role="treeitem"]')
      .evaluateAll((rows) =>
        rows
          .map((row) => ({
            top: parseFloat(row.style.top) || 0,
            label: row.querySelector('.label-name')?.textContent?.trim() ?? '',
            description: row.querySelector('.label-description')?.textContent?.trim() ?? '',
            level: Number(row.getAttribute('aria-level')),
            expanded: row.hasAttribute('aria-expanded') ? row.getAttribute('aria-expanded') === 'true' : undefined,
            icon: [...(row.querySelector('.custom-view-tree-node-item-icon')?.classList ?? [])].find((c) => c.startsWith('codicon-') && c !== 'codicon')?.slice(8),
          }))
          .sort((a, b) => a.top - b.top)
          .map(({ top: _top, ...rest }) => rest),
      );
  }

  /** The row whose label is `label` (a string: the whole label; a RegExp: a match), at `level` if given. */
  treeRow(label, level) {
    const levelSelector = level === undefined ? '' : `[aria-level="${level}"]`;
    const text = label instanceof RegExp ? label : new RegExp(`^\\s*${escapeRegExp(label)}\\s*$`);
    return this.viewContainer()
      .locator(`.monaco-list-row[role="treeitem"]${levelSelector}`)
      .filter({ has: this.page.locator('.label-name', { hasText: text }) })
      .first();
  }

  async waitForRow(label, level, options) {
    return waitFor(
      `a tree row "${label}"${level === undefined ? '' : ` at level ${level}`}`,
      () => this.treeRows(),
      (rows) => rows.some((r) => r.label === label && (level === undefined || r.level === level)),
      options,
    );
  }

  /** Expands a row (by clicking its twistie, as a user does) and returns the rows of its children once loaded. */
  async expand(label, level) {
    const row = this.treeRow(label, level);
    await row.waitFor({ timeout: TIMEOUT });
    if ((await row.getAttribute('aria-expanded')) !== 'true') {
      await row.locator('.monaco-tl-twistie').click();
    }
    const rowLevel = Number(await row.getAttribute('aria-level'));
    return waitFor(
      `the children of "${label}"`,
      () => this.treeRows(),
      (rows) => {
        const at = rows.findIndex((r) => r.label === label && r.level === rowLevel);
        return at >= 0 && rows[at].expanded === true && rows[at + 1]?.level === rowLevel + 1;
      },
    ).then((rows) => {
      const at = rows.findIndex((r) => r.label === label && r.level === rowLevel);
      const children = [];
      for (let i = at + 1; i < rows.length && rows[i].level > rowLevel; i++) {
        if (rows[i].level === rowLevel + 1) {
          children.push(rows[i]);
        }
      }
      return children;
    });
  }

  // --- Command palette and quick input --------------------------------------------------------

  quickInput() {
    return this.page.locator('.quick-input-widget');
  }

  /**
   * Runs a command from the command palette (F1), picking the entry whose label is exactly `title`.
   * When something takes the focus while the palette is open (it then closes), the palette is opened again.
   */
  async runCommand(title) {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.#runCommandOnce(title);
        return;
      } catch (error) {
        const closed = !(await this.quickInput().isVisible());
        if (!closed || attempt === 3) {
          throw error;
        }
      }
    }
  }

  async #runCommandOnce(title) {
    await this.closeQuickInput();
    await this.page.keyboard.press('F1');
    const input = this.quickInput().locator('.quick-input-box input');
    await input.waitFor({ state: 'visible', timeout: TIMEOUT });
    await input.fill(`>${title}`, { timeout: 5000 });
    const entry = this.quickInput()
      .locator('.monaco-list-row')
      .filter({ has: this.page.locator('.label-name', { hasText: new RegExp(`^\\s*${escapeRegExp(title)}\\s*$`) }) })
      .first();
    await entry.waitFor({ state: 'visible', timeout: 15_000 }).catch(async (error) => {
      if (!(await this.quickInput().isVisible())) {
        throw error;
      }
      const offered = await this.quickInput().locator('.monaco-list-row .label-name').allInnerTexts();
      throw new Error(`the command palette has no "${title}" (offered: ${offered.join(' | ') || 'nothing'})`);
    });
    await entry.click({ timeout: 5000 });
    // The palette closes, or gives its place to the command's own picker.
    await waitFor(
      `the command palette to run "${title}"`,
      async () => ((await this.quickInput().isVisible()) ? await input.inputValue() : ''),
      (value) => value !== `>${title}`,
    );
  }

  async closeQuickInput() {
    if (await this.quickInput().isVisible()) {
      await this.page.keyboard.press('Escape');
      await this.quickInput().waitFor({ state: 'hidden', timeout: 5000 });
    }
  }

  /** Waits for an input box (or quick pick) whose title contains `title`; returns its parts. */
  async waitForInputBox(title) {
    const widget = this.quickInput();
    await widget.locator('.quick-input-title', { hasText: title }).waitFor({ state: 'visible', timeout: TIMEOUT });
    const input = widget.locator('.quick-input-box input');
    return {
      widget,
      input,
      title: oneLine(await widget.locator('.quick-input-title').innerText()),
      type: await input.getAttribute('type'),
      message: async () => oneLine(await widget.locator('.quick-input-message').innerText().catch(() => '')),
    };
  }

  /** Waits for a quick pick that has no title (such as the ones of workbench commands); returns its input. */
  async waitForQuickPick() {
    const input = this.quickInput().locator('.quick-input-box input');
    await input.waitFor({ state: 'visible', timeout: TIMEOUT });
    await waitFor('a picker other than the command palette', () => input.inputValue(), (value) => !value.startsWith('>'));
    return input;
  }

  /** Picks the color theme as a user does ("Preferences: Color Theme"). */
  async selectColorTheme(name) {
    await this.runCommand('Preferences: Color Theme');
    await this.waitForQuickPick();
    await this.quickInput()
      .locator('.monaco-list-row')
      .filter({ has: this.page.locator('.label-name', { hasText: new RegExp(`^\\s*${escapeRegExp(name)}\\s*$`) }) })
      .first()
      .click();
    await this.quickInput().waitFor({ state: 'hidden', timeout: TIMEOUT });
  }

  /** Types into the open input box as a user does (key by key) and presses Enter. */
  async typeAndSubmit(text) {
    const input = this.quickInput().locator('.quick-input-box input');
    await input.fill('');
    await input.pressSequentially(text, { delay: 0 });
    await this.page.keyboard.press('Enter');
  }

  // --- Walkthroughs ---------------------------------------------------------------------------

  /** Opens a walkthrough by its title ("Welcome: Open Walkthrough..."); returns its steps once shown. */
  async openWalkthrough(title, stepCount) {
    await this.runCommand('Welcome: Open Walkthrough...');
    const input = await this.waitForQuickPick();
    await input.fill(title);
    await this.quickInput().locator('.monaco-list-row', { hasText: title }).first().click();
    const editor = this.walkthroughEditor();
    await editor.locator('.category-title', { hasText: title }).first().waitFor({ state: 'visible', timeout: TIMEOUT });
    return waitFor(
      `the ${stepCount} steps of the walkthrough`,
      () =>
        editor.locator('.getting-started-step').evaluateAll((els) =>
          els.map((el) => ({
            id: el.getAttribute('data-step-id')?.split('#').at(-1),
            title: el.querySelector('.step-title')?.textContent?.trim(),
            done: el.getAttribute('aria-checked') === 'true',
          })),
        ),
      (steps) => steps.length === stepCount,
    );
  }

  walkthroughEditor() {
    return this.page.locator('.gettingStartedContainer');
  }

  /** The document of the selected walkthrough step's markdown page (a webview: two nested frames). */
  walkthroughMedia() {
    return this.page.frameLocator('.gettingStartedContainer iframe.webview').first().frameLocator('iframe#active-frame');
  }

  /** Closes the walkthrough with the close button of its tab. */
  async closeWalkthrough() {
    const tab = this.page.locator('.tabs-container .tab', { hasText: 'Walkthrough' }).first();
    await tab.hover();
    await tab.locator('.tab-actions .action-label').first().click();
    await this.walkthroughEditor().waitFor({ state: 'hidden', timeout: TIMEOUT });
  }

  // --- Notifications and dialogs --------------------------------------------------------------

  toast(pattern) {
    return this.page.locator('.notifications-toasts .notification-toast', { hasText: pattern }).first();
  }

  /** Waits for a notification toast whose text matches; returns its message text and button labels. */
  async waitForToast(pattern, options = {}) {
    const toast = this.toast(pattern);
    const since = Date.now() - 60_000;
    await toast.waitFor({ state: 'visible', timeout: options.timeout ?? TIMEOUT }).catch(async (error) => {
      const shown = await this.notificationTexts();
      const history = (await this.notificationHistory(since)).map((n) => `${new Date(n.at).toISOString().slice(11, 23)} ${JSON.stringify(n.text)}`);
      throw new Error(
        `no notification matching ${pattern} (on screen: ${shown.length > 0 ? shown.map((t) => JSON.stringify(t)).join(', ') : 'none'}; ` +
          `seen in the last minute: ${history.join(', ') || 'none'}): ${error.message.split('\n')[0]}`,
      );
    });
    return {
      toast,
      message: oneLine(await toast.locator('.notification-list-item-message').first().innerText()),
      severity: await toast
        .locator('.notification-list-item-icon')
        .first()
        .evaluate((el) => ['error', 'warning', 'info'].find((s) => el.classList.contains(`codicon-${s}`))),
      buttons: (await toast.locator('.notification-list-item-buttons-container .monaco-button').allInnerTexts()).map(oneLine),
    };
  }

  /** Shows the whole message of a toast (its "Expand" action), as a user does for a long message. */
  async expandToast(pattern) {
    const toast = this.toast(pattern);
    await toast.hover();
    const expand = toast.locator('.codicon-notifications-expand');
    if ((await expand.count()) > 0 && (await expand.first().isVisible())) {
      await expand.first().click();
      await toast.locator('.codicon-notifications-collapse').first().waitFor({ state: 'attached', timeout: 5000 });
    }
  }

  async clickToastButton(pattern, label) {
    const toast = this.toast(pattern);
    await toast.locator('.monaco-button', { hasText: label }).first().click();
    await toast.waitFor({ state: 'hidden', timeout: TIMEOUT });
  }

  /** Records every notification message that appears from now on (read it with notificationHistory). */
  async recordNotifications() {
    await this.page.evaluate(() => {
      const seen = (window.__qoveryE2eNotifications = []);
      const note = (el) => {
        const text = el.textContent.trim();
        if (text && seen.at(-1)?.text !== text) {
          seen.push({ at: Date.now(), text });
        }
      };
      new window.MutationObserver((mutations) => {
        for (const m of mutations) {
          for (const node of m.addedNodes) {
            if (node.nodeType === 1) {
              node.querySelectorAll?.('.notification-list-item-message').forEach(note);
              if (node.classList?.contains('notification-list-item-message')) {
                note(node);
              }
            }
          }
        }
      }).observe(document.body, { childList: true, subtree: true });
    });
  }

  /** The notifications seen since `since` (ms since epoch), oldest first. */
  async notificationHistory(since = 0) {
    return this.page.evaluate((from) => (window.__qoveryE2eNotifications ?? []).filter((n) => n.at >= from), since);
  }

  /** The messages of every notification, in toasts and in the notification center (shown or not). */
  async notificationTexts() {
    return this.page
      .locator('.notifications-toasts .notification-list-item-message, .notifications-center .notification-list-item-message')
      .evaluateAll((els) => [...new Set(els.map((el) => el.textContent.trim()))]);
  }

  /** Whether the bell in the status bar has a dot: notifications that were not shown as toasts. */
  async hasUnreadNotifications() {
    return (await this.page.locator('.part.statusbar [id="status.notifications"] .codicon-bell-dot').count()) > 0;
  }

  /** Waits until no notification toast is on screen (progress toasts close by themselves). */
  async waitForNoToasts(options) {
    const toasts = this.page.locator('.notifications-toasts .notification-toast');
    await waitFor('the notification toasts to close', () => toasts.count(), (n) => n === 0, options);
  }

  /** Closes every notification (the workbench command "Notifications: Clear All Notifications"). */
  async clearNotifications() {
    if ((await this.page.locator('.notifications-toasts .notification-toast').count()) === 0) {
      return;
    }
    await this.runCommand('Notifications: Clear All Notifications');
    await this.page.locator('.notifications-toasts .notification-toast').first().waitFor({ state: 'hidden', timeout: TIMEOUT });
  }

  dialog() {
    return this.page.locator('.monaco-dialog-box');
  }

  /** Waits for a modal dialog; returns its message, detail and button labels. */
  async waitForDialog() {
    const box = this.dialog();
    await box.waitFor({ state: 'visible', timeout: TIMEOUT });
    return {
      message: oneLine(await box.locator('.dialog-message-text').innerText()),
      detail: oneLine(await box.locator('.dialog-message-detail').innerText().catch(() => '')),
      buttons: (await box.locator('.dialog-buttons .monaco-button').allInnerTexts()).map(oneLine),
    };
  }

  async clickDialogButton(label) {
    await this.dialog().locator('.dialog-buttons .monaco-button', { hasText: new RegExp(`^\\s*${escapeRegExp(label)}\\s*$`) }).click();
    await this.dialog().waitFor({ state: 'hidden', timeout: TIMEOUT });
  }

  // --- Screenshots ----------------------------------------------------------------------------

  /** The smallest rectangle holding every locator's box, grown by `padding` and kept inside the page. */
  async regionAround(locators, padding = 8) {
    const boxes = [];
    for (const locator of locators) {
      const box = await locator.boundingBox();
      if (box) {
        boxes.push(box);
      }
    }
    if (boxes.length === 0) {
      return undefined;
    }
    const { width, height } = this.page.viewportSize();
    const x = Math.max(0, Math.min(...boxes.map((b) => b.x)) - padding);
    const y = Math.max(0, Math.min(...boxes.map((b) => b.y)) - padding);
    const right = Math.min(width, Math.max(...boxes.map((b) => b.x + b.width)) + padding);
    const bottom = Math.min(height, Math.max(...boxes.map((b) => b.y + b.height)) + padding);
    return { x, y, width: right - x, height: bottom - y };
  }
}

export function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

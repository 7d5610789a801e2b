// The activation benchmark's floor: an extension that VS Code loads and activates, and nothing more.
export function activate(): void {}

export function deactivate(): void {}

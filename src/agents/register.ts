// The language model tools, registered when the host has the API (VS Code 1.95+): a host without
// `vscode.lm.registerTool` gets nothing and no error. The manifest declares them
// (`contributes.languageModelTools`); this gives their code.
import * as vscode from 'vscode';
import type { IDisposable } from '../lifecycle';
import type { AgentTools, ToolInput } from './tools';

/** The ids of package.json's `languageModelTools`. */
export const ReadTools = {
  lastDeployment: 'qovery_lastDeployment',
  serviceStatus: 'qovery_serviceStatus',
  recentLogs: 'qovery_recentLogs',
  deploymentLog: 'qovery_deploymentLog',
  deploymentHistory: 'qovery_deploymentHistory',
  variables: 'qovery_variables',
} as const;

/** The part of the 1.95 API used here (the types of the 1.90 floor do not have it). */
interface LmToolsApi {
  registerTool(
    name: string,
    tool: {
      invoke(options: { input: unknown }, token: vscode.CancellationToken): Promise<unknown>;
      prepareInvocation?(options: { input: unknown }, token: vscode.CancellationToken): Promise<{ invocationMessage?: string; confirmationMessages?: { title: string; message: string } } | undefined>;
    },
  ): IDisposable;
}
interface LmClasses {
  LanguageModelToolResult: new (parts: unknown[]) => unknown;
  LanguageModelTextPart: new (value: string) => unknown;
}

/** The tools API when the host has it. */
export function toolsApi(): (LmToolsApi & LmClasses) | undefined {
  const lm = (vscode as unknown as { lm?: Partial<LmToolsApi> }).lm;
  const classes = vscode as unknown as Partial<LmClasses>;
  return typeof lm?.registerTool === 'function' && classes.LanguageModelToolResult && classes.LanguageModelTextPart
    ? { registerTool: lm.registerTool.bind(lm), LanguageModelToolResult: classes.LanguageModelToolResult, LanguageModelTextPart: classes.LanguageModelTextPart }
    : undefined;
}

export function inputOf(input: unknown): ToolInput {
  const o = input && typeof input === 'object' ? (input as Record<string, unknown>) : {};
  return {
    serviceId: typeof o.serviceId === 'string' ? o.serviceId : undefined,
    filter: typeof o.filter === 'string' ? o.filter : undefined,
    pod: typeof o.pod === 'string' ? o.pod : undefined,
    count: typeof o.count === 'number' ? o.count : undefined,
  };
}

/** Registers the read tools; none when the host has no tools API. */
export function registerReadTools(tools: AgentTools): IDisposable[] {
  const api = toolsApi();
  if (!api) {
    return [];
  }
  const text = (answer: string): unknown => new api.LanguageModelToolResult([new api.LanguageModelTextPart(answer)]);
  const table: Record<string, (input: ToolInput) => Promise<string>> = {
    [ReadTools.lastDeployment]: (i) => tools.lastDeployment(i),
    [ReadTools.serviceStatus]: (i) => tools.serviceStatus(i),
    [ReadTools.recentLogs]: (i) => tools.recentLogs(i),
    [ReadTools.deploymentLog]: (i) => tools.deploymentLog(i),
    [ReadTools.deploymentHistory]: (i) => tools.deploymentHistory(i),
    [ReadTools.variables]: (i) => tools.variables(i),
  };
  return Object.entries(table).map(([name, run]) => api.registerTool(name, { invoke: async (options) => text(await run(inputOf(options.input))) }));
}

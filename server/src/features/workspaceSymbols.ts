// Workspace symbols (Ctrl+T): every plan by its phase number and name, its steps and its task
// IDs, across open and unopened plans, each with its plan as container. Reads the workspace
// index's summaries only.
import { SymbolKind, type SymbolInformation } from 'vscode-languageserver-types';
import type { WorkspacePlan } from '../../../shared/protocol';
import { runToEnd } from '../workspace/steps';
import { byPhase, planLabel } from '../workspace/summary';

/** Results beyond this are dropped; the editor asks again as the query narrows. */
export const MAX_WORKSPACE_SYMBOLS = 5000;

/**
 * VS Code's rule for a query: its characters appear in the name in order, ignoring case
 * (so "t4" finds TASK_004 and "ph3" "Phase 3: Billing").
 */
export function matchesQuery(name: string, query: string): boolean {
  const q = query.replace(/\s+/g, '').toLowerCase();
  if (!q) return true;
  const n = name.toLowerCase();
  let at = 0;
  for (const c of q) {
    at = n.indexOf(c, at);
    if (at < 0) return false;
    at++;
  }
  return true;
}

export function workspaceSymbols(plans: WorkspacePlan[], query: string): SymbolInformation[] {
  return runToEnd(workspaceSymbolSteps(plans, query));
}

/** workspaceSymbols as steps that yield between plans (the server cancels them, steps.ts). */
export function* workspaceSymbolSteps(plans: WorkspacePlan[], query: string): Generator<void, SymbolInformation[]> {
  const out: SymbolInformation[] = [];
  const add = (symbol: SymbolInformation) => {
    if (out.length < MAX_WORKSPACE_SYMBOLS && matchesQuery(symbol.name, query)) out.push(symbol);
  };
  for (const plan of [...plans].sort(byPhase)) {
    yield;
    const container = planLabel(plan);
    const planRange = plan.phase?.range ?? plan.steps[0]?.range ?? { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
    add({ name: container, kind: SymbolKind.File, location: { uri: plan.uri, range: planRange }, containerName: plan.title });
    for (const step of plan.steps) add({ name: step.title, kind: SymbolKind.Namespace, location: { uri: plan.uri, range: step.range }, containerName: container });
    for (const task of plan.tasks) add({ name: task.id, kind: SymbolKind.Event, location: { uri: plan.uri, range: task.range }, containerName: container });
    if (out.length >= MAX_WORKSPACE_SYMBOLS) break;
  }
  return out;
}

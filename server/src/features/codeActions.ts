// Quick fixes for planmark diagnostics. Each is computed against the plan version the client
// asked about and applied by the client as one WorkspaceEdit.
import { CodeActionKind, type CodeAction, type Diagnostic, type TextEdit } from 'vscode-languageserver-types';
import type { Plan } from '../plan';
import type { DiagnosticData } from './diagnostics';
import { addDependencyEdit, addGraphEdgesEdit, addTaskRowEdit, insertSectionEdit } from './planEdits';
import { toRange } from './util';

function fix(plan: Plan, title: string, diagnostic: Diagnostic, edits: (TextEdit | undefined)[], preferred = true): CodeAction | undefined {
  const valid = edits.filter((e): e is TextEdit => !!e);
  if (!valid.length) return undefined;
  return {
    title,
    kind: CodeActionKind.QuickFix,
    diagnostics: [diagnostic],
    isPreferred: preferred,
    edit: { changes: { [plan.uri]: valid } },
  };
}

export function codeActions(plan: Plan, diagnostics: Diagnostic[]): CodeAction[] {
  const out: CodeAction[] = [];
  for (const diagnostic of diagnostics) {
    if (diagnostic.source !== 'planmark') continue;
    const data = (diagnostic.data ?? {}) as DiagnosticData;
    let action: CodeAction | undefined;
    switch (diagnostic.code) {
      case 'unknown-task':
      case 'step-unknown-task':
      case 'graph-unknown-task':
        if (data.id) action = fix(plan, `Add a row for ${data.id} to the task table`, diagnostic, [addTaskRowEdit(plan, data.id, [], 'X')]);
        break;
      case 'graph-missing-edge':
        if (data.from && data.to) {
          action = fix(plan, `Add ${data.from} --> ${data.to} to the mermaid graph`, diagnostic, [addGraphEdgesEdit(plan, [{ from: data.from, to: data.to }])]);
        }
        break;
      case 'table-missing-edge': {
        const task = data.to ? plan.taskById.get(data.to) : undefined;
        if (task && data.from) action = fix(plan, `Add ${data.from} to the Depends On of ${data.to}`, diagnostic, [addDependencyEdit(plan, task, [data.from])]);
        break;
      }
      case 'missing-section':
        if (data.section) action = fix(plan, `Insert the "${data.section}" section from the template`, diagnostic, [insertSectionEdit(plan, data.section)]);
        break;
      case 'duplicate-dependency':
        if (data.remove && data.remove.end <= plan.text.length) {
          action = fix(plan, `Remove the duplicate ${data.id ?? 'dependency'}`, diagnostic, [{ range: toRange(plan, data.remove), newText: '' }]);
        }
        break;
    }
    if (action) out.push(action);
  }
  return out;
}

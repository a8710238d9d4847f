// Quick fixes for planmark diagnostics. Each is computed against the plan version the client
// asked about and applied by the client as one WorkspaceEdit.
import { CodeActionKind, type CodeAction, type Diagnostic, type TextEdit } from 'vscode-languageserver-types';
import { dependencyGraph, edgeKey, headingMatchesSection, nearTemplateSection, type Plan } from '../plan';
import { unclosedFence, type DiagnosticData } from './diagnostics';
import { eolOf } from './planEdits';
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

function diagnosticLine(plan: Plan, offset: number): number {
  return plan.lines.positionAt(offset).line + 1;
}

/** The edge is stated in `source` and not in the other one. */
function statedOnlyIn(plan: Plan, from: string, to: string, source: 'table' | 'mermaid'): boolean {
  const s = dependencyGraph(plan).statements.get(edgeKey(from, to));
  return !!s && s[source].length > 0 && s[source === 'table' ? 'mermaid' : 'table'].length === 0;
}

function hasSection(plan: Plan, title: string): boolean {
  return plan.sections.some((s, i) => s.level <= 2 && (i > 0 || s.level > 1) && headingMatchesSection(s.title, title));
}

/** `remove` still ends at a repeated reference to `id` in a Depends On cell, with only separators before it. */
function isDuplicateReference(plan: Plan, id: string, remove: { start: number; end: number }): boolean {
  if (remove.start < 0 || remove.end > plan.text.length || remove.start >= remove.end) return false;
  const task = plan.tasks.find((t) => t.dependsOn.some((r) => r.id === id && r.span.end === remove.end));
  if (!task || task.dependsOn.filter((r) => r.id === id).length < 2) return false;
  const removed = plan.text.slice(remove.start, remove.end);
  return removed.endsWith(id) && /^[\s,;&/]*(?:and\s+)?$/i.test(removed.slice(0, -id.length));
}

/**
 * The data of a diagnostic the client sent back. It comes over the wire, possibly from another
 * version or another client: keep only fields of the expected types.
 */
function readData(raw: unknown): DiagnosticData {
  if (!raw || typeof raw !== 'object') return {};
  const value = raw as Record<string, unknown>;
  const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const data: DiagnosticData = { id: text(value.id), from: text(value.from), to: text(value.to), section: text(value.section) };
  const remove = value.remove as Record<string, unknown> | undefined;
  if (remove && typeof remove === 'object' && Number.isSafeInteger(remove.start) && Number.isSafeInteger(remove.end)) {
    data.remove = { start: remove.start as number, end: remove.end as number };
  }
  return data;
}

export function codeActions(plan: Plan, diagnostics: Diagnostic[]): CodeAction[] {
  const out: CodeAction[] = [];
  for (const diagnostic of diagnostics) {
    if (diagnostic.source !== 'planmark') continue;
    const data = readData(diagnostic.data);
    let action: CodeAction | undefined;
    switch (diagnostic.code) {
      case 'unknown-task':
      case 'step-unknown-task':
      case 'graph-unknown-task':
        if (data.id && !plan.taskById.has(data.id) && plan.mentions.some((m) => m.id === data.id && m.kind !== 'text')) {
          // The new row depends on what the plan already says the task waits for (the graph's
          // `A --> TASK_006`), so adding it does not open a table-missing-edge.
          const id = data.id;
          const prerequisites = (dependencyGraph(plan).prerequisites.get(id) ?? []).filter((p) => p !== id && plan.taskById.has(p));
          action = fix(plan, `Add a row for ${id} to the task table`, diagnostic, [addTaskRowEdit(plan, id, prerequisites, 'X')]);
        }
        break;
      // The client may send a diagnostic computed for an older version: each fix checks that the
      // problem is still there, so it never adds what exists or deletes the wrong text.
      case 'graph-missing-edge':
        if (data.from && data.to && statedOnlyIn(plan, data.from, data.to, 'table')) {
          action = fix(plan, `Add ${data.from} --> ${data.to} to the mermaid graph`, diagnostic, [addGraphEdgesEdit(plan, [{ from: data.from, to: data.to }])]);
        }
        break;
      case 'table-missing-edge': {
        const task = data.to ? plan.taskById.get(data.to) : undefined;
        if (task && data.from && statedOnlyIn(plan, data.from, data.to!, 'mermaid')) action = fix(plan, `Add ${data.from} to the Depends On of ${data.to}`, diagnostic, [addDependencyEdit(plan, task, [data.from])]);
        break;
      }
      case 'missing-section':
        if (data.section && !hasSection(plan, data.section)) action = fix(plan, `Insert the "${data.section}" section from the template`, diagnostic, [insertSectionEdit(plan, data.section)]);
        break;
      case 'misnamed-section': {
        // Rename the heading the diagnostic is on, if it still is a heading near that name.
        const line = diagnostic.range.start.line;
        const section = plan.sections.find((s) => plan.lines.positionAt(s.titleSpan.start).line === line);
        if (data.section && section && !hasSection(plan, data.section) && nearTemplateSection(section.title, [data.section]) === data.section) {
          action = fix(plan, `Rename the heading to "${data.section}"`, diagnostic, [{ range: toRange(plan, section.titleSpan), newText: data.section }]);
        }
        break;
      }
      case 'unclosed-fence': {
        const unclosed = unclosedFence(plan);
        if (unclosed && plan.lines.positionAt(unclosed.fence.openingSpan.start).line === diagnostic.range.start.line) {
          const eol = eolOf(plan);
          const fenceText = unclosed.fence.fenceChar.repeat(unclosed.fence.fenceLength);
          const atEnd = unclosed.closeAt >= plan.text.length;
          const lastBreak = plan.text.endsWith('\n') || plan.text.endsWith('\r');
          // Right after the last line of code before that point, so the blank lines stay outside.
          let at = unclosed.closeAt;
          while (at > unclosed.fence.openingSpan.end && /\s/.test(plan.text[at - 1])) at--;
          const edit =
            at > unclosed.fence.openingSpan.end
              ? { range: toRange(plan, { start: at, end: at }), newText: `${eol}${fenceText}` }
              : { range: toRange(plan, { start: unclosed.closeAt, end: unclosed.closeAt }), newText: atEnd ? `${lastBreak ? '' : eol}${fenceText}${eol}` : `${fenceText}${eol}` };
          action = fix(plan, `Close the code block with ${fenceText}${atEnd ? ' at the end' : ` before line ${diagnosticLine(plan, unclosed.closeAt)}`}`, diagnostic, [edit]);
        }
        break;
      }
      case 'duplicate-dependency':
        if (data.id && data.remove && isDuplicateReference(plan, data.id, data.remove)) {
          action = fix(plan, `Remove the duplicate ${data.id}`, diagnostic, [{ range: toRange(plan, data.remove), newText: '' }]);
        }
        break;
    }
    if (action) out.push(action);
  }
  return out;
}

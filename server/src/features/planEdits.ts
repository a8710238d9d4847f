// Edits that change a plan's structure: add a task row, add graph edges, add a dependency,
// insert a template section, sync the graph and the table. Used by quick fixes and by the
// client's commands; each returns LSP TextEdits against the plan's current text, keeping the
// document's own line endings.
import type { TextEdit } from 'vscode-languageserver-types';
import { dependencyGraph, headingMatchesSection, type MermaidBlock, type Plan, type Span, type TaskDefinition } from '../plan';
import { classifyTable } from '../plan/facts';
import { templateSections } from '../template';
import { sectionKey } from './diagnostics';
import { toRange } from './util';

export function eolOf(plan: Plan): string {
  const m = /\r\n|\n|\r/.exec(plan.text);
  return m ? m[0] : '\n';
}

function insertAt(plan: Plan, offset: number, text: string): TextEdit {
  return { range: toRange(plan, { start: offset, end: offset }), newText: text };
}

function replace(plan: Plan, span: Span, text: string): TextEdit {
  return { range: toRange(plan, span), newText: text };
}

function taskTable(plan: Plan) {
  const first = plan.tasks.find((t) => t.table >= 0);
  if (first) return plan.tables[first.table];
  return plan.tables.find((t) => classifyTable(t.header).kind === 'task');
}

/** A new row for the task table (after its last row), or undefined when the plan has no task table. */
export function addTaskRowEdit(plan: Plan, id: string, dependsOn: string[], hours: string): TextEdit | undefined {
  const table = taskTable(plan);
  if (!table) return undefined;
  const eol = eolOf(plan);
  // The same column detection the parser uses, so the new row is read back as written.
  const columns = classifyTable(table.header);
  const cells = table.header.map((_, i) => {
    if (i === columns.task) return id;
    if (i === columns.dependsOn) return dependsOn.length ? dependsOn.join(', ') : 'None';
    if (i === columns.hours) return hours;
    return '';
  });
  const row = `| ${cells.join(' | ')} |`;
  const end = table.rows.length ? table.rows[table.rows.length - 1].span.end : table.span.end;
  return insertAt(plan, end, eol + row);
}

/**
 * The task graph: the first flowchart that names a task, else a flowchart in the Task Breakdown
 * section. Never another diagram (an architecture flowchart), which an edit would wreck.
 */
function graphBlock(plan: Plan): MermaidBlock | undefined {
  const named = plan.mermaid.find((m) => m.flowchart?.nodes.some((n) => n.taskId));
  if (named) return named;
  const breakdown = plan.sections.findIndex((s, i) => i > 0 && headingMatchesSection(s.title, 'Task Breakdown with Dependencies'));
  const inBreakdown = (section: number) => {
    for (let s = section; s >= 0; s = plan.sections[s].parent) if (s === breakdown) return true;
    return false;
  };
  return plan.mermaid.find((m) => m.flowchart && breakdown >= 0 && inBreakdown(m.section));
}

/** Mermaid-safe alias for a task that has no node yet. */
function aliasFor(id: string): string {
  return id.replace(/[^A-Za-z0-9_]/g, '_');
}

/** Lines to append to the graph, and where: before the closing fence, indented like the block. */
function graphInsertion(plan: Plan, block: MermaidBlock): { offset: number; indent: string } {
  const content = plan.text.slice(block.contentStart, block.span.end);
  const indentMatch = /\n([ \t]+)\S/.exec('\n' + content);
  const closing = plan.text.lastIndexOf('\n', block.span.end - 1);
  const offset = closing >= block.contentStart ? (plan.text[closing - 1] === '\r' ? closing - 1 : closing) : block.span.end;
  return { offset, indent: indentMatch ? indentMatch[1] : '    ' };
}

/** Adds `from --> to` edges to the task graph, declaring nodes for tasks it lacks. */
export function addGraphEdgesEdit(plan: Plan, edges: { from: string; to: string }[], extraNodes: string[] = []): TextEdit | undefined {
  const block = graphBlock(plan);
  if (!block) return undefined;
  const chart = block.flowchart!;
  const aliasOf = new Map<string, string>();
  for (const n of chart.nodes) if (n.taskId && !aliasOf.has(n.taskId)) aliasOf.set(n.taskId, n.alias);
  const used = new Set(chart.nodes.map((n) => n.alias));
  const nodeRef = (id: string) => {
    const alias = aliasOf.get(id);
    if (alias) return alias;
    let fresh = aliasFor(id);
    while (used.has(fresh)) fresh += '_';
    used.add(fresh);
    aliasOf.set(id, fresh);
    return fresh === id ? id : `${fresh}[${id}]`;
  };
  const { offset, indent } = graphInsertion(plan, block);
  const eol = eolOf(plan);
  const lines: string[] = [];
  for (const id of extraNodes) if (!aliasOf.has(id)) lines.push(indent + nodeRef(id));
  for (const e of edges) lines.push(`${indent}${nodeRef(e.from)} --> ${nodeRef(e.to)}`);
  if (!lines.length) return undefined;
  return insertAt(plan, offset, eol + lines.join(eol));
}

function isNoneCell(text: string): boolean {
  return /^(none|-|—|n\/a|)$/i.test(text.trim());
}

/** Adds `prerequisite` to the Depends On cell of `task`. */
export function addDependencyEdit(plan: Plan, task: TaskDefinition, prerequisites: string[]): TextEdit | undefined {
  const cell = task.dependsOnCell;
  if (!cell || prerequisites.length === 0) return undefined;
  if (isNoneCell(cell.text)) {
    const text = prerequisites.join(', ');
    if (cell.span.start === cell.span.end) {
      // An empty cell: replace the blank between its pipes, "|  |" -> "| TASK_001 |".
      let start = cell.span.start;
      let end = cell.span.end;
      while (start > 0 && /[ \t]/.test(plan.text[start - 1])) start--;
      while (end < plan.text.length && /[ \t]/.test(plan.text[end])) end++;
      return replace(plan, { start, end }, ` ${text} `);
    }
    return replace(plan, cell.span, text);
  }
  return insertAt(plan, cell.span.end, prerequisites.map((p) => `, ${p}`).join(''));
}

/** Lists a task in a step's **Tasks:** field. */
export function addTaskToStepEdit(plan: Plan, stepTitle: string, id: string): TextEdit | undefined {
  const step = plan.steps.find((s) => s.title === stepTitle);
  const field = step?.tasksField;
  if (!field || step!.tasks.some((t) => t.id === id)) return undefined;
  const value = field.value;
  if (value === '' || (/^\[[^\]]*\]$/.test(value) && step!.tasks.length === 0)) {
    // "**Tasks:**" with nothing after it: keep a space after the key.
    const spaced = /[ \t]$/.test(plan.text.slice(0, field.valueSpan.start)) ? '' : ' ';
    return replace(plan, field.valueSpan, `${spaced}[${id}]`);
  }
  const close = value.lastIndexOf(']');
  if (value.startsWith('[') && close > 0) return insertAt(plan, field.valueSpan.start + close, `, ${id}`);
  return insertAt(plan, field.valueSpan.end, `, ${id}`);
}

/** Inserts a template section before the next template section the plan has, or at the end. */
export function insertSectionEdit(plan: Plan, title: string): TextEdit | undefined {
  const sections = templateSections();
  const wanted = sections.find((s) => sectionKey(s.title) === sectionKey(title));
  if (!wanted) return undefined;
  const eol = eolOf(plan);
  const body = wanted.text.replace(/\r?\n/g, eol);
  const present = (t: string, level: number) =>
    plan.sections.find(
      (s) => s.level === level && (sectionKey(s.title) === sectionKey(t) || (level === 2 && headingMatchesSection(s.title, t))),
    );
  // Sub-sections go inside their parent when the plan has it.
  let scopeEnd = plan.text.length;
  if (wanted.level === 3 && wanted.parentTitle) {
    const parent = present(wanted.parentTitle, 2);
    if (parent) scopeEnd = parent.span.end;
  }
  for (const later of sections.filter((s) => s.order > wanted.order && s.level <= wanted.level)) {
    const found = present(later.title, later.level);
    if (found && found.headingSpan.start <= scopeEnd) {
      return insertAt(plan, found.headingSpan.start, body + eol);
    }
  }
  // No later section: before the sign-off footer's rule if there is one, else at the end.
  const footerRule = scopeEnd === plan.text.length ? footerRuleStart(plan.text) : -1;
  if (footerRule >= 0) return insertAt(plan, footerRule, body + eol);
  const needsBreak = scopeEnd > 0 && !endsWithBlankLine(plan.text.slice(0, scopeEnd));
  const prefix = scopeEnd === 0 ? '' : needsBreak ? (plan.text.slice(0, scopeEnd).endsWith('\n') ? eol : eol + eol) : '';
  return insertAt(plan, scopeEnd, prefix + body);
}

/**
 * Start of the first `---` line that has a sign-off field (**Created By:** or **Approved:**) after
 * it, or -1. What /(?:^|\r?\n)---[ \t]*\r?\n(?=[\s\S]*\*\*(Created By|Approved)[:*])/ finds, in linear
 * time: that lookahead rescans the rest of the text at every `---` line.
 */
function footerRuleStart(text: string): number {
  let lastField = -1;
  const field = /\*\*(?:Created By|Approved)[:*]/g;
  for (let m = field.exec(text); m; m = field.exec(text)) lastField = m.index;
  if (lastField < 0) return -1;
  for (let p = text.indexOf('---'); p >= 0 && p < lastField; p = text.indexOf('---', p + 1)) {
    if (p > 0 && text[p - 1] !== '\n') continue;
    let q = p + 3;
    while (text[q] === ' ' || text[q] === '\t') q++;
    if (text[q] === '\r') q++;
    if (text[q] !== '\n') continue;
    if (q + 1 <= lastField) return p;
  }
  return -1;
}

/** The text ends with a blank line (/\n\s*\n$/, which backtracks quadratically on long blank runs). */
function endsWithBlankLine(text: string): boolean {
  if (!text.endsWith('\n')) return false;
  for (let i = text.length - 2; i >= 0 && /\s/.test(text[i]); i--) if (text[i] === '\n') return true;
  return false;
}

/** A node label as mermaid reads it: quoted when it holds characters that end or shape a label. */
function mermaidLabel(label: string): string {
  if (/^[^[\](){}<>|"`;%@#&]*$/.test(label) && label.trim() === label && label !== '') return label;
  return `"${label.replace(/"/g, '#quot;')}"`;
}

/** Rewrites the task graph so it states exactly the table's dependencies. */
export function syncGraphFromTable(plan: Plan): TextEdit[] | string {
  const block = graphBlock(plan);
  if (plan.tasks.length === 0) return 'The plan has no task table to take dependencies from.';
  const graph = dependencyGraph(plan);
  let missing = 0;
  let extra = 0;
  for (const s of graph.statements.values()) {
    if (s.table.length && !s.mermaid.length) missing++;
    if (s.mermaid.length && !s.table.length) extra++;
  }
  const eol = eolOf(plan);
  if (block && missing === 0 && extra === 0) return 'The graph and the table already agree.';
  const chart = block?.flowchart;
  const labelOf = new Map<string, { alias: string; label?: string }>();
  for (const n of chart?.nodes ?? []) if (n.taskId && !labelOf.has(n.taskId)) labelOf.set(n.taskId, { alias: n.alias, label: n.label });
  const indent = block ? graphInsertion(plan, block).indent : '    ';
  const used = new Set<string>();
  const aliasOf = new Map<string, string>();
  const ids = [...new Set(plan.tasks.map((t) => t.id))];
  for (const id of ids) {
    let alias = labelOf.get(id)?.alias ?? aliasFor(id);
    while (used.has(alias)) alias += '_';
    used.add(alias);
    aliasOf.set(id, alias);
  }
  // Keep what comes before the flowchart header: front matter, %%{init}%% directives, comments.
  const preamble: string[] = [];
  if (block) {
    const contentLines = plan.text.slice(block.contentStart, graphInsertion(plan, block).offset).split(/\r?\n/);
    const header = contentLines.findIndex((l) => /^\s*(graph|flowchart(-elk)?)\b/.test(l));
    if (header > 0) preamble.push(...contentLines.slice(0, header));
  }
  const lines = [...preamble, `${chart?.keyword ?? 'graph'} ${chart?.direction ?? 'TD'}`];
  for (const id of ids) {
    const known = labelOf.get(id);
    lines.push(`${indent}${aliasOf.get(id)}[${mermaidLabel(known?.label ?? id)}]`);
  }
  for (const t of plan.tasks) {
    if (plan.taskById.get(t.id) !== t) continue;
    for (const d of new Set(t.dependsOn.map((x) => x.id))) {
      if (d === t.id || !aliasOf.has(d)) continue;
      lines.push(`${indent}${aliasOf.get(d)} --> ${aliasOf.get(t.id)}`);
    }
  }
  // Keep styling and comments the author wrote (those of the preamble are kept above).
  if (block) {
    const content = plan.text.slice(block.contentStart, graphInsertion(plan, block).offset);
    const body = content.split(/\r?\n/).slice(preamble.length);
    for (const line of body) {
      if (/^\s*(classDef|class|style|linkStyle|click)\s/.test(line) || /^\s*%%(?!\{)/.test(line)) lines.push(line);
    }
  }
  const body = lines.join(eol) + eol;
  if (block) {
    const fence = plan.fences.find((f) => f.span.start === block.span.start);
    if (fence && !fence.closed) return [replace(plan, { start: block.contentStart, end: block.span.end }, body)];
    const closing = graphInsertion(plan, block).offset;
    const closingBreak = plan.text.startsWith('\r\n', closing) ? 2 : 1;
    return [replace(plan, { start: block.contentStart, end: closing + closingBreak }, body)];
  }
  const table = plan.tables[plan.tasks[0].table];
  return [insertAt(plan, table.span.start, '```mermaid' + eol + body + '```' + eol + eol)];
}

/** Rewrites Depends On cells (and adds rows) so the table states exactly the graph's dependencies. */
export function syncTableFromGraph(plan: Plan): TextEdit[] | string {
  const block = graphBlock(plan);
  if (!block) return 'The plan has no mermaid task graph to take dependencies from.';
  const graph = dependencyGraph(plan);
  const fromGraph = new Map<string, string[]>();
  for (const [key, s] of graph.statements) {
    if (!s.mermaid.length) continue;
    const [from, to] = key.split('\u0000');
    const list = fromGraph.get(to);
    if (list) list.push(from);
    else fromGraph.set(to, [from]);
  }
  const edits: TextEdit[] = [];
  for (const task of plan.tasks) {
    if (plan.taskById.get(task.id) !== task || !task.dependsOnCell) continue;
    const wanted = fromGraph.get(task.id) ?? [];
    const current = [...new Set(task.dependsOn.map((d) => d.id))];
    const same = wanted.length === current.length && wanted.every((w) => current.includes(w));
    if (same) continue;
    // Keep the author's order for what stays, then append what is new.
    const ordered = [...current.filter((c) => wanted.includes(c)), ...wanted.filter((w) => !current.includes(w))];
    edits.push(replace(plan, task.dependsOnCell.span, ordered.length ? ordered.join(', ') : 'None'));
  }
  const chartTasks = block.flowchart!.nodes.filter((n) => n.taskId).map((n) => n.taskId!);
  const missingRows = [...new Set(chartTasks)].filter((id) => !plan.taskById.has(id));
  if (missingRows.length) {
    const rowEdits = missingRows.map((id) => addTaskRowEdit(plan, id, fromGraph.get(id) ?? [], 'X'));
    const valid = rowEdits.filter((e): e is TextEdit => !!e);
    if (valid.length) {
      // All rows go after the last row: merge them into one insertion so they keep their order.
      edits.push({ range: valid[0].range, newText: valid.map((e) => e.newText).join('') });
    }
  }
  if (!edits.length) return 'The table and the graph already agree.';
  return edits;
}

// Completions where a plan expects something specific: task IDs in a Depends On cell, a
// **Tasks:** line and the mermaid graph; the next free ID in a new task row; missing section
// headings after "## "; the allowed values of Impact, Method and Approved.
import {
  CompletionItemKind,
  InsertTextFormat,
  type CompletionItem,
  type CompletionList,
  type Position,
} from 'vscode-languageserver-types';
import { nextFreeTaskId, taskAdjacency, stepsByTask, type Field, type MermaidBlock, type Plan, type Table, type TaskDefinition, type TaskRef } from '../plan';
import type { PlanmarkSettings } from '../../../shared/settings';
import { classifyTable } from '../plan/facts';
import { templateSections } from '../template';
import { describeTask } from './hover';
import { headingKey } from './planInfo';
import { toRange } from './util';

/** Characters that open an ID or value slot; VS Code has automatic suggestions off for Markdown. */
export const COMPLETION_TRIGGER_CHARACTERS = [',', '|', ' ', '_', '-', '[', '#'];

interface Slot {
  /** Start and end of the word being typed. */
  start: number;
  end: number;
}

function wordAround(text: string, offset: number, dotted = false): Slot {
  let start = offset;
  // Kiro's task IDs (2.1) hold dots.
  const before = dotted ? /[A-Za-z0-9_.-]/ : /[A-Za-z0-9_-]/;
  while (start > 0 && before.test(text[start - 1])) start--;
  let end = offset;
  while (end < text.length && /[A-Za-z0-9_]/.test(text[end])) end++;
  return { start, end };
}

function cellIndexAt(line: string, column: number): number {
  let index = -1;
  let sawContent = false;
  for (let i = 0; i < column && i < line.length; i++) {
    const c = line[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (c === '|') index++;
    else if (!sawContent && c !== ' ' && c !== '\t') {
      sawContent = true;
      if (index === -1) index = 0; // a row without a leading pipe
    }
  }
  return Math.max(0, index);
}

function tableAt(plan: Plan, offset: number): Table | undefined {
  return plan.tables.find((t) => t.span.start <= offset && offset <= t.span.end);
}

export function complete(plan: Plan, position: Position, settings: PlanmarkSettings): CompletionList {
  void settings;
  const offset = plan.lines.offsetAt(position);
  const lineStart = plan.lines.offsetAt({ line: position.line, character: 0 });
  const lineText = plan.text.slice(lineStart, plan.lines.offsetAt({ line: position.line + 1, character: 0 })).replace(/\r?\n$|\r$/, '');
  const before = lineText.slice(0, offset - lineStart);
  const word = wordAround(plan.text, offset, plan.kind === 'kiro');
  const items: CompletionItem[] = [];

  // "## " at the start of a line: missing template sections (not in code, where "## " is a comment).
  const heading = headingBefore(before);
  if (heading) {
    if (plan.fences.some((f) => f.openingSpan.end < offset && offset <= f.span.end)) return { isIncomplete: false, items };
    // The title is the rest of the line (without closing #s): a chosen section replaces all of it.
    let titleEnd = lineText.length;
    while (titleEnd > 0 && (lineText[titleEnd - 1] === ' ' || lineText[titleEnd - 1] === '\t' || lineText[titleEnd - 1] === '#')) titleEnd--;
    const end = Math.max(offset, lineStart + titleEnd);
    return { isIncomplete: false, items: sectionItems(plan, heading.level, lineStart + heading.titleStart, offset, end) };
  }

  const table = tableAt(plan, offset);
  if (table && offset >= lineStart) {
    // Columns as the plan model reads them ("Task ID", "Dependencies"... count too).
    const columns = classifyTable(table.header);
    const cell = cellIndexAt(lineText, offset - lineStart);
    const row = table.rows.find((r) => r.span.start <= offset && offset <= r.span.end);
    // Header and delimiter rows take no values.
    if (!row) return { isIncomplete: false, items };
    if (columns.kind === 'task') {
      if (cell === columns.task) return { isIncomplete: false, items: newIdItems(plan, word) };
      if (cell === columns.dependsOn) {
        const task = plan.tasks.find((t) => t.rowSpan.start === row.span.start);
        return { isIncomplete: false, items: taskIdItems(plan, word, { exclude: task?.id, already: listedElsewhere(task?.dependsOn ?? [], word) }) };
      }
    }
    if (columns.impact >= 0 && cell === columns.impact) return valueItems(plan, word, ['High', 'Med', 'Low'], 'Impact');
    if (columns.method >= 0 && cell === columns.method) return valueItems(plan, word, ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'], 'HTTP method');
    return { isIncomplete: false, items };
  }

  // A task list's dependency text: "(depends on T004, |)", "T016 depends on |", "_Depends on: 2.1, |_".
  const slot = [...plan.dependencySlots].reverse().find((s) => s.span.start <= offset && offset >= lineStart && s.span.start >= lineStart && /^[\w.,&/+ \t-]*$/.test(plan.text.slice(s.span.end, Math.max(offset, s.span.end))));
  if (slot) {
    return { isIncomplete: false, items: taskIdItems(plan, word, { exclude: slot.task, already: listedElsewhere(slot.refs, word) }) };
  }

  // A step's **Tasks:** line.
  const step = plan.steps.find((s) => s.tasksField && s.tasksField.lineSpan.start <= offset && offset <= s.tasksField.lineSpan.end);
  if (step && step.tasksField && offset >= valueStart(plan, step.tasksField)) {
    return { isIncomplete: false, items: taskIdItems(plan, word, { already: listedElsewhere(step.tasks, word), preferUnscheduled: true }) };
  }

  // A **Tasks:** line under no step heading: offer the IDs, and say that no step reads this line.
  const loose = plan.looseTaskFields.find((f) => f.lineSpan.start <= offset && offset <= f.lineSpan.end);
  if (loose && offset >= valueStart(plan, loose)) {
    const listed = plan.mentions.filter((m) => m.span.start >= loose.valueSpan.start && m.span.end <= loose.valueSpan.end);
    const items = taskIdItems(plan, word, { already: listedElsewhere(listed, word) });
    const note = plan.steps.length
      ? 'not read as a step: this **Tasks:** line is under no `### Step N` heading'
      : 'not read as a step: the plan has no `### Step N` headings';
    return { isIncomplete: false, items: items.map((i) => ({ ...i, detail: i.detail ? `${i.detail} · ${note}` : note })) };
  }

  // Approved: Yes / No.
  const approved = plan.footer.get('Approved');
  if (approved && approved.lineSpan.start <= offset && offset <= approved.lineSpan.end && offset >= valueStart(plan, approved)) {
    return valueItems(plan, word, ['Yes', 'No'], 'Approved');
  }

  // Inside the mermaid graph.
  const graph = plan.mermaid.find((m) => m.contentStart <= offset && offset < m.span.end);
  if (graph) return { isIncomplete: false, items: taskIdItems(plan, word, graphEdgeEnds(plan, graph, offset, lineStart, word)) };

  return { isIncomplete: false, items };
}

/**
 * A `## ` or `### ` heading being typed before the cursor (no `#` in its title yet): its level and
 * where the title starts. Read by hand: /^ {0,3}(#{2,3})[ \t]+([^#]*)$/ and /[ \t#]*$/ backtrack
 * quadratically on a long line of blanks.
 */
function headingBefore(before: string): { level: number; titleStart: number } | undefined {
  let i = 0;
  while (i < 3 && before[i] === ' ') i++;
  let level = 0;
  while (before[i + level] === '#') level++;
  if (level < 2 || level > 3) return undefined;
  i += level;
  if (before[i] !== ' ' && before[i] !== '\t') return undefined;
  while (before[i] === ' ' || before[i] === '\t') i++;
  if (before.includes('#', i)) return undefined;
  return { level, titleStart: i };
}

/** IDs listed in a cell or field, except the one being typed (it is what the user replaces). */
function listedElsewhere(refs: TaskRef[], word: Slot): Set<string> {
  return new Set(refs.filter((r) => r.span.end < word.start || r.span.start > word.end).map((r) => r.id));
}

/** Where a field's value may start: after the key's closing `:**` (or `**:`). */
function valueStart(plan: Plan, field: Field): number {
  const rest = plan.text.slice(field.keySpan.end, field.lineSpan.end);
  const close = /^[ \t]*(?::\*\*|\*\*[ \t]*:)/.exec(rest);
  return field.keySpan.end + (close ? close[0].length : 0);
}

/**
 * In the graph, the task at the other end of the edge being written: after `A -->` the new task
 * will depend on A, so A and what A waits for would close a cycle; before `--> B` the new task
 * is a prerequisite of B, so B and what waits for B would.
 */
function graphEdgeEnds(plan: Plan, graph: MermaidBlock, offset: number, lineStart: number, word: Slot): TaskIdOptions {
  const chart = graph.flowchart;
  if (!chart) return {};
  const lineEnd = plan.text.indexOf('\n', offset) < 0 ? plan.text.length : plan.text.indexOf('\n', offset);
  const taskOf = new Map<string, string>();
  for (const n of chart.nodes) if (n.taskId) taskOf.set(n.alias, n.taskId);
  const onLine = chart.aliasOccurrences.filter((o) => o.span.start >= lineStart && o.span.end <= lineEnd && (o.span.end < word.start || o.span.start > word.end));
  const arrow = /--|==|-\.|\.-|~~~/;
  const before = onLine.filter((o) => o.span.end <= word.start).pop();
  if (before && arrow.test(plan.text.slice(before.span.end, word.start))) {
    const id = taskOf.get(before.alias);
    if (id) return { excludeAncestorsOf: id };
  }
  const after = onLine.find((o) => o.span.start >= word.end);
  if (after && arrow.test(plan.text.slice(word.end, after.span.start))) {
    const id = taskOf.get(after.alias);
    if (id) return { exclude: id };
  }
  return {};
}

interface TaskIdOptions {
  /** A task whose dependents (and itself) must not be offered: they would close a cycle. */
  exclude?: string;
  /** A task whose prerequisites (and itself) must not be offered. */
  excludeAncestorsOf?: string;
  already?: Set<string>;
  preferUnscheduled?: boolean;
}

/** The task and everything reachable from it along `next`. */
function closure(start: string, next: Map<string, string[]>, into: Set<string>): void {
  const queue = [start];
  into.add(start);
  for (let head = 0; head < queue.length; head++) {
    for (const w of next.get(queue[head]) ?? []) {
      if (!into.has(w)) {
        into.add(w);
        queue.push(w);
      }
    }
  }
}

/** Estimated Hours for an item's detail: the number once with its unit, or that there is none yet. */
function hoursDetail(task: TaskDefinition): string {
  if (task.hours !== undefined && task.hours > 0) return `${Math.round(task.hours * 100) / 100}h`;
  if (task.unestimated) return 'not estimated';
  return '';
}

function taskIdItems(plan: Plan, word: Slot, options: TaskIdOptions): CompletionItem[] {
  // Offering a task that depends (transitively) on the row's task would close a cycle.
  const { prerequisites, dependents } = taskAdjacency(plan);
  const blocked = new Set<string>();
  if (options.exclude) closure(options.exclude, dependents, blocked);
  if (options.excludeAncestorsOf) closure(options.excludeAncestorsOf, prerequisites, blocked);
  const steps = stepsByTask(plan);
  const range = toRange(plan, word);
  const items: CompletionItem[] = [];
  let index = 0;
  for (const task of plan.taskById.values()) {
    index++;
    if (blocked.has(task.id) || options.already?.has(task.id)) continue;
    const stepIndexes = steps.get(task.id);
    const scheduled = stepIndexes !== undefined && stepIndexes.length > 0;
    const deps = prerequisites.get(task.id);
    const detail = [
      hoursDetail(task),
      deps ? `after ${[...new Set(deps)].join(', ')}` : '',
      scheduled ? plan.steps[stepIndexes[0]].title : '',
    ];
    items.push({
      label: task.id,
      kind: CompletionItemKind.Reference,
      detail: detail.filter((d) => d !== '').join(' · '),
      // The full description is filled in by resolveCompletionItem: thousands of items stay cheap.
      data: { taskId: task.id },
      textEdit: { range, newText: task.id },
      filterText: task.id,
      sortText: `${options.preferUnscheduled && scheduled ? '1' : '0'}${String(index).padStart(6, '0')}`,
    });
  }
  return items;
}

function newIdItems(plan: Plan, word: Slot): CompletionItem[] {
  const range = toRange(plan, word);
  const next = nextFreeTaskId(plan);
  const items: CompletionItem[] = [
    { label: next, kind: CompletionItemKind.Constant, detail: 'next free task ID', textEdit: { range, newText: next }, sortText: '0' },
  ];
  // Tasks the steps or graph name but the table lacks are the next rows people write.
  const referenced = new Set(plan.mentions.filter((m) => m.kind === 'step' || m.kind === 'mermaid').map((m) => m.id));
  let i = 0;
  for (const id of referenced) {
    if (plan.taskById.has(id) || id === next) continue;
    items.push({
      label: id,
      kind: CompletionItemKind.Constant,
      detail: 'named in a step or the graph, no row yet',
      textEdit: { range, newText: id },
      sortText: `1${String(i++).padStart(6, '0')}`,
    });
  }
  return items;
}

function valueItems(plan: Plan, word: Slot, values: string[], what: string): CompletionList {
  const range = toRange(plan, word);
  return {
    isIncomplete: false,
    items: values.map((v, i) => ({
      label: v,
      kind: CompletionItemKind.EnumMember,
      detail: what,
      textEdit: { range, newText: v },
      sortText: String(i),
    })),
  };
}

/**
 * Template sections the plan lacks: the ## ones, or after "### " the sub-sections of the
 * enclosing ## section.
 */
function sectionItems(plan: Plan, level: number, start: number, offset: number, end: number): CompletionItem[] {
  let candidates = templateSections().filter((s) => s.level === level);
  let siblings = plan.sections.filter((s) => s.level === level);
  if (level === 3) {
    const parent = plan.sections.filter((s) => s.level === 2 && s.headingSpan.end <= start && offset <= s.span.end).pop();
    if (!parent) return [];
    candidates = candidates.filter((s) => s.parentTitle !== undefined && headingKey(s.parentTitle) === headingKey(parent.title));
    siblings = parent.children.map((i) => plan.sections[i]).filter((s) => s.level === 3);
  }
  // The heading being typed is not "present".
  const present = new Set(siblings.filter((s) => !(s.headingSpan.start <= offset && offset <= s.headingSpan.end)).map((s) => headingKey(s.title)));
  const range = toRange(plan, { start, end: Math.max(end, start) });
  return candidates
    .filter((s) => !present.has(headingKey(s.title)))
    .map((s, i) => ({
      label: s.title,
      kind: CompletionItemKind.Module,
      detail: 'missing template section',
      textEdit: { range, newText: s.title },
      insertTextFormat: InsertTextFormat.PlainText,
      sortText: String(i).padStart(4, '0'),
    }));
}

/** Adds the task's description to a task ID item the editor is about to show. */
export function resolveCompletionItem(plan: Plan | undefined, item: CompletionItem): CompletionItem {
  const id = (item.data as { taskId?: unknown } | undefined)?.taskId;
  if (plan && typeof id === 'string' && plan.mentions.some((m) => m.id === id)) {
    return { ...item, documentation: { kind: 'markdown', value: describeTask(plan, id) } };
  }
  return item;
}

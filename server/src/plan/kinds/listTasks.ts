// Task lists (spec-kit and Kiro) read into the same model as the template's task table: tasks
// with IDs and spans, dependency references, phases, progress. Runs in the assemble step over
// per-block facts (the list items remark found) and the text, so an incremental parse and a full
// parse give the same model. No Markdown parsing happens here: only the lines of list items and
// of the text outside code are read.
import type { ListItemFacts } from '../facts';
import type {
  CodeFence,
  DependencyEdge,
  DependencySlot,
  Section,
  Span,
  Step,
  TaskDefinition,
  TaskMention,
  TaskRef,
  TaskStatus,
} from '../types';
import { readKiroTask, kiroDependencyLines } from './kiro';
import { readSpecKitTask, specKitStatements } from './specKit';

export interface ListKindInput {
  kind: 'specKit' | 'kiro';
  text: string;
  sections: Section[];
  /** Every list item with absolute spans, in document order. */
  items: ListItemFacts[];
  fences: CodeFence[];
}

export interface ListKindModel {
  tasks: TaskDefinition[];
  /** Definitions and dependency references (both sides of a stated dependency). */
  mentions: TaskMention[];
  /** Dependencies stated away from the dependent's own task line (a Dependencies section, "blocks"). */
  edges: DependencyEdge[];
  phases: Step[];
  slots: DependencySlot[];
  requirementRefs: TaskRef[];
}

/** The parts of a task line common to both formats. */
export interface TaskLine {
  /** Absolute span of the line (from the list marker to the line end). */
  span: Span;
  /** Line text from the list marker. */
  text: string;
  status?: TaskStatus;
  /** Kiro's `- [ ]*`. */
  optional: boolean;
  /** Offset in `text` where the content after the marker and checkbox starts. */
  contentStart: number;
}

const ITEM_HEAD = /^([-*+]|\d{1,9}[.)])[ \t]+(?:\[([ xX~/-])\](\*?)(?=[ \t]|$)[ \t]*)?/;

export function statusOfCheckbox(mark: string | undefined): TaskStatus | undefined {
  if (mark === undefined) return undefined;
  if (mark === 'x' || mark === 'X') return 'done';
  if (mark === ' ') return 'todo';
  return 'in-progress';
}

/** The marker, checkbox and first line of a list item. */
export function readTaskLine(text: string, item: ListItemFacts): TaskLine | undefined {
  let end = text.indexOf('\n', item.span.start);
  if (end < 0 || end > item.span.end) end = item.span.end;
  if (text.charCodeAt(end - 1) === 13) end--;
  const line = text.slice(item.span.start, end);
  const m = ITEM_HEAD.exec(line);
  if (!m) return undefined;
  return {
    span: { start: item.span.start, end },
    text: line,
    status: statusOfCheckbox(m[2]),
    optional: m[3] === '*',
    contentStart: m[0].length,
  };
}

/** The item's own lines: its span without the spans of the task items nested in it. */
export function ownLines(text: string, item: Span, nested: Span[]): { text: string; start: number }[] {
  const out: { text: string; start: number }[] = [];
  let pos = item.start;
  while (pos < item.end) {
    const inner = nested.find((n) => n.start <= pos && pos < n.end);
    if (inner) {
      pos = inner.end;
      continue;
    }
    let end = text.indexOf('\n', pos);
    if (end < 0 || end > item.end) end = item.end;
    let lineEnd = end;
    if (text.charCodeAt(lineEnd - 1) === 13) lineEnd--;
    const next = nested.find((n) => n.start > pos && n.start < lineEnd);
    out.push({ text: text.slice(pos, next ? next.start : lineEnd), start: pos });
    pos = next ? next.start : end + 1;
  }
  return out;
}

/** One ID, or the IDs of a range such as T012-T015 (same prefix and padding). */
export function expandRange(first: string, last: string | undefined, split: (id: string) => [string, number, number] | undefined): string[] {
  if (!last) return [first];
  const a = split(first);
  const b = split(last);
  if (!a || !b || a[0] !== b[0] || b[1] < a[1] || b[1] - a[1] > 500) return [first, last];
  const out: string[] = [];
  for (let n = a[1]; n <= b[1]; n++) out.push(`${a[0]}${String(n).padStart(a[2], '0')}`);
  return out;
}

export interface ParsedTask {
  id: string;
  idSpan: Span;
  title: string;
  parallel?: boolean;
  story?: string;
  parent?: string;
}

/** A task title cannot start like the rest of a dependency statement ("T011 depends on T010", "T007-T008 before T009"). */
const STATEMENT_START = /^(?:[-–—,&/+→⟶⇒]|->|=>|\.\.|(?:and|or|depends?|requires?|needs?|after|before|blocks?|can|must|should|is|are|to|through|then|waits?)\b)/i;

/** Reads the task lists of a spec-kit or Kiro plan. */
export function readListKind(input: ListKindInput): ListKindModel {
  const { kind, text, sections, items } = input;
  const inFence = (offset: number) => input.fences.some((f) => f.span.start <= offset && offset < f.span.end);
  // Task items first: an item is a task when its line starts with an ID of the kind.
  const taskItems: { item: ListItemFacts; line: TaskLine; parsed: ParsedTask }[] = [];
  for (const item of items) {
    if (inFence(item.span.start)) continue;
    const line = readTaskLine(text, item);
    if (!line) continue;
    const parsed = kind === 'specKit' ? readSpecKitTask(line) : readKiroTask(line);
    if (parsed && !STATEMENT_START.test(parsed.title)) taskItems.push({ item, line, parsed });
  }
  // Where tasks carry checkboxes, an item without one that starts with an ID is a statement about
  // tasks ("- T011 depends on T010" in the Dependencies section), not a task.
  if (taskItems.some((t) => t.line.status !== undefined)) {
    for (let i = taskItems.length - 1; i >= 0; i--) if (taskItems[i].line.status === undefined) taskItems.splice(i, 1);
  }
  const sectionAt = sectionLocator(sections);
  const tasks: TaskDefinition[] = [];
  const mentions: TaskMention[] = [];
  const edges: DependencyEdge[] = [];
  const slots: DependencySlot[] = [];
  const requirementRefs: TaskRef[] = [];
  const taskLineStarts = new Set<number>();
  for (const { item, line, parsed } of taskItems) {
    const nested = taskItems.filter((t) => t.item !== item && t.item.span.start > item.span.start && t.item.span.end <= item.span.end).map((t) => t.item.span);
    const task: TaskDefinition = {
      id: parsed.id,
      idSpan: parsed.idSpan,
      rowSpan: { start: item.span.start, end: nested.length ? trimEnd(text, item.span.start, nested[0].start) : trimEnd(text, item.span.start, item.span.end) },
      row: { span: line.span, cells: [] },
      table: -1,
      dependsOn: [],
      section: sectionAt(item.span.start),
      status: line.status,
      title: parsed.title,
      parallel: parsed.parallel,
      story: parsed.story,
      optional: line.optional || undefined,
      parent: parsed.parent,
    };
    tasks.push(task);
    taskLineStarts.add(item.span.start);
    mentions.push({ id: task.id, span: task.idSpan, kind: 'definition' });
    const lines = ownLines(text, item.span, nested);
    if (kind === 'kiro') {
      const found = kiroDependencyLines(lines);
      for (const slot of found.slots) {
        slots.push({ ...slot, task: task.id });
        for (const ref of slot.refs) addDependency(task, ref);
      }
      if (found.requirements.length) task.requirements = found.requirements;
      for (const r of found.requirements) requirementRefs.push(r);
    } else {
      for (const l of lines) {
        for (const st of specKitStatements(l.text, l.start, task.id, task.idSpan)) apply(st, task);
      }
    }
  }
  // Dependency statements outside task items ("T012 depends on T010" in a Dependencies section).
  if (kind === 'specKit') {
    const taskSpans = taskItems.map((t) => t.item.span);
    let pos = 0;
    while (pos < text.length) {
      let end = text.indexOf('\n', pos);
      if (end < 0) end = text.length;
      const inTask = taskSpans.some((s) => s.start <= pos && pos < s.end);
      if (!inTask && !inFence(pos)) {
        const lineEnd = text.charCodeAt(end - 1) === 13 ? end - 1 : end;
        for (const st of specKitStatements(text.slice(pos, lineEnd), pos)) apply(st, undefined);
      }
      pos = end + 1;
    }
  }

  function addDependency(task: TaskDefinition, ref: TaskRef) {
    mentions.push({ id: ref.id, span: ref.span, kind: 'dependsOn' });
    // One reference per prerequisite in the task's own list; the same dependency stated again
    // elsewhere is another statement of the edge, not a duplicate in the list.
    if (task.dependsOn.some((d) => d.id === ref.id)) edges.push({ from: ref.id, to: task.id, span: ref.span, source: 'table' });
    else task.dependsOn.push(ref);
  }

  function apply(st: DependencyStatement, owner: TaskDefinition | undefined) {
    if (st.slot) slots.push(st.slot);
    for (const ref of [...st.dependents, ...st.prerequisites]) {
      if (owner && ref.span.start === owner.idSpan.start) continue;
      if (!ref.inner) mentions.push({ id: ref.id, span: ref.span, kind: 'dependsOn' });
    }
    for (const dependent of st.dependents) {
      for (const prerequisite of st.prerequisites) {
        const own = owner && dependent.id === owner.id && dependent.span.start === owner.idSpan.start ? owner : undefined;
        if (own && !own.dependsOn.some((d) => d.id === prerequisite.id)) own.dependsOn.push({ id: prerequisite.id, span: prerequisite.span });
        else edges.push({ from: prerequisite.id, to: dependent.id, span: prerequisite.span, source: 'table' });
      }
    }
  }

  mentions.sort((a, b) => a.span.start - b.span.start);
  // Mentions must not overlap: a range's inner IDs share its span and were not added.
  const unique: TaskMention[] = [];
  for (const m of mentions) {
    const last = unique[unique.length - 1];
    if (last && last.span.start === m.span.start) {
      if (last.kind !== 'definition' && m.kind === 'definition') unique[unique.length - 1] = m;
      continue;
    }
    unique.push(m);
  }
  requirementRefs.sort((a, b) => a.span.start - b.span.start);
  return { tasks, mentions: unique, edges, phases: phasesOf(kind, sections, tasks), slots, requirementRefs };
}

/** A dependency as a task list states it: `dependents` wait for `prerequisites`. */
export interface DependencyStatement {
  dependents: (TaskRef & { inner?: boolean })[];
  prerequisites: (TaskRef & { inner?: boolean })[];
  slot?: DependencySlot;
}

function trimEnd(text: string, start: number, end: number): number {
  while (end > start && /\s/.test(text[end - 1])) end--;
  return end;
}

/** The innermost section holding an offset (sections are in document order). */
function sectionLocator(sections: Section[]): (offset: number) => number {
  return (offset) => {
    let found = -1;
    for (let i = 0; i < sections.length; i++) {
      const s = sections[i];
      if (s.headingSpan.start > offset) break;
      if (offset < s.span.end) found = i;
    }
    return found;
  };
}

/**
 * Phases: the outermost sections below the title that hold tasks ("## Phase 1: Setup"). A Kiro
 * list without such headings is grouped by its parent tasks (1., 2. with 2.1, 2.2 ...).
 */
function phasesOf(kind: 'specKit' | 'kiro', sections: Section[], tasks: TaskDefinition[]): Step[] {
  const phaseOf = (section: number): number => {
    let phase = -1;
    for (let s = section; s >= 0; s = sections[s].parent) if (sections[s].level >= 2) phase = s;
    return phase;
  };
  const byPhase = new Map<number, TaskRef[]>();
  for (const t of tasks) {
    const p = t.section >= 0 ? phaseOf(t.section) : -1;
    if (p < 0) continue;
    const list = byPhase.get(p);
    if (list) list.push({ id: t.id, span: t.idSpan });
    else byPhase.set(p, [{ id: t.id, span: t.idSpan }]);
  }
  // One "## Tasks" heading around a whole Kiro list groups nothing: its parent tasks do.
  if (byPhase.size > 1 || (byPhase.size === 1 && kind === 'specKit')) {
    return [...byPhase.keys()]
      .sort((a, b) => a - b)
      .map((index) => {
        const s = sections[index];
        const number = /\bphase\s+(\d+)/i.exec(s.title);
        return { title: s.title, number: number ? Number(number[1]) : undefined, headingSpan: s.headingSpan, span: s.span, tasks: byPhase.get(index)! };
      });
  }
  if (kind !== 'kiro') return [];
  const parents = new Map<string, TaskDefinition>();
  for (const t of tasks) if (!t.parent && !parents.has(t.id)) parents.set(t.id, t);
  const groups: Step[] = [];
  for (const parent of parents.values()) {
    const children = tasks.filter((t) => t.parent === parent.id);
    if (children.length === 0) continue;
    const number = /^\d+/.exec(parent.id);
    groups.push({
      title: `${parent.id}. ${parent.title ?? ''}`.trim(),
      number: number ? Number(number[0]) : undefined,
      headingSpan: parent.row.span,
      span: parent.rowSpan,
      tasks: [parent, ...children].map((t) => ({ id: t.id, span: t.idSpan })),
    });
  }
  return groups;
}

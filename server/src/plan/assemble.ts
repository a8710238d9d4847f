// Blocks with relative facts -> the absolute Plan model. Linear in the number of facts; no
// Markdown parsing happens here, so it is cheap enough to run after every edit.
import type { Block } from './blocks';
import type { BlockFacts, ListItemFacts, RowFacts } from './facts';
import { readListKind } from './kinds/listTasks';
import { parseStatusText } from './progress';
import { findTaskIds, isUnestimated, parseHours, taskIdRegExp } from './facts';
import { LineIndex } from './lineIndex';
import type {
  ChecklistItem,
  CodeFence,
  DependencyEdge,
  DisableDirective,
  Field,
  MermaidBlock,
  MermaidFlowchart,
  Placeholder,
  Plan,
  PlanKind,
  Section,
  Span,
  Step,
  Table,
  TableRow,
  TaskDefinition,
  TaskMention,
  TaskRef,
} from './types';

import { headingMatchesSection, stepHeadingNumber } from './sections';

export const METADATA_KEYS = ['Phase', 'Phase Name', 'Created', 'Target Start', 'Target End'];
export const FOOTER_KEYS = ['Created By', 'Reviewed By', 'Approved', 'Last Updated'];

function at(span: Span, base: number): Span {
  return { start: span.start + base, end: span.end + base };
}

function shiftField(f: Field, base: number): Field {
  return {
    key: f.key,
    keySpan: at(f.keySpan, base),
    value: f.value,
    valueSpan: at(f.valueSpan, base),
    lineSpan: at(f.lineSpan, base),
  };
}

function shiftFlowchart(chart: MermaidFlowchart, base: number): MermaidFlowchart {
  return {
    keyword: chart.keyword,
    direction: chart.direction,
    nodes: chart.nodes.map((n) => ({
      ...n,
      aliasSpan: at(n.aliasSpan, base),
      labelSpan: n.labelSpan && at(n.labelSpan, base),
      taskIdSpan: n.taskIdSpan && at(n.taskIdSpan, base),
    })),
    edges: chart.edges.map((e) => ({ ...e, fromSpan: at(e.fromSpan, base), toSpan: at(e.toSpan, base), span: at(e.span, base) })),
    aliasOccurrences: chart.aliasOccurrences.map((o) => ({ alias: o.alias, span: at(o.span, base) })),
    problems: chart.problems.map((p) => ({ message: p.message, span: at(p.span, base) })),
  };
}

// Absolute objects built from immutable facts, reused across versions: an object whose facts
// sit where they sat is returned as is; one whose facts moved (an edit above it) gets its spans
// moved in place rather than being built again, so an edit costs the blocks it touched plus one
// addition per span after it, not a new object per row. Each cached object keeps the list of its
// own span objects (shared ones once) for that.
//
// Moving in place means a Plan of an earlier version sees its spans move too: a Plan is read
// only until the next version of its document is assembled (every feature reads the model of
// the current version, synchronously), never after. (Its lists and maps are its own: diagnostics
// compare a version's taskById with the previous one's, checkReuse.ts.)
//
// A table's rows go through its segment (tableSegment): the rows a version kept at the start and
// at the end of the table (the same row facts) are moved without a lookup each, and their shares
// of the plan's lists are copied as stretches, so a keystroke in one row reads that row only.
interface CacheEntry {
  base: number;
  tag: number;
  value: unknown;
  /** The value's span objects (each once); listed when first moved if `spansOf` is set. */
  spans: Span[] | undefined;
  spansOf?: () => Span[];
  assembly: number;
}
const absoluteCache = new WeakMap<object, CacheEntry>();
/** Incremented per assemblePlan: facts met twice in one plan never share (or move) an object. */
let assemblyCount = 0;

function cached<T>(key: object, base: number, build: () => T, spansOf: (value: T) => Span[], tag = 0): T {
  return cachedEntry(key, base, build, spansOf, tag).value as T;
}

function cachedEntry<T>(key: object, base: number, build: () => T, spansOf: (value: T) => Span[], tag = 0): CacheEntry {
  const hit = absoluteCache.get(key);
  if (hit && hit.tag === tag && (hit.base === base || hit.assembly !== assemblyCount)) {
    moveEntry(hit, base);
    return hit;
  }
  const value = build();
  const entry = { base, tag, value, spans: spansOf(value), assembly: assemblyCount };
  absoluteCache.set(key, entry);
  return entry;
}

/** Moves a cached object's spans to `base` (see above) and marks it used by this assembly. */
function moveEntry(entry: CacheEntry, base: number): void {
  if (entry.base !== base) {
    const delta = base - entry.base;
    entry.spans ??= entry.spansOf!();
    for (const span of entry.spans) {
      span.start += delta;
      span.end += delta;
    }
    entry.base = base;
  }
  entry.assembly = assemblyCount;
}

/** The facts chart each absolute chart was made for (its base is in the cache entry). */
const chartSources = new WeakMap<MermaidFlowchart, MermaidFlowchart>();
/** Every chart of a plan (graph or not), in document order: the next version's starting point. */
const chartsOfPlan = new WeakMap<Plan, MermaidFlowchart[]>();

/**
 * The absolute chart of `facts` at `base`. A chart whose facts are new (a keystroke in the graph:
 * the facts of the lines before the edited one are the same objects, those after it equal but
 * moved, see mermaid.ts updateFlowchartLine) is made from `previous`, the chart at the same place
 * in the previous version: its objects for the unchanged items are kept (moved in place), only
 * the items between are made anew. Appends the chart to `charts`.
 */
function absoluteChart(facts: MermaidFlowchart, base: number, previous: MermaidFlowchart | undefined, charts: MermaidFlowchart[]): MermaidFlowchart {
  let chart: MermaidFlowchart | undefined;
  const hit = absoluteCache.get(facts);
  const source = previous && !hit ? chartSources.get(previous) : undefined;
  const entry = source && source !== facts ? absoluteCache.get(source) : undefined;
  if (entry && entry.value === previous && entry.assembly !== assemblyCount) {
    chart = patchedChart(source!, entry.base, previous!, facts, base);
    if (chart) {
      // One step back only: a chain of earlier charts would stay reachable.
      chartPrevious.delete(previous!);
      chartPrevious.set(chart, previous!);
      // The previous chart's objects now serve this one: its facts no longer find it.
      absoluteCache.delete(source!);
      absoluteCache.set(facts, { base, tag: 0, value: chart, spans: undefined, spansOf: () => flowchartSpans(chart!), assembly: assemblyCount });
    }
  }
  chart ??= cached(facts, base, () => shiftFlowchart(facts, base), flowchartSpans);
  chartSources.set(chart, facts);
  charts.push(chart);
  return chart;
}

/** Items equal but for their spans, moved by `d` (mermaid.ts movedEdge and its kin). */
function sameSpan(a: Span | undefined, b: Span | undefined, d: number): boolean {
  return a === undefined ? b === undefined : b !== undefined && a.start + d === b.start && a.end + d === b.end;
}
function sameNode(a: MermaidFlowchart['nodes'][number], b: MermaidFlowchart['nodes'][number], d: number): boolean {
  return a.alias === b.alias && a.label === b.label && a.taskId === b.taskId && sameSpan(a.aliasSpan, b.aliasSpan, d) && sameSpan(a.labelSpan, b.labelSpan, d) && sameSpan(a.taskIdSpan, b.taskIdSpan, d);
}
function sameEdge(a: MermaidFlowchart['edges'][number], b: MermaidFlowchart['edges'][number], d: number): boolean {
  return a.from === b.from && a.to === b.to && a.kind === b.kind && a.label === b.label && sameSpan(a.span, b.span, d) && sameSpan(a.fromSpan, b.fromSpan, d) && sameSpan(a.toSpan, b.toSpan, d);
}
function sameOccurrence(a: { alias: string; span: Span }, b: { alias: string; span: Span }, d: number): boolean {
  return a.alias === b.alias && sameSpan(a.span, b.span, d);
}
function sameProblem(a: { message: string; span: Span }, b: { message: string; span: Span }, d: number): boolean {
  return a.message === b.message && sameSpan(a.span, b.span, d);
}

/**
 * One list of the chart for `next` (facts) from `prev` (facts) and `abs` (the absolute items
 * made for prev at `oldBase`): the same facts at the start keep their absolute items, facts at
 * the end equal to prev's moved by one distance keep theirs (moved in place), the rest are made
 * with `make`. `moves` collects the kept items to move, with their distance. Undefined when
 * fewer than half the items are kept (made whole, it costs no more).
 */
function patchedList<T>(
  prev: T[],
  next: T[],
  abs: T[],
  spanOf: (item: T) => Span,
  same: (a: T, b: T, d: number) => boolean,
  make: (item: T) => T,
  baseDelta: number,
  moves: [T, number][],
): T[] | undefined {
  const limit = Math.min(prev.length, next.length);
  let head = 0;
  while (head < limit && prev[head] === next[head]) head++;
  let tail = 0;
  const d = next.length > head && prev.length > head ? spanOf(next[next.length - 1]).start - spanOf(prev[prev.length - 1]).start : 0;
  while (tail < limit - head && same(prev[prev.length - 1 - tail], next[next.length - 1 - tail], d)) tail++;
  if ((head + tail) * 2 < next.length) return undefined;
  const out: T[] = new Array(next.length);
  for (let i = 0; i < head; i++) {
    out[i] = abs[i];
    if (baseDelta !== 0) moves.push([abs[i], baseDelta]);
  }
  for (let i = head; i < next.length - tail; i++) out[i] = make(next[i]);
  for (let i = next.length - tail; i < next.length; i++) {
    const item = abs[i - next.length + prev.length];
    out[i] = item;
    if (d + baseDelta !== 0) moves.push([item, d + baseDelta]);
  }
  return out;
}

function patchedChart(prev: MermaidFlowchart, oldBase: number, abs: MermaidFlowchart, next: MermaidFlowchart, base: number): MermaidFlowchart | undefined {
  const baseDelta = base - oldBase;
  const node = (n: MermaidFlowchart['nodes'][number]) => ({ ...n, aliasSpan: at(n.aliasSpan, base), labelSpan: n.labelSpan && at(n.labelSpan, base), taskIdSpan: n.taskIdSpan && at(n.taskIdSpan, base) });
  const nodeMoves: [MermaidFlowchart['nodes'][number], number][] = [];
  const nodes = patchedList(prev.nodes, next.nodes, abs.nodes, (n) => n.aliasSpan, sameNode, node, baseDelta, nodeMoves);
  if (!nodes) return undefined;
  const edgeMoves: [MermaidFlowchart['edges'][number], number][] = [];
  const edges = patchedList(prev.edges, next.edges, abs.edges, (e) => e.span, sameEdge, (e) => ({ ...e, fromSpan: at(e.fromSpan, base), toSpan: at(e.toSpan, base), span: at(e.span, base) }), baseDelta, edgeMoves);
  if (!edges) return undefined;
  const occurrenceMoves: [{ alias: string; span: Span }, number][] = [];
  const aliasOccurrences = patchedList(prev.aliasOccurrences, next.aliasOccurrences, abs.aliasOccurrences, (o) => o.span, sameOccurrence, (o) => ({ alias: o.alias, span: at(o.span, base) }), baseDelta, occurrenceMoves);
  if (!aliasOccurrences) return undefined;
  const problemMoves: [{ message: string; span: Span }, number][] = [];
  const problems = patchedList(prev.problems, next.problems, abs.problems, (p) => p.span, sameProblem, (p) => ({ message: p.message, span: at(p.span, base) }), baseDelta, problemMoves);
  if (!problems) return undefined;
  // Only now, when the chart is sure to be patched, move the kept items.
  const move = (span: Span | undefined, d: number) => {
    if (span) {
      span.start += d;
      span.end += d;
    }
  };
  for (const [n, d] of nodeMoves) {
    move(n.aliasSpan, d);
    move(n.labelSpan, d);
    move(n.taskIdSpan, d);
  }
  for (const [e, d] of edgeMoves) {
    move(e.fromSpan, d);
    move(e.toSpan, d);
    move(e.span, d);
  }
  for (const [o, d] of occurrenceMoves) move(o.span, d);
  for (const [p, d] of problemMoves) move(p.span, d);
  return { keyword: next.keyword, direction: next.direction, nodes, edges, aliasOccurrences, problems };
}

function rowSpans(abs: AbsoluteRow): Span[] {
  // The task's spans are the row's, its cells' and its mentions' objects.
  const spans = [abs.row.span];
  for (const c of abs.row.cells) spans.push(c.span);
  for (const m of abs.mentions) spans.push(m.span);
  for (const p of abs.placeholders) spans.push(p.span);
  return spans;
}

function flowchartSpans(chart: MermaidFlowchart): Span[] {
  const spans: Span[] = [];
  for (const n of chart.nodes) {
    spans.push(n.aliasSpan);
    if (n.labelSpan) spans.push(n.labelSpan);
    if (n.taskIdSpan) spans.push(n.taskIdSpan);
  }
  for (const e of chart.edges) spans.push(e.fromSpan, e.toSpan, e.span);
  for (const o of chart.aliasOccurrences) spans.push(o.span);
  for (const p of chart.problems) spans.push(p.span);
  return spans;
}

interface AbsoluteRow {
  row: TableRow;
  task?: TaskDefinition;
  mentions: TaskMention[];
  placeholders: Placeholder[];
  /** The task's Depends On edges (sharing the references' spans), built once with the row. */
  edges: DependencyEdge[];
  /**
   * The row's first cell as a field key (canonicalKey), or '' when it has a digit (task IDs) or
   * no cell: what reading a key/value table looks up, kept with the row so that the rows of a
   * task table cost no lookup per assembly.
   */
  fieldKey: string;
}

function absoluteRowEntry(r: RowFacts, rowBase: number, tableIndex: number, section: number): CacheEntry {
  const isTaskTable = r.columns.kind === 'task';
  return cachedEntry(r, rowBase, () => {
    const row: TableRow = {
      span: at(r.row.span, rowBase),
      cells: r.row.cells.map((c) => ({ text: c.text, span: at(c.span, rowBase) })),
    };
    const mentions: TaskMention[] = r.mentions.map((m) => ({ id: m.id, span: at(m.span, rowBase), kind: m.kind }));
    const placeholders = r.placeholders.map((p) => ({ text: p.text, span: at(p.span, rowBase) }));
    let task: TaskDefinition | undefined;
    const idMention = isTaskTable ? mentions.find((m) => m.kind === 'definition') : undefined;
    if (idMention) {
      const dependsOnCell = row.cells[r.columns.dependsOn];
      const hoursCell = r.columns.hours >= 0 ? row.cells[r.columns.hours] : undefined;
      const unestimated = hoursCell ? isUnestimated(hoursCell.text) : undefined;
      const hours = hoursCell && !unestimated ? parseHours(hoursCell.text) : undefined;
      const statusCell = r.columns.status >= 0 ? row.cells[r.columns.status] : undefined;
      task = {
        id: idMention.id,
        idSpan: idMention.span,
        rowSpan: row.span,
        row,
        table: tableIndex,
        dependsOn: mentions.filter((m) => m.kind === 'dependsOn').map((m) => ({ id: m.id, span: m.span })),
        dependsOnCell,
        hoursCell,
        hours,
        section,
        status: statusCell ? parseStatusText(statusCell.text) : undefined,
        unestimated,
      };
    }
    const edges: DependencyEdge[] = task ? task.dependsOn.map((d) => ({ from: d.id, to: task!.id, span: d.span, source: 'table' as const })) : [];
    const first = row.cells[0];
    const fieldKey = first && !/\d/.test(first.text) ? canonicalKey(first.text) : '';
    return { row, task, mentions, placeholders, edges, fieldKey };
  }, rowSpans, rowTag(tableIndex, section));
}

function rowTag(tableIndex: number, section: number): number {
  return tableIndex * 1e6 + section + 1;
}

/**
 * What one table's body rows give the plan, concatenated in row order, with the end of each
 * row's share in every list (so that a later version can keep the shares of the rows it kept).
 */
interface TableSegment {
  tag: number;
  /** The assembly that last used it: one table's segment never serves two tables of one plan. */
  assembly: number;
  /** The row facts it was built from, and each row's cache entry (its AbsoluteRow and base). */
  facts: RowFacts[];
  entries: CacheEntry[];
  /** Whether the header reads rows as key | value fields (see assemblePlan). */
  keyRows: boolean;
  rows: TableRow[];
  tasks: TaskDefinition[];
  edges: DependencyEdge[];
  mentions: TaskMention[];
  texts: TaskMention[];
  placeholders: Placeholder[];
  fields: { field: Field; section: number }[];
  /** ends[k][i]: the length of list k (tasks, edges, mentions, texts, placeholders, fields) after row i. */
  ends: Int32Array[];
}

const SEGMENT_LISTS = 6;

/** The last segment built for a table header (the header survives a row edit; see blocks.ts). */
const segments = new WeakMap<object, TableSegment>();

function segmentLists(seg: TableSegment): unknown[][] {
  return [seg.tasks, seg.edges, seg.mentions, seg.texts, seg.placeholders, seg.fields];
}

/** Adds one row's shares to the lists. */
function addRow(lists: unknown[][], abs: AbsoluteRow, keyRows: boolean, section: number): void {
  if (abs.task) lists[0].push(abs.task);
  for (const e of abs.edges) lists[1].push(e);
  for (const m of abs.mentions) (m.kind === 'text' ? lists[3] : lists[2]).push(m);
  for (const p of abs.placeholders) lists[4].push(p);
  if (keyRows && abs.fieldKey && isTableKey(abs.fieldKey) && abs.row.cells[1]) {
    const cells = abs.row.cells;
    lists[5].push({ field: { key: abs.fieldKey, keySpan: cells[0].span, value: cells[1].text, valueSpan: cells[1].span, lineSpan: abs.row.span }, section });
  }
}

/**
 * The body rows of a table at `base`: rows kept from the segment of the table's previous version
 * (same row facts at the start and at the end) are moved, not looked up again, and their shares
 * of every list are copied as stretches; only the rows between are read.
 */
function tableSegment(t: NonNullable<BlockFacts['table']>, base: number, tableIndex: number, section: number, keyRows: boolean): TableSegment {
  const tag = rowTag(tableIndex, section);
  const n = t.rows.length;
  const previous = segments.get(t.header);
  let keepBefore = 0;
  let keepAfter = 0;
  if (previous && previous.tag === tag && previous.keyRows === keyRows && previous.assembly !== assemblyCount) {
    const old = previous.facts;
    const limit = Math.min(n, old.length);
    while (keepBefore < limit && t.rows[keepBefore] === old[keepBefore]) keepBefore++;
    while (keepAfter < limit - keepBefore && t.rows[n - 1 - keepAfter] === old[old.length - 1 - keepAfter]) keepAfter++;
  }
  const seg = (previous && keepBefore + keepAfter > 0 && keptSegment(previous, t, base, tableIndex, section, keyRows, keepBefore, keepAfter)) || newSegment(t, base, tableIndex, section, keyRows);
  segments.set(t.header, seg);
  return seg;
}

function emptySegment(t: NonNullable<BlockFacts['table']>, tag: number, keyRows: boolean): TableSegment {
  const n = t.rows.length;
  const seg: TableSegment = {
    tag,
    assembly: assemblyCount,
    facts: t.rows,
    entries: new Array(n),
    keyRows,
    rows: new Array(n),
    tasks: [],
    edges: [],
    mentions: [],
    texts: [],
    placeholders: [],
    fields: [],
    ends: [],
  };
  for (let k = 0; k < SEGMENT_LISTS; k++) seg.ends.push(new Int32Array(n));
  return seg;
}

function newSegment(t: NonNullable<BlockFacts['table']>, base: number, tableIndex: number, section: number, keyRows: boolean): TableSegment {
  const seg = emptySegment(t, rowTag(tableIndex, section), keyRows);
  const lists = segmentLists(seg);
  for (let i = 0; i < t.rows.length; i++) {
    const entry = absoluteRowEntry(t.rows[i], base + t.rowOffsets[i], tableIndex, section);
    const abs = entry.value as AbsoluteRow;
    seg.entries[i] = entry;
    seg.rows[i] = abs.row;
    addRow(lists, abs, keyRows, section);
    for (let k = 0; k < SEGMENT_LISTS; k++) seg.ends[k][i] = lists[k].length;
  }
  return seg;
}

/**
 * The segment of `t` keeping the first `keepBefore` and the last `keepAfter` rows of the previous
 * one; undefined when a kept row's object already serves this assembly elsewhere (the caller then
 * reads every row: rows this moved are found at their new place).
 */
function keptSegment(
  previous: TableSegment,
  t: NonNullable<BlockFacts['table']>,
  base: number,
  tableIndex: number,
  section: number,
  keyRows: boolean,
  keepBefore: number,
  keepAfter: number,
): TableSegment | undefined {
  const n = t.rows.length;
  const seg = emptySegment(t, previous.tag, keyRows);
  const lists = segmentLists(seg);
  const oldLists = segmentLists(previous);
  const oldN = previous.facts.length;
  /** Row `i` is the previous version's row `old`, moved; false when this assembly took it already. */
  const keepRow = (i: number, old: number): boolean => {
    const entry = previous.entries[old];
    if (entry.assembly === assemblyCount) return false;
    moveEntry(entry, base + t.rowOffsets[i]);
    seg.entries[i] = entry;
    seg.rows[i] = previous.rows[old];
    return true;
  };
  // Rows kept at the start.
  for (let i = 0; i < keepBefore; i++) if (!keepRow(i, i)) return undefined;
  for (let k = 0; k < SEGMENT_LISTS; k++) {
    const end = keepBefore ? previous.ends[k][keepBefore - 1] : 0;
    for (let j = 0; j < end; j++) lists[k].push(oldLists[k][j]);
    seg.ends[k].set(previous.ends[k].subarray(0, keepBefore));
  }
  // Rows read anew.
  for (let i = keepBefore; i < n - keepAfter; i++) {
    const entry = absoluteRowEntry(t.rows[i], base + t.rowOffsets[i], tableIndex, section);
    const abs = entry.value as AbsoluteRow;
    seg.entries[i] = entry;
    seg.rows[i] = abs.row;
    addRow(lists, abs, keyRows, section);
    for (let k = 0; k < SEGMENT_LISTS; k++) seg.ends[k][i] = lists[k].length;
  }
  // Rows kept at the end.
  for (let i = n - keepAfter; i < n; i++) if (!keepRow(i, i - n + oldN)) return undefined;
  for (let k = 0; k < SEGMENT_LISTS; k++) {
    const from = oldN - keepAfter > 0 ? previous.ends[k][oldN - keepAfter - 1] : 0;
    const shift = lists[k].length - from;
    const oldList = oldLists[k];
    for (let j = from; j < oldList.length; j++) lists[k].push(oldList[j]);
    const ends = seg.ends[k];
    const oldEnds = previous.ends[k];
    for (let i = n - keepAfter; i < n; i++) ends[i] = oldEnds[i - n + oldN] + shift;
  }
  return seg;
}

interface AbsoluteBlock {
  fields: Field[];
  mentions: TaskMention[];
  placeholders: Placeholder[];
  directives: DisableDirective[];
}

const NO_BLOCK_FACTS: AbsoluteBlock = { fields: [], mentions: [], placeholders: [], directives: [] };

/** The block's own fields, mentions, placeholders and directives at `base` (rows and code apart). */
function absoluteBlock(f: BlockFacts, base: number): AbsoluteBlock {
  if (f.fields.length + f.mentions.length + f.placeholders.length + f.directives.length === 0) return NO_BLOCK_FACTS;
  return cached(
    f,
    base,
    () => ({
      fields: f.fields.map((field) => shiftField(field, base)),
      mentions: f.mentions.map((m) => ({ id: m.id, span: at(m.span, base), kind: m.kind })),
      placeholders: f.placeholders.map((p) => ({ text: p.text, span: at(p.span, base) })),
      directives: f.directives.map((d) => ({ kind: d.kind, codes: d.codes, span: at(d.span, base) })),
    }),
    (abs) => {
      const spans: Span[] = [];
      for (const field of abs.fields) spans.push(field.keySpan, field.valueSpan, field.lineSpan);
      for (const m of abs.mentions) spans.push(m.span);
      for (const p of abs.placeholders) spans.push(p.span);
      for (const d of abs.directives) spans.push(d.span);
      return spans;
    },
  );
}

/**
 * What a flowchart of the task graph states: its dependency edges between tasks, and its task
 * mentions. Kept per (absolute, cached) flowchart object, whose spans these share.
 */
const chartGraphs = new WeakMap<MermaidFlowchart, ChartGraph>();

interface ChartGraph {
  edges: DependencyEdge[];
  mentions: TaskMention[];
  /** Each node alias's task ID (nodes that stand for a task). */
  taskOf: Map<string, string>;
  /** edgeEnds[i]: the number of `edges` from the chart's edges up to i; nodeEnds[i]: of `mentions` from its nodes up to i. */
  edgeEnds: Int32Array;
  nodeEnds: Int32Array;
}

/** The chart each patched chart was made from (absoluteChart): its graph is the starting point. */
const chartPrevious = new WeakMap<MermaidFlowchart, MermaidFlowchart>();

/** The stretch where `next` differs from `prev` by identity: next[head, next.length - tail) replaced prev[head, prev.length - tail). */
function keptEnds<T>(prev: readonly T[], next: readonly T[]): { head: number; tail: number } {
  const limit = Math.min(prev.length, next.length);
  let head = 0;
  while (head < limit && prev[head] === next[head]) head++;
  let tail = 0;
  while (tail < limit - head && prev[prev.length - 1 - tail] === next[next.length - 1 - tail]) tail++;
  return { head, tail };
}

function nodeMentions(n: MermaidFlowchart['nodes'][number], occurrences: Map<string, Span[]>, out: TaskMention[]): void {
  if (!n.taskId) return;
  // A bare ID is written at every use of its alias; a label names the task once. Both can
  // hold for one node (TASK_001[TASK_001: Schema]).
  const aliasSpans = n.alias === n.taskId ? occurrences.get(n.alias) ?? [] : [];
  for (const span of aliasSpans) out.push({ id: n.taskId, span, kind: 'mermaid' });
  if (n.taskIdSpan && !aliasSpans.some((s) => s.start === n.taskIdSpan!.start)) out.push({ id: n.taskId, span: n.taskIdSpan, kind: 'mermaid' });
}

function chartEdge(e: MermaidFlowchart['edges'][number], taskOf: Map<string, string>, out: DependencyEdge[]): void {
  const from = taskOf.get(e.from);
  const to = taskOf.get(e.to);
  if (from && to && e.kind !== 'invisible') out.push({ from, to, span: e.span, source: 'mermaid' });
}

function chartGraph(chart: MermaidFlowchart): ChartGraph {
  let graph = chartGraphs.get(chart);
  if (graph) return graph;
  const previous = chartPrevious.get(chart);
  const before = previous && chartGraphs.get(previous);
  graph = (before && patchedChartGraph(previous!, before, chart)) ?? wholeChartGraph(chart);
  chartGraphs.set(chart, graph);
  chartPrevious.delete(chart);
  return graph;
}

function wholeChartGraph(chart: MermaidFlowchart): ChartGraph {
  const graph: ChartGraph = { edges: [], mentions: [], taskOf: new Map(), edgeEnds: new Int32Array(chart.edges.length), nodeEnds: new Int32Array(chart.nodes.length) };
  for (const n of chart.nodes) if (n.taskId) graph.taskOf.set(n.alias, n.taskId);
  chart.edges.forEach((e, i) => {
    chartEdge(e, graph.taskOf, graph.edges);
    graph.edgeEnds[i] = graph.edges.length;
  });
  const occurrences = new Map<string, Span[]>();
  for (const o of chart.aliasOccurrences) {
    const list = occurrences.get(o.alias);
    if (list) list.push(o.span);
    else occurrences.set(o.alias, [o.span]);
  }
  chart.nodes.forEach((n, i) => {
    nodeMentions(n, occurrences, graph.mentions);
    graph.nodeEnds[i] = graph.mentions.length;
  });
  return graph;
}

/**
 * The graph of `chart`, made from `prev`'s (the chart it was patched from; kept items are the
 * same objects): kept edges and nodes keep their graph edges and mentions when the task of every
 * alias they read is unchanged and no alias of a kept task node gained or lost an occurrence;
 * undefined otherwise (the graph is then made whole). Takes over `before`'s alias map.
 */
function patchedChartGraph(prev: MermaidFlowchart, before: ChartGraph, chart: MermaidFlowchart): ChartGraph | undefined {
  const nodes = keptEnds(prev.nodes, chart.nodes);
  const edges = keptEnds(prev.edges, chart.edges);
  const occurrences = keptEnds(prev.aliasOccurrences, chart.aliasOccurrences);
  // Aliases whose task changed: kept edges naming them would change.
  const added = new Map<string, string | undefined>();
  for (let i = nodes.head; i < chart.nodes.length - nodes.tail; i++) added.set(chart.nodes[i].alias, chart.nodes[i].taskId);
  const changed: [string, string | undefined][] = [];
  const removedAliases = new Set<string>();
  for (let i = nodes.head; i < prev.nodes.length - nodes.tail; i++) removedAliases.add(prev.nodes[i].alias);
  for (const alias of new Set([...removedAliases, ...added.keys()])) {
    const now = added.get(alias);
    if (before.taskOf.get(alias) !== now) changed.push([alias, now]);
  }
  if (changed.length) {
    const aliases = new Set(changed.map(([a]) => a));
    for (let i = 0; i < edges.head; i++) if (aliases.has(chart.edges[i].from) || aliases.has(chart.edges[i].to)) return undefined;
    for (let i = chart.edges.length - edges.tail; i < chart.edges.length; i++) if (aliases.has(chart.edges[i].from) || aliases.has(chart.edges[i].to)) return undefined;
  }
  // Aliases that gained or lost an occurrence: a kept node standing for its own task ID lists them all.
  const touched = new Set<string>();
  for (let i = occurrences.head; i < prev.aliasOccurrences.length - occurrences.tail; i++) touched.add(prev.aliasOccurrences[i].alias);
  for (let i = occurrences.head; i < chart.aliasOccurrences.length - occurrences.tail; i++) touched.add(chart.aliasOccurrences[i].alias);
  const readsTouched = (n: MermaidFlowchart['nodes'][number]) => n.taskId !== undefined && n.alias === n.taskId && touched.has(n.alias);
  for (let i = 0; i < nodes.head; i++) if (readsTouched(chart.nodes[i])) return undefined;
  for (let i = chart.nodes.length - nodes.tail; i < chart.nodes.length; i++) if (readsTouched(chart.nodes[i])) return undefined;

  const taskOf = before.taskOf;
  for (const [alias, task] of changed) {
    if (task) taskOf.set(alias, task);
    else taskOf.delete(alias);
  }
  const graph: ChartGraph = { edges: [], mentions: [], taskOf, edgeEnds: new Int32Array(chart.edges.length), nodeEnds: new Int32Array(chart.nodes.length) };
  spliceCounted(before.edges, before.edgeEnds, prev.edges.length, edges, chart.edges.length, graph.edges, graph.edgeEnds, (i) => chartEdge(chart.edges[i], taskOf, graph.edges));
  // Occurrences of the aliases of the nodes read anew.
  const wanted = new Set<string>();
  for (let i = nodes.head; i < chart.nodes.length - nodes.tail; i++) if (chart.nodes[i].taskId === chart.nodes[i].alias) wanted.add(chart.nodes[i].alias);
  const spans = new Map<string, Span[]>();
  if (wanted.size) {
    for (const o of chart.aliasOccurrences) {
      if (!wanted.has(o.alias)) continue;
      const list = spans.get(o.alias);
      if (list) list.push(o.span);
      else spans.set(o.alias, [o.span]);
    }
  }
  spliceCounted(before.mentions, before.nodeEnds, prev.nodes.length, nodes, chart.nodes.length, graph.mentions, graph.nodeEnds, (i) => nodeMentions(chart.nodes[i], spans, graph.mentions));
  return graph;
}

/**
 * A list derived item by item (`ends`: its length after each item) for items whose first `head`
 * and last `tail` are kept: their shares are copied, the items between derived with `derive`.
 */
function spliceCounted<T>(
  prevList: T[],
  prevEnds: Int32Array,
  prevCount: number,
  kept: { head: number; tail: number },
  count: number,
  out: T[],
  ends: Int32Array,
  derive: (i: number) => void,
): void {
  const headEnd = kept.head ? prevEnds[kept.head - 1] : 0;
  for (let j = 0; j < headEnd; j++) out.push(prevList[j]);
  ends.set(prevEnds.subarray(0, kept.head));
  for (let i = kept.head; i < count - kept.tail; i++) {
    derive(i);
    ends[i] = out.length;
  }
  const from = prevCount - kept.tail > 0 ? prevEnds[prevCount - kept.tail - 1] : 0;
  const shift = out.length - from;
  for (let j = from; j < prevList.length; j++) out.push(prevList[j]);
  for (let i = count - kept.tail; i < count; i++) ends[i] = prevEnds[i - count + prevCount] + shift;
}

/**
 * The task IDs a `**Tasks:**` field lists, and their step mentions (sharing the spans): kept per
 * (absolute, cached) field object, whose value never changes, and moved with it.
 */
const fieldRefs = new WeakMap<Field, { pattern: string; base: number; assembly: number; refs: TaskRef[]; mentions: TaskMention[] }>();

function fieldTaskRefs(field: Field, pattern: string): { refs: TaskRef[]; mentions: TaskMention[] } {
  const base = field.valueSpan.start;
  const hit = fieldRefs.get(field);
  if (hit && hit.pattern === pattern && (hit.base === base || hit.assembly !== assemblyCount)) {
    if (hit.base !== base) {
      const delta = base - hit.base;
      for (const r of hit.refs) {
        r.span.start += delta;
        r.span.end += delta;
      }
      hit.base = base;
    }
    hit.assembly = assemblyCount;
    return hit;
  }
  const refs = findTaskIds(field.value, pattern, base);
  const entry = { pattern, base, assembly: assemblyCount, refs, mentions: refs.map((r): TaskMention => ({ id: r.id, span: r.span, kind: 'step' })) };
  fieldRefs.set(field, entry);
  return entry;
}

function normalizeTitle(title: string): string {
  return title.replace(/[*_`]/g, '').replace(/:\s*$/, '').trim();
}

export function assemblePlan(
  uri: string,
  version: number,
  text: string,
  blocks: Block[],
  taskIdPattern: string,
  kind: PlanKind = 'template',
  /** The pattern of the plan's own task IDs (Plan.taskIdRegExp); the extraction pattern by default. */
  idPattern: string = taskIdPattern,
  /** The line index of `text`, when the caller keeps one. */
  lines: LineIndex = new LineIndex(text),
  /**
   * The plan of the document's previous version, when the caller keeps it: its charts' objects
   * may be taken over (and moved), so it is not to be read any more.
   */
  previous?: Plan,
): Plan {
  assemblyCount++;
  const previousCharts = previous && chartsOfPlan.get(previous);
  const charts: MermaidFlowchart[] = [];
  const sections: Section[] = [];
  const tables: Table[] = [];
  const tasks: TaskDefinition[] = [];
  const mermaid: MermaidBlock[] = [];
  const checklists: ChecklistItem[] = [];
  const fences: CodeFence[] = [];
  const placeholders: Placeholder[] = [];
  const directives: DisableDirective[] = [];
  const fields: { field: Field; section: number }[] = [];
  const textMentions: TaskMention[] = [];
  const mentions: TaskMention[] = [];
  const listItems: ListItemFacts[] = [];
  /** Fields read from tables (see below), after the blocks' own fields. */
  const tableFields: { field: Field; section: number }[] = [];
  /** Depends On edges of table rows, in row order. */
  const tableEdges: DependencyEdge[] = [];
  let title: Plan['title'];

  // Section stack: indices of open sections by level.
  const open: number[] = [];
  let current = -1;

  for (const block of blocks) {
    const f = block.facts;
    const base = block.start;
    if (f.heading) {
      const level = f.heading.depth;
      while (open.length && sections[open[open.length - 1]].level >= level) {
        sections[open.pop()!].span.end = block.start;
      }
      const parent = open.length ? open[open.length - 1] : -1;
      const index = sections.length;
      sections.push({
        title: normalizeTitle(f.heading.title),
        level,
        headingSpan: { start: block.start, end: block.end },
        titleSpan: at(f.heading.titleSpan, base),
        span: { start: block.start, end: text.length },
        parent,
        children: [],
      });
      if (parent >= 0) sections[parent].children.push(index);
      open.push(index);
      current = index;
      if (!title) title = { text: f.heading.title, span: at(f.heading.titleSpan, base) };
    }
    const abs = absoluteBlock(f, base);
    for (const field of abs.fields) fields.push({ field, section: current });
    for (const item of f.checklist) checklists.push({ checked: item.checked, span: at(item.span, base), section: current });
    if (f.listItems && kind !== 'template') for (const item of f.listItems) listItems.push({ checked: item.checked, span: at(item.span, base) });
    for (const p of abs.placeholders) placeholders.push(p);
    for (const d of abs.directives) directives.push(d);
    if (f.table) {
      const t = f.table;
      const tableIndex = tables.length;
      const header = t.header.map((c) => ({ text: c.text, span: at(c.span, base) }));
      // Overview fields or a sign-off written as a table: a header of their keys over one row of
      // values, or rows of key | value.
      const headerKeys = t.rows.length > 0 && header.filter((c) => isTableKey(canonicalKey(c.text))).length >= 2;
      const keyRows = !headerKeys && header.length >= 2;
      if (keyRows) {
        // No key has a digit: the rows of a task table (IDs) are passed over without a lookup.
        const key = header[0] && !/\d/.test(header[0].text) ? canonicalKey(header[0].text) : '';
        if (isTableKey(key) && header[1]) {
          tableFields.push({ field: { key, keySpan: header[0].span, value: header[1].text, valueSpan: header[1].span, lineSpan: header[0].span }, section: current });
        }
      }
      const seg = tableSegment(t, base, tableIndex, current, keyRows);
      const rows = seg.rows.slice();
      for (const x of seg.tasks) tasks.push(x);
      for (const x of seg.edges) tableEdges.push(x);
      for (const x of seg.mentions) mentions.push(x);
      for (const x of seg.texts) textMentions.push(x);
      for (const x of seg.placeholders) placeholders.push(x);
      for (const x of seg.fields) tableFields.push(x);
      if (headerKeys) {
        const row = rows[0];
        header.forEach((c, i) => {
          const key = canonicalKey(c.text);
          const cell = row.cells[i];
          if (isTableKey(key) && cell) tableFields.push({ field: { key, keySpan: c.span, value: cell.text, valueSpan: cell.span, lineSpan: row.span }, section: current });
        });
      }
      tables.push({
        span: { start: block.start, end: block.end },
        header,
        section: current,
        rows,
        columnCount: t.header.length,
      });
    }
    if (f.code && f.code.fenceLength > 0) {
      const c = f.code;
      fences.push({
        span: { start: block.start, end: block.end },
        lang: c.lang,
        fenceChar: c.fenceChar,
        fenceLength: c.fenceLength,
        openingSpan: at(c.openingSpan, base),
        closed: c.closed,
        nestedOpenings: c.nestedOpenings.map((s) => at(s, base)),
        neverClosedAt: c.neverClosedAt === undefined ? undefined : base + c.neverClosedAt,
        firstHeadingAt: c.firstHeadingAt === undefined ? undefined : base + c.firstHeadingAt,
      });
      if (c.flowchart) {
        mermaid.push({
          span: { start: block.start, end: block.end },
          contentStart: base + c.contentStart,
          flowchart: absoluteChart(c.flowchart, base + c.contentStart, previousCharts?.[charts.length], charts),
          section: current,
        });
      }
    }
    for (const mention of abs.mentions) {
      if (mention.kind === 'text') textMentions.push(mention);
      else mentions.push(mention);
    }
  }
  for (const index of open) sections[index].span.end = text.length;

  // Task lists (spec-kit, Kiro): tasks, dependencies and phases from their list items.
  const list = kind === 'template' ? undefined : readListKind({ kind, text, sections, items: listItems, fences });
  if (list) {
    for (const t of list.tasks) tasks.push(t);
    for (const m of list.mentions) mentions.push(m);
  }

  const fieldCount = fields.length;
  for (const f of tableFields) fields.push(f);
  if (fields.length > fieldCount) fields.sort((a, b) => a.field.lineSpan.start - b.field.lineSpan.start);

  // Overview metadata and sign-off footer.
  const metadata = new Map<string, Field>();
  const footer = new Map<string, Field>();
  const overview = sections.findIndex((s, i) => i > 0 && headingMatchesSection(s.title, 'Overview'));
  const isIn = (section: number, ancestor: number) => {
    for (let s = section; s >= 0; s = sections[s].parent) if (s === ancestor) return true;
    return false;
  };
  for (const { field, section } of fields) {
    const key = canonicalKey(field.key);
    if (overview >= 0 && isIn(section, overview)) {
      if (METADATA_KEYS.includes(key) && !metadata.has(key)) metadata.set(key, { ...field, key });
    } else if (FOOTER_KEYS.includes(key)) {
      footer.set(key, { ...field, key }); // the last sign-off wins
    }
  }
  if (overview < 0) {
    for (const { field } of fields) {
      const key = canonicalKey(field.key);
      if (METADATA_KEYS.includes(key) && !metadata.has(key) && !FOOTER_KEYS.includes(key)) metadata.set(key, { ...field, key });
    }
  }

  // Steps: every `Step N` heading wherever it is; when the Implementation Sequence holds none,
  // its direct sub-sections are its steps. A step inside a step is part of the outer one.
  // Task lists (spec-kit, Kiro) have phases instead: their steps are list.phases.
  const sequenceSection = list ? -1 : sections.findIndex((s, i) => i > 0 && headingMatchesSection(s.title, 'Implementation Sequence'));
  const isStepHeading = sections.map((s, i) => !list && (i > 0 || s.level > 1) && stepHeadingNumber(s.title) !== undefined);
  const sequenceHasStepHeadings =
    sequenceSection >= 0 && sections.some((s, i) => isStepHeading[i] && i > sequenceSection && s.headingSpan.start < sections[sequenceSection].span.end);
  // Each section's enclosing step, in one pass (parents come before children).
  const stepOf = new Array<number>(sections.length).fill(-1);
  const stepSections: number[] = [];
  sections.forEach((s, i) => {
    const inherited = s.parent >= 0 ? stepOf[s.parent] : -1;
    if (inherited >= 0) stepOf[i] = inherited;
    else if (isStepHeading[i] || (!sequenceHasStepHeadings && sequenceSection >= 0 && s.parent === sequenceSection)) {
      stepOf[i] = i;
      stepSections.push(i);
    }
  });
  const steps: Step[] = list ? list.phases : [];
  const looseTaskFields: Field[] = [];
  const tasksFieldOf = new Map<number, Field>();
  for (const { field, section } of fields) {
    if (canonicalKey(field.key) !== 'Tasks') continue;
    const step = section >= 0 ? stepOf[section] : -1;
    if (step < 0) looseTaskFields.push(field);
    else if (!tasksFieldOf.has(step)) tasksFieldOf.set(step, field);
  }
  const stepMentionOffsets = new Set<number>();
  for (const index of stepSections) {
    const s = sections[index];
    const tasksField = tasksFieldOf.get(index);
    const listed = tasksField ? fieldTaskRefs(tasksField, taskIdPattern) : undefined;
    let taskRefs: TaskRef[] = listed ? listed.refs : [];
    if (tasksField && taskRefs.length === 0) {
      // "**Tasks:**" followed by a list: the IDs of the list items right below it.
      const end = taskListEnd(text, tasksField.lineSpan.end, s.span.end, fields);
      taskRefs = textMentions
        .filter((m) => m.span.start >= tasksField.lineSpan.end && m.span.end <= end)
        .map((m) => ({ id: m.id, span: m.span }));
    }
    steps.push({
      title: s.title,
      number: stepHeadingNumber(s.title),
      headingSpan: s.headingSpan,
      span: s.span,
      tasksField,
      tasks: taskRefs,
    });
    if (listed && listed.refs.length) {
      for (const m of listed.mentions) {
        mentions.push(m);
        stepMentionOffsets.add(m.span.start);
      }
    } else {
      for (const r of taskRefs) {
        mentions.push({ id: r.id, span: r.span, kind: 'step' });
        stepMentionOffsets.add(r.span.start);
      }
    }
  }
  // Step references were found as text mentions too; keep each offset once.
  for (const m of textMentions) if (!stepMentionOffsets.has(m.span.start) && !(list && insideMention(list.mentions, m.span.start))) mentions.push(m);

  // The task graph: mermaid flowcharts of the Task Breakdown section (all of them if the plan has none).
  const breakdown = sections.findIndex((s, i) => i > 0 && headingMatchesSection(s.title, 'Task Breakdown with Dependencies'));
  const graphBlocks = mermaid.filter((m) => breakdown < 0 || (m.section >= 0 && isIn(m.section, breakdown)));
  const edges: DependencyEdge[] = tableEdges;
  if (list) {
    for (const t of list.tasks) for (const d of t.dependsOn) edges.push({ from: d.id, to: t.id, span: d.span, source: 'table' });
    for (const e of list.edges) edges.push(e);
  }
  for (const block of graphBlocks) {
    const graph = chartGraph(block.flowchart!);
    for (const e of graph.edges) edges.push(e);
    for (const m of graph.mentions) mentions.push(m);
  }
  mentions.sort((a, b) => a.span.start - b.span.start);
  placeholders.sort((a, b) => a.span.start - b.span.start);

  // A new map per version: diagnostics compare it with the previous version's (checkReuse.ts).
  const taskById = new Map<string, TaskDefinition>();
  for (const t of tasks) if (!taskById.has(t.id)) taskById.set(t.id, t);

  const plan: Plan = {
    uri,
    version,
    text,
    lines,
    title,
    sections,
    metadata,
    footer,
    tables,
    tasks,
    taskById,
    steps,
    sequenceSection,
    looseTaskFields,
    mermaid: graphBlocks,
    edges,
    checklists,
    fences,
    mentions,
    placeholders,
    directives,
    dependencySlots: list?.slots ?? [],
    requirementRefs: list?.requirementRefs ?? [],
    kind,
    taskIdRegExp: () => taskIdRegExp(idPattern),
  };
  chartsOfPlan.set(plan, charts);
  return plan;
}

/**
 * Where the list of task IDs under an empty `**Tasks:**` line ends: at the first line that is
 * neither a list item, a continuation of one (indented) nor blank, at the next field line, or at
 * the end of the step.
 */
function taskListEnd(text: string, from: number, stepEnd: number, fields: { field: Field }[]): number {
  let end = stepEnd;
  // The first field line after `from` (fields are in document order).
  let low = 0;
  let high = fields.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (fields[mid].field.lineSpan.start < from) low = mid + 1;
    else high = mid;
  }
  if (low < fields.length && fields[low].field.lineSpan.start < end) end = fields[low].field.lineSpan.start;
  let pos = from;
  // Skip the line break ending the Tasks line.
  if (text[pos] === '\r') pos++;
  if (text[pos] === '\n') pos++;
  let sawItem = false;
  let paragraph = true; // still in the paragraph of the Tasks line ("**Tasks:**\nTASK_001, TASK_002")
  while (pos < end) {
    let lineEnd = text.indexOf('\n', pos);
    if (lineEnd < 0 || lineEnd > end) lineEnd = end;
    const line = text.slice(pos, lineEnd);
    if (LIST_ITEM.test(line)) {
      sawItem = true;
      paragraph = false;
    } else if (line.trim() === '') {
      paragraph = false;
      // A blank line inside a list goes on; after the list, the list is over.
      if (sawItem && !LIST_ITEM.test(nextNonBlankLine(text, lineEnd + 1, end))) return pos;
    } else if (!paragraph && !(sawItem && /^[ \t]{2,}\S/.test(line))) {
      return pos;
    }
    pos = lineEnd + 1;
  }
  return end;
}

const LIST_ITEM = /^[ \t]{0,3}(?:[-*+]|\d{1,9}[.)])[ \t]/;

function nextNonBlankLine(text: string, from: number, end: number): string {
  let pos = from;
  while (pos < end) {
    let lineEnd = text.indexOf('\n', pos);
    if (lineEnd < 0 || lineEnd > end) lineEnd = end;
    const line = text.slice(pos, lineEnd);
    if (line.trim() !== '') return line;
    pos = lineEnd + 1;
  }
  return '';
}

/** Whether an offset falls inside one of the (sorted, disjoint) mentions. */
function insideMention(list: TaskMention[], offset: number): boolean {
  let low = 0;
  let high = list.length - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    const m = list[mid];
    if (m.span.end <= offset) low = mid + 1;
    else if (m.span.start > offset) high = mid - 1;
    else return true;
  }
  return false;
}

/** Keys a table may give fields by (metadata and sign-off). */
function isTableKey(key: string): boolean {
  return FOOTER_KEYS.includes(key) || METADATA_KEYS.includes(key);
}

/** Field keys as the template spells them, whatever the case (memoized: asked per field per assembly). */
function canonicalKey(key: string): string {
  let canonical = canonicalKeys.get(key);
  if (canonical === undefined) {
    if (canonicalKeys.size >= 10_000) canonicalKeys.clear();
    canonical = computeCanonicalKey(key);
    canonicalKeys.set(key, canonical);
  }
  return canonical;
}

const canonicalKeys = new Map<string, string>();

function computeCanonicalKey(key: string): string {
  const k = key.trim().replace(/[*_`]/g, '').replace(/:\s*$/, '').replace(/\s+/g, ' ').toLowerCase();
  if (/^(?:tasks?|task ids?)$/.test(k)) return 'Tasks';
  if (k === 'reviewer') return 'Reviewed By';
  if (k === 'approval') return 'Approved';
  for (const known of [...METADATA_KEYS, ...FOOTER_KEYS, 'Tasks', 'Purpose', 'Deliverables']) {
    if (known.toLowerCase() === k) return known;
  }
  return key.trim();
}

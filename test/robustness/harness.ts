// Shared checks for the robustness suites: run the model builder and every language feature on
// one text and verify what comes back, independently of the code under test (positions are
// recomputed here from the LSP rules, edits are applied with vscode-languageserver-textdocument).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Diagnostic, DocumentSymbol, Position, Range, TextEdit, WorkspaceEdit } from 'vscode-languageserver-types';
import { parsePlan, type Plan, type Span } from '../../server/src/plan';
import { codeActions } from '../../server/src/features/codeActions';
import { complete } from '../../server/src/features/completion';
import { findDefinition } from '../../server/src/features/definition';
import { computeDiagnostics } from '../../server/src/features/diagnostics';
import { documentSymbols } from '../../server/src/features/documentSymbols';
import { foldingRanges } from '../../server/src/features/foldingRanges';
import { hoverTask } from '../../server/src/features/hover';
import {
  addDependencyEdit,
  addGraphEdgesEdit,
  addTaskRowEdit,
  addTaskToStepEdit,
  insertSectionEdit,
  syncGraphFromTable,
  syncTableFromGraph,
} from '../../server/src/features/planEdits';
import { planSummary, sectionList, taskList } from '../../server/src/features/planInfo';
import { findReferences } from '../../server/src/features/references';
import { prepareRename, renameTask } from '../../server/src/features/rename';
import { buildTaskGraph } from '../../server/src/features/taskGraph';
import { DEFAULT_SETTINGS } from '../../shared/settings';

export const ROOT = path.resolve(__dirname, '..', '..');
export const FIXTURES = path.join(ROOT, 'test', 'fixtures');

/** Every Markdown fixture under test/fixtures, by relative path. */
export function loadFixtures(): { name: string; text: string }[] {
  const out: { name: string; text: string }[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.md')) out.push({ name: path.relative(FIXTURES, full), text: fs.readFileSync(full, 'utf8') });
    }
  };
  walk(FIXTURES);
  return out;
}

// ---- Positions, computed here from the LSP rules (lines end at \r\n, \r or \n; UTF-16 units) ----

export interface Lines {
  starts: number[];
  /** End of each line's content, before its line break. */
  ends: number[];
}

export function lineTable(text: string): Lines {
  const starts = [0];
  const ends: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\r' || c === '\n') {
      ends.push(i);
      if (c === '\r' && text[i + 1] === '\n') i++;
      starts.push(i + 1);
    }
  }
  ends.push(text.length);
  return { starts, ends };
}

/** The offset of a position that must be valid (line in range, character within the line). */
export function offsetOf(lines: Lines, p: Position): number {
  return lines.starts[p.line] + p.character;
}

export function assertPosition(lines: Lines, p: Position, what: string): void {
  assert.ok(p && Number.isInteger(p.line) && Number.isInteger(p.character), `${what}: not a position: ${JSON.stringify(p)}`);
  assert.ok(p.line >= 0 && p.line < lines.starts.length, `${what}: line ${p.line} is outside the document (${lines.starts.length} lines)`);
  const length = lines.ends[p.line] - lines.starts[p.line];
  assert.ok(p.character >= 0 && p.character <= length, `${what}: character ${p.character} is outside line ${p.line} (length ${length})`);
}

export function assertRange(lines: Lines, r: Range, what: string): void {
  assert.ok(r && r.start && r.end, `${what}: not a range: ${JSON.stringify(r)}`);
  assertPosition(lines, r.start, `${what} start`);
  assertPosition(lines, r.end, `${what} end`);
  assert.ok(offsetOf(lines, r.start) <= offsetOf(lines, r.end), `${what}: range ends before it starts: ${JSON.stringify(r)}`);
}

export function rangeText(text: string, lines: Lines, r: Range): string {
  return text.slice(offsetOf(lines, r.start), offsetOf(lines, r.end));
}

export function contains(lines: Lines, outer: Range, inner: Range): boolean {
  return offsetOf(lines, outer.start) <= offsetOf(lines, inner.start) && offsetOf(lines, inner.end) <= offsetOf(lines, outer.end);
}

/** Applies edits made against `text`, as an LSP client would (throws on overlapping edits). */
export function applyEdits(text: string, edits: TextEdit[]): string {
  return TextDocument.applyEdits(TextDocument.create('file:///x.md', 'markdown', 0, text), edits);
}

export function assertEditsValid(text: string, lines: Lines, edits: TextEdit[], what: string): void {
  const sorted = edits.map((e, i) => {
    assertRange(lines, e.range, `${what} edit ${i}`);
    assert.equal(typeof e.newText, 'string', `${what} edit ${i}: newText is not a string`);
    return { start: offsetOf(lines, e.range.start), end: offsetOf(lines, e.range.end) };
  });
  sorted.sort((a, b) => a.start - b.start || a.end - b.end);
  for (let i = 1; i < sorted.length; i++) {
    assert.ok(sorted[i].start >= sorted[i - 1].end, `${what}: edits overlap (${JSON.stringify(sorted[i - 1])} and ${JSON.stringify(sorted[i])})`);
  }
}

/** Edits for `uri` in a WorkspaceEdit (changes form only: the server never sends documentChanges). */
export function editsOf(edit: WorkspaceEdit | null | undefined, uri: string): TextEdit[] {
  if (!edit) return [];
  assert.equal(edit.documentChanges, undefined, 'unexpected documentChanges');
  const keys = Object.keys(edit.changes ?? {});
  assert.ok(keys.every((k) => k === uri), `edit for another document: ${keys.join(', ')}`);
  return edit.changes?.[uri] ?? [];
}

function assertSpanInText(plan: Plan, span: Span | undefined, what: string): void {
  if (!span) return;
  assert.ok(
    Number.isInteger(span.start) && Number.isInteger(span.end) && 0 <= span.start && span.start <= span.end && span.end <= plan.text.length,
    `${what}: span ${JSON.stringify(span)} is outside the text (length ${plan.text.length})`,
  );
}

/** Model invariants: spans inside the text, every mention's text is its ID. */
export function checkModel(plan: Plan): void {
  for (const m of plan.mentions) {
    assertSpanInText(plan, m.span, `mention ${m.id}`);
    assert.equal(plan.text.slice(m.span.start, m.span.end), m.id, `a ${m.kind} mention's text is not its ID`);
  }
  for (const t of plan.tasks) {
    assertSpanInText(plan, t.idSpan, `task ${t.id}`);
    assertSpanInText(plan, t.rowSpan, `row of ${t.id}`);
    assert.equal(plan.text.slice(t.idSpan.start, t.idSpan.end), t.id, 'a task idSpan does not hold its ID');
    for (const d of t.dependsOn) assert.equal(plan.text.slice(d.span.start, d.span.end), d.id, 'a Depends On span does not hold its ID');
  }
  for (const s of plan.sections) {
    assertSpanInText(plan, s.span, 'section');
    assertSpanInText(plan, s.headingSpan, 'heading');
    assertSpanInText(plan, s.titleSpan, 'title');
  }
  for (const e of plan.edges) assertSpanInText(plan, e.span, 'edge');
  for (const f of plan.fences) assertSpanInText(plan, f.span, 'fence');
  for (const p of plan.placeholders) assertSpanInText(plan, p.span, 'placeholder');
  for (const m of plan.mermaid) {
    assertSpanInText(plan, m.span, 'mermaid block');
    for (const n of m.flowchart?.nodes ?? []) {
      assertSpanInText(plan, n.aliasSpan, 'mermaid alias');
      assertSpanInText(plan, n.taskIdSpan, 'mermaid task id');
    }
    for (const p of m.flowchart?.problems ?? []) assertSpanInText(plan, p.span, 'mermaid problem');
  }
}

const URI = 'file:///work/plans/fuzz.plan.md';

export function parse(text: string): Plan {
  return parsePlan(text, { uri: URI, version: 1 });
}

/** A task ID the text does not contain anywhere. */
export function freshId(text: string, base = 987_654): string {
  for (let n = base; ; n++) {
    const id = `TASK_${n}`;
    if (!text.includes(id)) return id;
  }
}

export interface ExerciseOptions {
  /** How many positions to probe with the position-based features (besides every mention). */
  positions?: number;
  /** Max mentions probed. */
  mentions?: number;
  /** Apply returned edits and re-parse (rename, quick fixes, sync, add task, insert section). */
  applyEdits?: boolean;
  /** Deterministic choices (a fast-check seed for the case). */
  salt?: number;
}

export interface ExerciseStats {
  diagnostics: number;
  positions: number;
  editsApplied: number;
}

/** Probes positions: every mention (up to a limit), line starts and ends, random and out-of-range positions. */
function probePositions(plan: Plan, lines: Lines, options: ExerciseOptions): Position[] {
  const out: Position[] = [];
  const salt = options.salt ?? 1;
  const maxMentions = options.mentions ?? 24;
  const step = Math.max(1, Math.floor(plan.mentions.length / maxMentions));
  for (let i = 0; i < plan.mentions.length; i += step) {
    const m = plan.mentions[i];
    out.push(plan.lines.positionAt(m.span.start), plan.lines.positionAt(m.span.end), plan.lines.positionAt((m.span.start + m.span.end) >> 1));
  }
  const lineCount = lines.starts.length;
  const count = options.positions ?? 16;
  for (let i = 0; i < count; i++) {
    const line = (salt * 7919 + i * 104729) % lineCount;
    const length = lines.ends[line] - lines.starts[line];
    out.push({ line, character: 0 }, { line, character: length }, { line, character: (salt + i * 31) % (length + 1) });
  }
  // What clients sometimes send: past the end of a line or of the document.
  out.push({ line: lineCount - 1, character: 1e6 }, { line: lineCount + 3, character: 0 }, { line: 0, character: 1e6 });
  return out;
}

function checkSymbols(lines: Lines, symbols: DocumentSymbol[], what: string): number {
  let n = 0;
  for (const s of symbols) {
    n++;
    assertRange(lines, s.range, `${what} ${s.name} range`);
    assertRange(lines, s.selectionRange, `${what} ${s.name} selectionRange`);
    // VS Code rejects the whole outline when a selectionRange is not inside its range.
    assert.ok(contains(lines, s.range, s.selectionRange), `${what} ${s.name}: selectionRange is not inside range`);
    assert.ok(typeof s.name === 'string' && s.name.length > 0, `${what}: a symbol has an empty name (VS Code rejects it)`);
    n += checkSymbols(lines, s.children ?? [], `${what} > ${s.name}`);
  }
  return n;
}

function checkDiagnostics(lines: Lines, diagnostics: Diagnostic[], what: string): void {
  diagnostics.forEach((d, i) => {
    assertRange(lines, d.range, `${what} ${i} (${String(d.code)})`);
    for (const r of d.relatedInformation ?? []) assertRange(lines, r.location.range, `${what} ${i} (${String(d.code)}) related`);
    assert.ok(typeof d.message === 'string' && d.message.length > 0, `${what} ${i}: empty message`);
  });
}

/** Re-parses text produced by applying edits; the text must not have lost anything outside the edits. */
function reparse(text: string, what: string): Plan {
  try {
    const plan = parse(text);
    checkModel(plan);
    return plan;
  } catch (error) {
    throw new Error(`${what}: the edited text does not re-parse: ${error instanceof Error ? error.stack : String(error)}`);
  }
}

/**
 * Runs the model builder and every language feature on `text`; throws (an assertion error) when
 * anything throws or returns a range outside the document or edits that do not apply.
 */
export function exercise(text: string, options: ExerciseOptions = {}): ExerciseStats {
  const plan = parse(text);
  checkModel(plan);
  const lines = lineTable(text);
  assert.equal(plan.lines.lineCount, lines.starts.length, 'the plan counts a different number of lines than LSP does');
  const stats: ExerciseStats = { diagnostics: 0, positions: 0, editsApplied: 0 };
  const diagnostics = computeDiagnostics(plan, DEFAULT_SETTINGS);
  stats.diagnostics = diagnostics.length;
  checkDiagnostics(lines, diagnostics, 'diagnostic');
  // Diagnostics are sent to the client and come back in code action requests: they must survive JSON.
  const wireDiagnostics = JSON.parse(JSON.stringify(diagnostics)) as Diagnostic[];

  checkSymbols(lines, documentSymbols(plan), 'symbol');
  for (const f of foldingRanges(plan)) {
    assert.ok(f.startLine >= 0 && f.startLine < f.endLine && f.endLine < lines.starts.length, `folding range ${JSON.stringify(f)} is outside the document`);
  }
  const graph = buildTaskGraph(plan, diagnostics);
  JSON.stringify(graph);
  for (const n of graph.nodes) if (n.range) assertRange(lines, n.range, `graph node ${n.id}`);
  for (const c of graph.cycles) assert.ok(c.length >= 2 && c[0] === c[c.length - 1], `a cycle is not closed: ${c.join(' -> ')}`);
  const list = taskList(plan);
  for (const t of list.tasks) assertRange(lines, t.range, `task list ${t.id}`);
  for (const s of list.steps) assertRange(lines, s.range, `task list step ${s.title}`);
  sectionList(plan);
  const summary = planSummary(plan, diagnostics);
  assert.ok(Number.isFinite(summary.criticalPathHours), 'critical path hours are not finite');

  const newName = freshId(text);
  // References and rename answer the same for every position on one ID: check those lists once per ID.
  const checkedIds = new Set<string>();
  for (const p of probePositions(plan, lines, options)) {
    stats.positions++;
    const where = `at ${p.line}:${p.character}`;
    const completion = complete(plan, p, DEFAULT_SETTINGS);
    for (const item of completion.items) {
      const edit = item.textEdit;
      if (edit && 'range' in edit) assertRange(lines, edit.range, `completion ${item.label} ${where}`);
    }
    for (const l of findDefinition(plan, p)) assertRange(lines, l.range, `definition ${where}`);
    const hover = hoverTask(plan, p);
    if (hover?.range) assertRange(lines, hover.range, `hover ${where}`);
    const prepared = prepareRename(plan, p);
    if (prepared) {
      assertRange(lines, prepared.range, `prepareRename ${where}`);
      assert.equal(rangeText(text, lines, prepared.range), prepared.placeholder, `prepareRename ${where}: the range does not hold the ID`);
    }
    const references = [findReferences(plan, p, true), findReferences(plan, p, false)];
    const edit = renameTask(plan, p, newName);
    if (prepared && checkedIds.has(prepared.placeholder)) continue;
    if (prepared) checkedIds.add(prepared.placeholder);
    for (const list of references) for (const l of list) assertRange(lines, l.range, `references ${where}`);
    if (!edit) continue;
    const edits = editsOf(edit, plan.uri);
    assertEditsValid(text, lines, edits, `rename ${where}`);
    for (const e of edits) assert.equal(rangeText(text, lines, e.range), prepared?.placeholder, `rename ${where}: an edit does not replace the old ID`);
  }

  codeActions(plan, wireDiagnostics);
  if (options.applyEdits !== false) {
    stats.editsApplied += applyAndCheck(plan, text, lines, wireDiagnostics, newName, options.salt ?? 0);
  }
  return stats;
}

/** Applies every kind of edit the server computes and re-parses the result. */
function applyAndCheck(plan: Plan, text: string, lines: Lines, diagnostics: Diagnostic[], newName: string, salt: number): number {
  let applied = 0;
  // Rename: the first mentioned ID, renamed to an ID the text does not hold.
  const first = plan.mentions[0];
  if (first) {
    const oldId = first.id;
    const before = plan.mentions.filter((m) => m.id === oldId).length;
    const edits = editsOf(renameTask(plan, plan.lines.positionAt(first.span.start), newName), plan.uri);
    assertEditsValid(text, lines, edits, 'rename');
    const renamed = reparse(applyEdits(text, edits), `rename ${oldId} -> ${newName}`);
    applied++;
    const after = renamed.mentions.filter((m) => m.id === newName).length;
    const left = renamed.mentions.filter((m) => m.id === oldId).length;
    assert.equal(left, 0, `rename ${oldId} -> ${newName}: ${left} mention(s) of ${oldId} remain`);
    assert.equal(after, before, `rename ${oldId} -> ${newName}: ${before} mentions before, ${after} of the new ID after`);
  }
  // Quick fixes: each one alone, as the user picks one; one per diagnostic code, two at most
  // (each is a re-parse; which ones depends on the case).
  const actions = codeActions(plan, diagnostics);
  const seen = new Set<string>();
  const start = actions.length ? (salt >>> 0) % actions.length : 0;
  for (const action of [...actions.slice(start), ...actions.slice(0, start)]) {
    const code = String(action.diagnostics?.[0]?.code);
    if (seen.has(code) || seen.size >= 2) continue;
    seen.add(code);
    const edits = editsOf(action.edit, plan.uri);
    assertEditsValid(text, lines, edits, `quick fix "${action.title}"`);
    reparse(applyEdits(text, edits), `quick fix "${action.title}"`);
    applied++;
  }
  // Sync in both directions.
  for (const [name, sync] of [
    ['sync graph from table', syncGraphFromTable],
    ['sync table from graph', syncTableFromGraph],
  ] as const) {
    const result = sync(plan);
    if (typeof result === 'string') continue;
    assertEditsValid(text, lines, result, name);
    reparse(applyEdits(text, result), name);
    applied++;
  }
  // Add task, as the server's planmark/addTask does: row + graph edges + step.
  const prerequisite = plan.tasks[0]?.id;
  const row = addTaskRowEdit(plan, newName, prerequisite ? [prerequisite] : [], 'X');
  if (row) {
    const edits: TextEdit[] = [row];
    const graphEdit = addGraphEdgesEdit(plan, prerequisite ? [{ from: prerequisite, to: newName }] : [], prerequisite ? [] : [newName]);
    if (graphEdit) edits.push(graphEdit);
    const step = plan.steps.find((s) => s.tasksField);
    const stepEdit = step ? addTaskToStepEdit(plan, step.title, newName) : undefined;
    if (stepEdit) edits.push(stepEdit);
    assertEditsValid(text, lines, edits, 'add task');
    reparse(applyEdits(text, edits), 'add task');
    applied++;
  }
  const task = plan.tasks[plan.tasks.length - 1];
  if (task && plan.tasks.length > 1) {
    const dep = addDependencyEdit(plan, task, [plan.tasks[0].id]);
    if (dep) {
      assertEditsValid(text, lines, [dep], 'add dependency');
      reparse(applyEdits(text, [dep]), 'add dependency');
      applied++;
    }
  }
  // One template section per case (which one depends on the case): each is a re-parse.
  for (const section of [['Overview', 'Rollback Plan', 'Review Checklist'][(salt >>> 0) % 3]]) {
    const edit = insertSectionEdit(plan, section);
    if (!edit) continue;
    assertEditsValid(text, lines, [edit], `insert ${section}`);
    reparse(applyEdits(text, [edit]), `insert ${section}`);
    applied++;
  }
  return applied;
}

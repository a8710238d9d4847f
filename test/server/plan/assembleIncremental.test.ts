// The Plan a document assembles edit by edit (absolute objects reused and moved in place,
// flowchart edges and mentions kept per chart, the line index kept per edit: assemble.ts,
// lineIndex.ts) against the Plan of a fresh parse of the same text, field by field, after every
// notification of random edit bursts, including every kind of plan (template, spec-kit, Kiro).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { criticalPath, dependencyGraph, findDependencyCycles, planProgress, PlanDocument, parsePlan, type Plan, type PlanKind } from '../../../server/src/plan';
import { generatePlan } from '../../../bench/generatePlan';
import { burstArbitrary, notificationsOf } from '../../robustness/editSequences';

const fixtures = path.join(__dirname, '..', '..', 'fixtures');
const read = (name: string) => fs.readFileSync(path.join(fixtures, name), 'utf8');

const BASES: { name: string; text: string; kind: PlanKind }[] = [
  { name: 'generatePlan(12)', text: generatePlan(12).text, kind: 'template' },
  { name: 'generatePlan(30) CRLF', text: generatePlan(30, { eol: '\r\n' }).text, kind: 'template' },
  { name: 'filled.plan.md', text: read('filled.plan.md'), kind: 'template' },
  { name: 'template.plan.md', text: read('template.plan.md'), kind: 'template' },
  { name: 'two tables and two graphs', text: twoTablesTwoGraphs(), kind: 'template' },
  { name: 'spec-kit tasks.md', text: read('kinds/spec-kit/specs/003-shelf-sync/tasks.md'), kind: 'specKit' },
  { name: 'Kiro tasks.md', text: read('kinds/kiro/.kiro/specs/shelf-sync/tasks.md'), kind: 'kiro' },
];

function twoTablesTwoGraphs(): string {
  const table = (from: number) =>
    ['| Task | Depends On | Estimated Hours |', '|---|---|---|', ...[0, 1, 2].map((i) => `| TASK_${from + i} | ${i ? `TASK_${from + i - 1}` : 'None'} | ${i + 1} |`)].join('\n');
  const graph = (from: number) => ['```mermaid', 'graph TD', `  TASK_${from} --> TASK_${from + 1}`, `  TASK_${from + 1} --> TASK_${from + 2}`, '```'].join('\n');
  return [
    '# Implementation Plan: Phase 1 - Two',
    '',
    '## Implementation Sequence',
    '',
    '### Step 1: One',
    '**Tasks:** TASK_100, TASK_101',
    '',
    '## Task Breakdown with Dependencies',
    '',
    graph(100),
    '',
    table(100),
    '',
    '<!-- planmark-disable-next-line unknown-task -->',
    table(200),
    '',
    graph(200),
    '',
    '- [ ] done? [Placeholder]',
    '',
  ].join('\n');
}

/** The model as plain data: Maps as entry lists, the line index as its line starts. */
function snapshot(plan: Plan): unknown {
  const { lines, taskIdRegExp, ...rest } = plan;
  void taskIdRegExp;
  const starts: number[] = [];
  for (let line = 0; line < lines.lineCount; line++) starts.push(lines.offsetAt({ line, character: 0 }));
  return JSON.parse(
    JSON.stringify({ ...rest, lines: starts }, (_key, value: unknown) => (value instanceof Map ? [...value.entries()] : value)),
  );
}

/** What the analyses say (graph, cycles, critical path, progress), as plain data. */
function analyses(plan: Plan): unknown {
  const data = { graph: dependencyGraph(plan), cycles: findDependencyCycles(plan), path: criticalPath(plan), progress: planProgress(plan) };
  return JSON.parse(JSON.stringify(data, (_key, value: unknown) => (value instanceof Map ? [...value.entries()] : value)));
}

function assertSameModel(doc: PlanDocument, kind: PlanKind, context: string, analyse = true): void {
  const fresh = parsePlan(doc.text, { uri: doc.uri, version: doc.version, kind });
  assert.deepStrictEqual(snapshot(doc.plan), snapshot(fresh), `the model differs from a fresh parse after ${context}`);
  // Analyses reuse what an earlier analysed version of the document found (analysis.ts).
  if (analyse) assert.deepStrictEqual(analyses(doc.plan), analyses(fresh), `the analyses differ from a fresh parse's after ${context}`);
}

test('the model assembled edit by edit equals a fresh parse after random edit bursts', () => {
  fc.assert(
    fc.property(fc.nat({ max: BASES.length - 1 }), fc.array(burstArbitrary, { minLength: 1, maxLength: 4 }), (baseIndex, bursts) => {
      const base = BASES[baseIndex];
      const doc = new PlanDocument('file:///p.plan.md', base.text, 1, { kind: base.kind });
      analyses(doc.plan);
      let text = base.text;
      let version = 1;
      for (const burst of bursts) {
        for (const n of notificationsOf(text, burst)) {
          doc.applyEdits(n.changes, ++version);
          text = n.text;
          assert.equal(doc.text, text);
          // Assembled after every notification, as the server does for the next hover; analysed
          // after most (a version may go unanalysed when the next keystroke comes first).
          assertSameModel(doc, base.kind, `${base.name}, version ${version}: ${JSON.stringify(n.changes)}`, version % 3 !== 0);
        }
      }
    }),
    { seed: 20261203, numRuns: 60 },
  );
});

test('typing in a Depends On cell keeps the graph statements at the spans of the new text', () => {
  const text = generatePlan(40).text;
  const doc = new PlanDocument('file:///p.plan.md', text, 1);
  const before = dependencyGraph(doc.plan);
  const row = text.indexOf('| TASK_0030 |');
  const cell = text.indexOf(' |', row + 13);
  doc.applyEdits([{ start: cell, end: cell, text: ', TASK_' }], 2);
  const after = dependencyGraph(doc.plan);
  // The graph is the same (TASK_ names no task): its maps are kept, its statements moved.
  assert.equal(after.dependents, before.dependents);
  for (const spans of after.statements.values()) {
    for (const span of [...spans.table, ...spans.mermaid]) assert.match(doc.text.slice(span.start, span.end), /^TASK_\d{4}\b/);
  }
  assertSameModel(doc, 'template', 'typing a partial ID');
  doc.applyEdits([{ start: cell + 7, end: cell + 7, text: '0002' }], 3);
  assert.notEqual(dependencyGraph(doc.plan).dependents, before.dependents, 'a completed ID changes the graph');
  assertSameModel(doc, 'template', 'completing the ID');
});

test('a cycle made and unmade by typing is found and forgotten as in a fresh parse', () => {
  const text = generatePlan(20).text;
  const doc = new PlanDocument('file:///p.plan.md', text, 1);
  assert.deepEqual(findDependencyCycles(doc.plan), []);
  const row = text.indexOf('| TASK_0003 |');
  const cell = text.indexOf(' |', row + 13);
  doc.applyEdits([{ start: cell, end: cell, text: ', TASK_0010' }], 2);
  assert.equal(findDependencyCycles(doc.plan).length, 1);
  assertSameModel(doc, 'template', 'a dependency that closes a cycle');
  doc.applyEdits([{ start: cell, end: cell + ', TASK_0010'.length, text: '' }], 3);
  assert.deepEqual(findDependencyCycles(doc.plan), []);
  assertSameModel(doc, 'template', 'the dependency removed again');
});

test('an edit above a table and a graph moves their tasks, edges and mentions with the text', () => {
  const text = generatePlan(40).text;
  const doc = new PlanDocument('file:///p.plan.md', text, 1);
  const before = doc.plan;
  const lastRow = before.taskById.get('TASK_0040')!;
  const at = text.indexOf('## Implementation Sequence');
  doc.applyEdits([{ start: at, end: at, text: 'Some words.\n\n' }], 2);
  const after = doc.plan;
  assert.equal(after.taskById.get('TASK_0040')!.idSpan.start, lastRow.idSpan.start);
  assert.equal(doc.text.slice(after.taskById.get('TASK_0040')!.idSpan.start).startsWith('TASK_0040'), true);
  for (const e of after.edges) assert.match(doc.text.slice(e.span.start, e.span.end), /TASK_\d{4}/);
  for (const m of after.mentions) assert.equal(doc.text.slice(m.span.start, m.span.end), m.id);
  assertSameModel(doc, 'template', 'a paragraph typed above everything');
});

test('a row pasted twice (the same text at two places) gets two rows of its own', () => {
  const text = generatePlan(12).text;
  const doc = new PlanDocument('file:///p.plan.md', text, 1);
  void doc.plan;
  const row = '| TASK_0005 |';
  const start = text.indexOf(row);
  const end = text.indexOf('\n', start) + 1;
  const line = text.slice(start, end);
  doc.applyEdits([{ start: end, end, text: line }], 2);
  void doc.plan;
  doc.applyEdits([{ start: end, end, text: line }], 3);
  assert.equal(doc.plan.tasks.filter((t) => t.id === 'TASK_0005').length, 3);
  assertSameModel(doc, 'template', 'a row pasted twice');
});

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

/** A plan whose task table has a sign-off written as key | value rows in it, and a second table. */
function tablesWithKeyRows(): string {
  const rows = Array.from({ length: 30 }, (_, i) => `| TASK_${String(i + 1).padStart(3, '0')} | ${i ? `TASK_${String(i).padStart(3, '0')}` : 'None'} | ${i % 4} | see TASK_001 [TBD] |`);
  rows.splice(15, 0, '| Created By | Ann |', '| Phase | 2 |');
  return [
    '# Implementation Plan: Phase 1 - Rows',
    '',
    '## Overview',
    '',
    '| Phase | Created |',
    '|---|---|',
    '| 1 | 2026-01-02 |',
    '',
    '## Implementation Sequence',
    '',
    '### Step 1: All',
    '**Tasks:** TASK_001, TASK_002, TASK_031',
    '',
    '## Task Breakdown with Dependencies',
    '',
    '| Task | Depends On | Estimated Hours | Notes |',
    '|------|------------|-----------------|-------|',
    ...rows,
    '',
    '| Created By | Reviewed By |',
    '|---|---|',
    '| Bo | Cy |',
    '',
  ].join('\n');
}

test('edits among the rows of a table (kept rows moved, the rows between read anew) give the model of a fresh parse', () => {
  // Rows kept before and after the edited ones, rows inserted, deleted, pasted and duplicated at the
  // start, middle and end of the table, key | value rows, text mentions and placeholders in cells,
  // and edits above the table that move every row.
  const text = tablesWithKeyRows();
  const rowStart = (doc: PlanDocument, n: number) => doc.text.indexOf(`| TASK_${String(n).padStart(3, '0')} |`);
  const lineEnd = (doc: PlanDocument, at: number) => doc.text.indexOf('\n', at);
  const steps: [string, (doc: PlanDocument) => { start: number; end: number; text: string }][] = [
    ['type in a Depends On cell', (d) => ({ start: rowStart(d, 10) + 12, end: rowStart(d, 10) + 12, text: 'TASK_002, ' })],
    ['type a partial ID', (d) => ({ start: rowStart(d, 10) + 12, end: rowStart(d, 10) + 12, text: 'TASK_0' })],
    ['insert a row first', (d) => ({ start: rowStart(d, 1), end: rowStart(d, 1), text: '| TASK_040 | TASK_001 | 1 | x |\n' })],
    ['insert a row with a known ID mid-table', (d) => ({ start: rowStart(d, 12), end: rowStart(d, 12), text: '| TASK_005 | None | 2 | dup |\n' })],
    ['delete the first row', (d) => ({ start: rowStart(d, 40), end: lineEnd(d, rowStart(d, 40)) + 1, text: '' })],
    ['delete a key row', (d) => ({ start: d.text.indexOf('| Phase | 2 |'), end: lineEnd(d, d.text.indexOf('| Phase | 2 |')) + 1, text: '' })],
    ['add a key row', (d) => ({ start: rowStart(d, 20), end: rowStart(d, 20), text: '| Approved | yes |\n' })],
    ['paste rows mid-table', (d) => ({ start: rowStart(d, 18), end: rowStart(d, 18), text: '| TASK_050 | TASK_049 | 1 | a |\n| TASK_049 | None | [X] | TASK_007 |\n' })],
    ['change a row ID', (d) => ({ start: rowStart(d, 25) + 8, end: rowStart(d, 25) + 9, text: '9' })],
    ['delete the last row', (d) => ({ start: lineEnd(d, rowStart(d, 30) - 1), end: lineEnd(d, rowStart(d, 30)), text: '' })],
    ['append a row', (d) => ({ start: lineEnd(d, rowStart(d, 29)), end: lineEnd(d, rowStart(d, 29)), text: '\n| TASK_060 | TASK_029 | 3 | z |' })],
    ['type above the tables', (d) => ({ start: d.text.indexOf('## Overview'), end: d.text.indexOf('## Overview'), text: 'Words.\n\n' })],
    ['type in the second table', (d) => ({ start: d.text.indexOf('| Bo |') + 4, end: d.text.indexOf('| Bo |') + 4, text: 'b' })],
    ['type in the overview table', (d) => ({ start: d.text.indexOf('| 1 | 2026') + 2, end: d.text.indexOf('| 1 | 2026') + 3, text: '3' })],
    // The first definition of each ID (taskById, in the order of first definitions).
    ['define an ID again near the end', (d) => ({ start: rowStart(d, 28), end: rowStart(d, 28), text: '| TASK_006 | None | 1 | again |\n' })],
    ['delete its first definition', (d) => ({ start: rowStart(d, 6), end: lineEnd(d, rowStart(d, 6)) + 1, text: '' })],
    ['swap two rows in one edit', (d) => {
      const start = rowStart(d, 7);
      const end = lineEnd(d, rowStart(d, 8));
      const [a, b] = d.text.slice(start, end).split('\n');
      return { start, end, text: `${b}\n${a}` };
    }],
    ['rename a row to an ID defined above it', (d) => ({ start: rowStart(d, 9) + 7, end: rowStart(d, 9) + 9, text: '01' })],
    ['replace the rows of the middle', (d) => ({ start: rowStart(d, 13), end: lineEnd(d, rowStart(d, 16)), text: '| TASK_013 | TASK_012 | 1 | m |' })],
  ];
  for (const assembleEvery of [1, 2]) {
    const doc = new PlanDocument('file:///p.plan.md', text, 1);
    analyses(doc.plan);
    let version = 1;
    for (const [name, make] of steps) {
      doc.applyEdits([make(doc)], ++version);
      if (version % assembleEvery === 0) assertSameModel(doc, 'template', `${name} (version ${version})`);
    }
    assertSameModel(doc, 'template', 'the last edit');
  }
});

test('random edits confined to table rows give the model of a fresh parse after every notification', () => {
  const text = tablesWithKeyRows();
  const pieces = ['|', ' ', 'TASK_0', '1', '2', ', ', '\n', '| TASK_033 | TASK_001 | 2 | y |\n', '[X]', 'Created By', '', 'x'];
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.nat(), fc.nat({ max: 12 }), fc.nat({ max: pieces.length - 1 })), { minLength: 1, maxLength: 25 }),
      (edits) => {
        const doc = new PlanDocument('file:///p.plan.md', text, 1);
        void doc.plan;
        let version = 1;
        for (const [where, length, piece] of edits) {
          // An offset inside the task table's body.
          const bodyStart = doc.text.indexOf('|------|');
          const bodyEnd = doc.text.indexOf('\n\n', bodyStart);
          if (bodyStart < 0 || bodyEnd < 0) break;
          const start = bodyStart + 1 + (where % (bodyEnd - bodyStart));
          const end = Math.min(bodyEnd, start + (length % 3 === 0 ? length : 0));
          doc.applyEdits([{ start, end, text: pieces[piece] }], ++version);
          assertSameModel(doc, 'template', `version ${version}: ${JSON.stringify([start, end, pieces[piece]])}`, version % 2 === 0);
        }
      },
    ),
    { seed: 16, numRuns: 40 },
  );
});

test('typing in a mermaid graph (the chart made from the previous version\'s, kept items moved) gives the model of a fresh parse', () => {
  const text = `${generatePlan(40).text}\n\n\`\`\`mermaid\ngraph LR\n  X --> TASK_0001\n\`\`\`\n`;
  const pieces = [' & TASK_0002', ' --> ', 'TASK_00', '3', 'A', '[TASK_0005: five]', '\n', '\n  TASK_0007 --> TASK_0008', ' ', '', '-.->', '%% note'];
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.nat(), fc.nat({ max: 9 }), fc.nat({ max: pieces.length - 1 }), fc.boolean()), { minLength: 1, maxLength: 30 }),
      (edits) => {
        const doc = new PlanDocument('file:///p.plan.md', text, 1);
        analyses(doc.plan);
        let version = 1;
        for (const [where, length, piece, second] of edits) {
          // An offset in the lines of the first (or the second) chart, after its graph line.
          const from = second ? doc.text.indexOf('graph LR') : doc.text.indexOf('graph TD');
          const to = doc.text.indexOf('```', from);
          if (from < 0 || to < 0) break;
          const start = from + 9 + (where % Math.max(1, to - from - 9));
          const end = Math.min(to, start + (length % 3 === 0 ? length : 0));
          doc.applyEdits([{ start, end, text: pieces[piece] }], ++version);
          assertSameModel(doc, 'template', `version ${version}: ${JSON.stringify([start, end, pieces[piece]])}`, version % 2 === 0);
        }
      },
    ),
    { seed: 1603, numRuns: 40 },
  );
});

test('an edit above a graph, then typing in it, keeps the chart at the spans of the new text', () => {
  const text = generatePlan(30).text;
  const doc = new PlanDocument('file:///p.plan.md', text, 1);
  void doc.plan;
  // The end of the graph's third statement line.
  const graphLine = () => {
    let at = doc.text.indexOf('graph TD') + 9;
    for (let i = 0; i < 2; i++) at = doc.text.indexOf('\n', at) + 1;
    return doc.text.indexOf('\n', at);
  };
  let version = 1;
  for (const [start, insert] of [
    [graphLine(), ' & TASK_0003'],
    [doc.text.indexOf('## Overview'), 'Words.\n\n'],
    [graphLine(), ' --> TASK_0004'],
    [graphLine() + 1, '  TASK_0009 --> TASK_0001\n'],
  ] as [number, string][]) {
    for (let i = 0; i < insert.length; i++) {
      doc.applyEdits([{ start: start + i, end: start + i, text: insert[i] }], ++version);
      assertSameModel(doc, 'template', `typing ${JSON.stringify(insert.slice(0, i + 1))}`, i % 4 === 0);
    }
  }
  // Text added above the graph and in it before the next assembly: the chart moves and changes at once.
  for (const insert of ['B', ' & TASK_0006']) {
    const above = doc.text.indexOf('## Overview');
    doc.applyEdits([{ start: above, end: above, text: `${insert}\n\n` }], ++version);
    doc.applyEdits([{ start: graphLine(), end: graphLine(), text: insert }], ++version);
    assertSameModel(doc, 'template', `${JSON.stringify(insert)} above the graph and in it`);
  }
  for (const m of doc.plan.mentions) assert.equal(doc.text.slice(m.span.start, m.span.end), m.id);
});

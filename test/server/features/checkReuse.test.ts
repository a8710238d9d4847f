// The diagnostics of a document checked version by version (checkReuse.ts: task rows, steps and
// graph nodes that found nothing in the previous version and read nothing that changed are
// skipped) against computeDiagnostics on a fresh parse of the same text, after every notification
// of random edit bursts, in every kind of plan; and the edits that change what an unchanged row,
// step or node reads: an ID that gets or loses its row, a first row that becomes a duplicate.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import type { Diagnostic } from 'vscode-languageserver-types';
import { PlanDocument, parsePlan, type PlanKind } from '../../../server/src/plan';
import { computeDiagnostics } from '../../../server/src/features/diagnostics';
import { DEFAULT_SETTINGS } from '../../../shared/settings';
import { summarisePlan } from '../../../server/src/workspace/summary';
import { generatePlan } from '../../../bench/generatePlan';
import { burstArbitrary, notificationsOf } from '../../robustness/editSequences';

const fixtures = path.join(__dirname, '..', '..', 'fixtures');
const read = (name: string) => fs.readFileSync(path.join(fixtures, name), 'utf8');

const BASES: { name: string; text: string; kind: PlanKind }[] = [
  { name: 'generatePlan(12)', text: generatePlan(12).text, kind: 'template' },
  { name: 'generatePlan(40) CRLF', text: generatePlan(40, { eol: '\r\n' }).text, kind: 'template' },
  { name: 'filled.plan.md', text: read('filled.plan.md'), kind: 'template' },
  { name: 'template.plan.md', text: read('template.plan.md'), kind: 'template' },
  { name: 'mermaid-id-aliases.plan.md', text: read('mermaid-id-aliases.plan.md'), kind: 'template' },
  { name: 'spec-kit tasks.md', text: read('kinds/spec-kit/specs/003-shelf-sync/tasks.md'), kind: 'specKit' },
  { name: 'Kiro tasks.md', text: read('kinds/kiro/.kiro/specs/shelf-sync/tasks.md'), kind: 'kiro' },
];

/** The diagnostics without the version they were computed for (a fresh parse has its own). */
function plain(diagnostics: Diagnostic[]): unknown {
  return diagnostics.map((d) => ({ ...d, data: { ...(d.data as object), version: undefined } }));
}

function assertSameDiagnostics(doc: PlanDocument, kind: PlanKind, context: string): void {
  const fresh = parsePlan(doc.text, { uri: doc.uri, version: doc.version, kind });
  assert.deepStrictEqual(plain(computeDiagnostics(doc.plan, DEFAULT_SETTINGS)), plain(computeDiagnostics(fresh, DEFAULT_SETTINGS)), `diagnostics differ from a fresh parse's after ${context}`);
}

test('diagnostics checked version by version equal a fresh parse after random edit bursts', () => {
  fc.assert(
    fc.property(fc.nat({ max: BASES.length - 1 }), fc.array(burstArbitrary, { minLength: 1, maxLength: 5 }), fc.nat({ max: 2 }), (baseIndex, bursts, skipEvery) => {
      const base = BASES[baseIndex];
      const doc = new PlanDocument('file:///p.plan.md', base.text, 1, { kind: base.kind });
      computeDiagnostics(doc.plan, DEFAULT_SETTINGS);
      let text = base.text;
      let version = 1;
      for (const burst of bursts) {
        for (const n of notificationsOf(text, burst)) {
          doc.applyEdits(n.changes, ++version);
          text = n.text;
          // Some versions go unchecked (the next keystroke came before the debounce ended).
          if (skipEvery && version % (skipEvery + 1) === 0) continue;
          assertSameDiagnostics(doc, base.kind, `${base.name}, version ${version}: ${JSON.stringify(n.changes)}`);
        }
      }
    }),
    { seed: 20261216, numRuns: 80 },
  );
});

/** A document of `text` checked once, with a helper that replaces the first `from` by `to` and checks again. */
function editor(text: string) {
  const doc = new PlanDocument('file:///p.plan.md', text, 1);
  computeDiagnostics(doc.plan, DEFAULT_SETTINGS);
  let version = 1;
  return {
    doc,
    replace(from: string, to: string, context: string): Diagnostic[] {
      const at = doc.text.indexOf(from);
      assert.ok(at >= 0, `${from} is in the text`);
      doc.applyEdits([{ start: at, end: at + from.length, text: to }], ++version);
      assertSameDiagnostics(doc, 'template', context);
      return computeDiagnostics(doc.plan, DEFAULT_SETTINGS);
    },
  };
}

const codes = (diagnostics: Diagnostic[], code: string) => diagnostics.filter((d) => d.code === code).map((d) => (d.data as { id?: string }).id);

test('a row removed and typed back: the rows, steps and graph nodes naming its ID report it unknown, then no longer', () => {
  const e = editor(generatePlan(30).text);
  const removed = e.replace('| TASK_0010 |', '| TASK_X010 |', 'the ID of a row renamed away');
  assert.ok(codes(removed, 'unknown-task').includes('TASK_0010'));
  assert.ok(codes(removed, 'step-unknown-task').includes('TASK_0010'));
  assert.ok(codes(removed, 'graph-unknown-task').includes('TASK_0010'));
  const back = e.replace('| TASK_X010 |', '| TASK_0010 |', 'the ID typed back');
  assert.deepEqual(codes(back, 'unknown-task'), []);
  assert.deepEqual(codes(back, 'step-unknown-task'), []);
  assert.deepEqual(codes(back, 'graph-unknown-task'), []);
});

test('a row that becomes a duplicate of a later row turns that row into the duplicate, and back', () => {
  const e = editor(generatePlan(30).text);
  const dup = e.replace('| TASK_0005 |', '| TASK_0020 |', 'an earlier row renamed to a later ID');
  assert.deepEqual(codes(dup, 'duplicate-task'), ['TASK_0020']);
  const line = e.doc.plan.lines.positionAt(e.doc.text.indexOf('| TASK_0020 |', e.doc.text.indexOf('| TASK_0020 |') + 1)).line;
  assert.equal(dup.find((d) => d.code === 'duplicate-task')!.range.start.line, line, 'the later row is the duplicate');
  const undone = e.replace('| TASK_0020 |', '| TASK_0005 |', 'renamed back');
  assert.deepEqual(codes(undone, 'duplicate-task'), []);
});

test('lines inserted above a row that found something move its diagnostic with it', () => {
  const e = editor(generatePlan(30).text);
  e.replace('| TASK_0012 |', '| TASK_0003 |', 'a duplicate row');
  const row = e.doc.text.indexOf('## Task Breakdown');
  assert.ok(row > 0);
  const moved = e.replace('## Task Breakdown', 'Two\nlines.\n\n## Task Breakdown', 'lines typed above the table');
  assert.equal(codes(moved, 'duplicate-task').length, 1);
});

test('step findings kept while the graph and the steps are unchanged follow the text typed above them', () => {
  const e = editor(generatePlan(30).text);
  // TASK_0005 listed again in step 3: in several steps; TASK_0012 moved to step 1's list, before... its prerequisites.
  const several = e.replace('TASK_0030]', 'TASK_0030, TASK_0005]', 'a task listed in a second step');
  assert.deepEqual(codes(several, 'task-in-several-steps'), ['TASK_0005']);
  const unscheduled = e.replace('TASK_0029, ', '', 'a task dropped from its step');
  assert.deepEqual(codes(unscheduled, 'unscheduled-task'), ['TASK_0029']);
  // Typing above the steps and in a step's title keeps the graph; the findings move and are renamed with the text.
  e.replace('## Implementation Sequence', 'Words\n\n## Implementation Sequence', 'a paragraph typed above the steps');
  const renamed = e.replace('### Step 3: Work package 3', '### Step 3: Work package three', 'a step renamed');
  assert.match(renamed.find((d) => d.code === 'task-in-several-steps')!.message as string, /Work package three/);
  e.replace('Words\n\n', '', 'the paragraph removed');
});

test('the workspace summary of a document summarised version by version equals a fresh parse’s after random edit bursts', () => {
  fc.assert(
    fc.property(fc.nat({ max: BASES.length - 1 }), fc.array(burstArbitrary, { minLength: 1, maxLength: 5 }), (baseIndex, bursts) => {
      const base = BASES[baseIndex];
      const doc = new PlanDocument('file:///p.plan.md', base.text, 1, { kind: base.kind });
      summarisePlan(doc.plan, [], DEFAULT_SETTINGS, 1);
      let text = base.text;
      let version = 1;
      for (const burst of bursts) {
        for (const n of notificationsOf(text, burst)) {
          doc.applyEdits(n.changes, ++version);
          text = n.text;
          const fresh = parsePlan(text, { uri: doc.uri, version, kind: base.kind });
          assert.deepStrictEqual(
            summarisePlan(doc.plan, [], DEFAULT_SETTINGS, version),
            summarisePlan(fresh, [], DEFAULT_SETTINGS, version),
            `the summary differs from a fresh parse's after ${base.name}, version ${version}: ${JSON.stringify(n.changes)}`,
          );
        }
      }
    }),
    { seed: 20261217, numRuns: 25 },
  );
});

test('the summary’s task ranges follow lines inserted above them, and steps renumbered', () => {
  const doc = new PlanDocument('file:///p.plan.md', generatePlan(30).text, 1);
  summarisePlan(doc.plan, [], DEFAULT_SETTINGS, 1);
  const at = doc.text.indexOf('## Implementation Sequence');
  // One character replaced by a line break: no offset moves, every line below does.
  doc.applyEdits([{ start: at - 1, end: at, text: '\n\n' }], 2);
  const fresh = parsePlan(doc.text, { uri: doc.uri, version: 2 });
  assert.deepStrictEqual(summarisePlan(doc.plan, [], DEFAULT_SETTINGS, 2), summarisePlan(fresh, [], DEFAULT_SETTINGS, 2));
  const step = doc.text.indexOf('### Step 2');
  doc.applyEdits([{ start: step, end: step, text: '### Step 2: Inserted\n**Tasks:** [TASK_0015]\n\n' }], 3);
  const fresh3 = parsePlan(doc.text, { uri: doc.uri, version: 3 });
  const summary = summarisePlan(doc.plan, [], DEFAULT_SETTINGS, 3);
  assert.deepStrictEqual(summary, summarisePlan(fresh3, [], DEFAULT_SETTINGS, 3));
  assert.equal(summary.tasks.find((t) => t.id === 'TASK_0020')!.step, 2, 'the steps after the inserted one are renumbered');
});

test('a graph node naming no task stays reported while other lines of the graph are typed in, and one typed is reported', () => {
  const e = editor(generatePlan(30).text);
  const graph = e.doc.text.indexOf('graph TD') + 'graph TD'.length;
  e.doc.applyEdits([{ start: graph, end: graph, text: '\n    TASK_0077[TASK_0077: Gone]' }], 50);
  assertSameDiagnostics(e.doc, 'template', 'an unknown node added at the top of the graph');
  const last = e.doc.text.indexOf('```', graph) - 1;
  for (const [i, c] of [...' & TASK_0088'].entries()) {
    e.doc.applyEdits([{ start: last + i, end: last + i, text: c }], 51 + i);
    assertSameDiagnostics(e.doc, 'template', `typing ${c} at the end of the graph`);
  }
  const found = codes(computeDiagnostics(e.doc.plan, DEFAULT_SETTINGS), 'graph-unknown-task');
  assert.deepEqual(found.sort(), ['TASK_0077', 'TASK_0088']);
});

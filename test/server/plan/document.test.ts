// The incremental model must always equal a full parse of the same text, whatever the edit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { PlanDocument, parsePlan } from '../../../server/src/plan';

const fixtures = path.join(__dirname, '..', '..', 'fixtures');
const filled = fs.readFileSync(path.join(fixtures, 'filled.plan.md'), 'utf8');
const template = fs.readFileSync(path.join(fixtures, 'template.plan.md'), 'utf8');

function snapshot(doc: PlanDocument) {
  return doc.blockList.map((b) => ({ start: b.start, end: b.end, facts: b.facts }));
}

function assertSameAsFull(doc: PlanDocument, context: string) {
  const full = new PlanDocument(doc.uri, doc.text, doc.version, { taskIdPattern: doc.pattern });
  assert.deepStrictEqual(snapshot(doc), snapshot(full), `incremental blocks differ from a full parse after ${context}`);
}

function edit(doc: PlanDocument, start: number, end: number, text: string) {
  doc.applyEdits([{ start, end, text }], doc.version + 1);
}

test('a row edit in the task table is handled by the row fast path and matches a full parse', () => {
  const doc = new PlanDocument('file:///p.plan.md', filled, 1);
  const at = doc.text.indexOf('| TASK_004 | TASK_002 |') + '| TASK_004 | TASK_002'.length;
  edit(doc, at, at, ', TASK_001');
  assert.equal(doc.lastUpdate, 'table-row');
  assert.deepEqual(doc.plan.taskById.get('TASK_004')!.dependsOn.map((d) => d.id), ['TASK_002', 'TASK_001']);
  assertSameAsFull(doc, 'a row edit');
});

test('Enter after the last task row, then typing a new row, never reparses the table', () => {
  const doc = new PlanDocument('file:///p.plan.md', filled, 1);
  const lastRow = '| TASK_005 | TASK_003, TASK_004 | 12 |';
  const end = doc.text.indexOf(lastRow) + lastRow.length;
  edit(doc, end, end, '\n');
  assert.equal(doc.lastUpdate, 'table-row');
  assertSameAsFull(doc, 'Enter at the end of the table');
  const row = '| TASK_006 | TASK_005 | 3 |';
  for (let i = 0; i < row.length; i++) {
    edit(doc, end + 1 + i, end + 1 + i, row[i]);
    assertSameAsFull(doc, `typing ${JSON.stringify(row.slice(0, i + 1))}`);
  }
  assert.equal(doc.lastUpdate, 'table-row');
  assert.deepEqual(doc.plan.taskById.get('TASK_006')?.dependsOn.map((d) => d.id), ['TASK_005']);
});

test('a disable comment typed into a table row is read, as in a full parse', () => {
  const doc = new PlanDocument('file:///p.plan.md', filled, 1);
  const row = '| Credential stuffing | High |';
  const at = doc.text.indexOf(row) + row.length;
  const comment = ' <!-- planmark-disable-line invalid-impact -->';
  for (let i = 0; i < comment.length; i++) edit(doc, at + i, at + i, comment[i]);
  assertSameAsFull(doc, 'typing a disable comment into a row');
  assert.equal(doc.plan.directives.length, 1);
});

test('an edit inside the mermaid block reparses only that block', () => {
  const doc = new PlanDocument('file:///p.plan.md', filled, 1);
  const at = doc.text.indexOf('    D --> E') + '    D --> E'.length;
  edit(doc, at, at, '\n    A --> E');
  assert.equal(doc.lastUpdate, 'code');
  assert.ok(doc.plan.edges.some((e) => e.source === 'mermaid' && e.from === 'TASK_001' && e.to === 'TASK_005'));
  assertSameAsFull(doc, 'a mermaid edit');
});

test('a paragraph edit reparses only the blocks around it', () => {
  const doc = new PlanDocument('file:///p.plan.md', filled, 1);
  const at = doc.text.indexOf('Let people sign up');
  edit(doc, at, at, 'Goal: ');
  assert.equal(doc.lastUpdate, 'blocks');
  assertSameAsFull(doc, 'a paragraph edit');
});

test('opening a fence that swallows the rest of the plan gives the same model as a full parse', () => {
  const doc = new PlanDocument('file:///p.plan.md', filled, 1);
  const at = doc.text.indexOf('## Objectives');
  // A tilde fence: nothing later closes it, so the rest of the plan becomes its content.
  edit(doc, at, at, '~~~\n');
  assertSameAsFull(doc, 'opening an unclosed fence');
  assert.equal(doc.plan.tasks.length, 0, 'the task table is inside the code block now');
  edit(doc, at, at + 4, '');
  assertSameAsFull(doc, 'removing the fence');
  assert.equal(doc.plan.tasks.length, 5);
  // A backtick fence is closed by the next bare ``` instead, flipping every fence after it.
  edit(doc, at, at, '```\n');
  assertSameAsFull(doc, 'opening a backtick fence');
});

test('typing a plan character by character stays equal to a full parse', () => {
  const doc = new PlanDocument('file:///p.plan.md', '', 0);
  const source = filled.slice(filled.indexOf('## Implementation Sequence'), filled.indexOf('## Code Standards'));
  for (let i = 0; i < source.length; i++) {
    edit(doc, doc.text.length, doc.text.length, source[i]);
    if (i % 97 === 0 || /[|`\n]/.test(source[i])) assertSameAsFull(doc, `typing up to offset ${i}`);
  }
  assertSameAsFull(doc, 'typing the whole section');
  assert.equal(doc.plan.tasks.length, 5);
});

const SNIPPETS = ['\n', '\n\n', '|', ' | TASK_009 |', '```', '```mermaid\n', '~~~', '# ', '## Risk', '- [ ] ', '> ', '---', '**Tasks:** [TASK_001]', 'TASK_002', '\r\n', '    ', '<!-- planmark-disable -->', '[Name]', '`', '*', '1. ', '<div>', ''];

for (const [name, base] of [
  ['filled plan', filled],
  ['template', template],
] as const) {
  test(`random edits to the ${name} always match a full parse (fixed seed)`, () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            at: fc.nat(),
            length: fc.nat({ max: 40 }),
            text: fc.oneof(fc.constantFrom(...SNIPPETS), fc.string({ maxLength: 8 })),
          }),
          { minLength: 1, maxLength: 6 },
        ),
        (edits) => {
          const doc = new PlanDocument('file:///p.plan.md', base, 1);
          for (const e of edits) {
            const start = e.at % (doc.text.length + 1);
            const end = Math.min(doc.text.length, start + e.length);
            edit(doc, start, end, e.text);
          }
          assertSameAsFull(doc, JSON.stringify(edits));
        },
      ),
      { seed: 20261124, numRuns: 150 },
    );
  });
}

test('the filled plan model: metadata, sections, tasks, steps, graph, checklists', () => {
  const plan = parsePlan(filled);
  assert.equal(plan.metadata.get('Phase')?.value, '2');
  assert.equal(plan.metadata.get('Target End')?.value, '2026-04-17');
  assert.equal(plan.text.slice(plan.metadata.get('Created')!.valueSpan.start, plan.metadata.get('Created')!.valueSpan.end), '2026-03-02');
  assert.equal(plan.footer.get('Reviewed By')?.value, 'Grace Hopper');
  assert.equal(plan.sections.filter((s) => s.level === 2).length, 20);
  assert.deepEqual(plan.tasks.map((t) => [t.id, t.hours]), [
    ['TASK_001', 6],
    ['TASK_002', 4],
    ['TASK_003', 10],
    ['TASK_004', 8],
    ['TASK_005', 12],
  ]);
  const t3 = plan.taskById.get('TASK_003')!;
  assert.deepEqual(t3.dependsOn.map((d) => plan.text.slice(d.span.start, d.span.end)), ['TASK_001', 'TASK_002']);
  assert.deepEqual(plan.steps.map((s) => [s.number, s.tasks.map((t) => t.id)]), [
    [1, ['TASK_001', 'TASK_002']],
    [2, ['TASK_003', 'TASK_004']],
    [3, ['TASK_005']],
  ]);
  assert.equal(plan.mermaid.length, 1);
  assert.equal(plan.edges.filter((e) => e.source === 'mermaid').length, 6);
  assert.equal(plan.edges.filter((e) => e.source === 'table').length, 6);
  assert.ok(plan.checklists.some((c) => c.checked));
  for (const m of plan.mentions) assert.equal(plan.text.slice(m.span.start, m.span.end), m.id);
});

test('CRLF line endings give the same model with correct positions', () => {
  const crlf = filled.replace(/\n/g, '\r\n');
  const plan = parsePlan(crlf);
  assert.equal(plan.tasks.length, 5);
  const ref = plan.taskById.get('TASK_005')!.dependsOn[1];
  assert.equal(crlf.slice(ref.span.start, ref.span.end), 'TASK_004');
  const lf = parsePlan(filled);
  const lfRef = lf.taskById.get('TASK_005')!.dependsOn[1];
  assert.deepEqual(plan.lines.positionAt(ref.span.start), lf.lines.positionAt(lfRef.span.start));
});

test('TASK-001 style IDs are recognised by the default pattern', () => {
  const plan = parsePlan(filled.replace(/TASK_/g, 'TASK-'));
  assert.deepEqual([...plan.taskById.keys()], ['TASK-001', 'TASK-002', 'TASK-003', 'TASK-004', 'TASK-005']);
  assert.equal(plan.edges.filter((e) => e.source === 'mermaid').length, 6);
});

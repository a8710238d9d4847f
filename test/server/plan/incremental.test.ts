// Regressions of the incremental model (server/src/plan/blocks.ts, document.ts): each case is an
// edit after which the model once differed from a full parse of the same text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { PlanDocument } from '../../../server/src/plan';
import { computeDiagnostics } from '../../../server/src/features/diagnostics';
import { DEFAULT_SETTINGS } from '../../../shared/settings';

const fixtures = path.join(__dirname, '..', '..', 'fixtures');
const template = fs.readFileSync(path.join(fixtures, 'template.plan.md'), 'utf8');
const filled = fs.readFileSync(path.join(fixtures, 'filled.plan.md'), 'utf8');

const settings = { ...DEFAULT_SETTINGS, requiredSections: [] };

function diagnostics(doc: PlanDocument): string[] {
  return computeDiagnostics(doc.plan, settings).map((d) => `${String(d.code)} ${d.range.start.line}:${d.range.start.character} ${d.message}`);
}

function blocks(doc: PlanDocument) {
  return doc.blockList.map((b) => ({ start: b.start, end: b.end, facts: b.facts }));
}

/** Applies one edit, then checks the model against a fresh parse; returns both documents. */
function editAndCompare(text: string, start: number, end: number, insert: string) {
  const doc = new PlanDocument('file:///p.plan.md', text, 1);
  doc.applyEdits([{ start, end, text: insert }], 2);
  const full = new PlanDocument('file:///p.plan.md', doc.text, 2);
  assert.deepEqual(diagnostics(doc), diagnostics(full), 'diagnostics differ from a full parse');
  assert.deepStrictEqual(blocks(doc), blocks(full), 'blocks differ from a full parse');
  return { doc, full };
}

test('`|` typed on the blank line under a table pulls the rows below into the table', () => {
  const text = '| Task | Depends On | Estimated Hours |\n|------|-----------|----------------|\n\n| TASK_002 | TASK_001 | Y |\n';
  const at = text.indexOf('\n\n') + 1;
  const { doc } = editAndCompare(text, at, at, '|');
  assert.deepEqual(doc.plan.tasks.map((t) => t.id), ['TASK_002']);
  const codes = diagnostics(doc).map((d) => d.split(' ')[0]);
  assert.ok(codes.includes('unknown-task'), 'TASK_001 is unknown');
  // Y hours: not estimated yet (issue #12: one unestimated-task, no longer a placeholder).
  assert.ok(codes.includes('unestimated-task'), 'the Y hours are reported as unestimated');
});

test('`|` typed under a header-only table makes the paragraph below a malformed row', () => {
  const text = '| a | b |\n|---|---|\n\nP\n';
  const at = text.indexOf('\n\n') + 1;
  const { doc } = editAndCompare(text, at, at, '|');
  assert.equal(diagnostics(doc).filter((d) => d.startsWith('malformed-row')).length, 2);
});

test('Enter at the end of a row mid-table, then `|`: the rows below stay in the table', () => {
  const row = '| TASK_002 | TASK_001 | 4 |';
  const end = filled.indexOf(row) + row.length;
  const doc = new PlanDocument('file:///p.plan.md', filled, 1);
  doc.applyEdits([{ start: end, end, text: '\n' }], 2);
  doc.applyEdits([{ start: end + 1, end: end + 1, text: '|' }], 3);
  const full = new PlanDocument('file:///p.plan.md', doc.text, 3);
  assert.deepEqual(doc.plan.tasks.map((t) => t.id), full.plan.tasks.map((t) => t.id));
  assert.equal(doc.plan.tasks.length, 5);
  assert.deepEqual(diagnostics(doc), diagnostics(full));
});

test('a link reference definition added at the end resolves `[Name]` placeholders everywhere', () => {
  const label = '[Why in this order]';
  assert.ok(template.includes(label), 'the template holds the placeholder');
  const { doc } = editAndCompare(template, template.length, template.length, `\n${label}: /\n`);
  assert.ok(!diagnostics(doc).some((d) => d.includes('placeholder') && d.includes('Why in this order')));
});

test('removing a link reference definition brings back the placeholders that use its label', () => {
  const definition = '\n[Why in this order]: /\n';
  const text = template + definition;
  const at = text.lastIndexOf(definition);
  const { doc } = editAndCompare(text, at, at + definition.length, '');
  assert.ok(diagnostics(doc).some((d) => d.includes('placeholder')));
});

test('editing a block that holds `[Name]` while a definition exists elsewhere keeps it a link', () => {
  const label = '[Why in this order]';
  const text = template + `\n${label}: /\n`;
  const at = text.indexOf(label);
  editAndCompare(text, at, at, 'Now: ');
});

test('renaming a definition\'s label re-evaluates the blocks that use the old and new labels', () => {
  const text = template + '\n[Why in this order]: /\n';
  const at = text.lastIndexOf('[Why in this order]') + 1;
  editAndCompare(text, at, at + 3, 'How');
});

// Open documents: large plans parse in the background and edits made meanwhile are never lost.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { builtDist } from '../builtDist';
import { BackgroundParser } from '../../server/src/backgroundParser';
import { INLINE_PARSE_LIMIT, OpenDocument } from '../../server/src/documents';
import { parsePlan } from '../../server/src/plan';
import { generatePlan } from '../../bench/generatePlan';


let SERVER = '';
before(() => {
  SERVER = builtDist().server;
});

function change(doc: OpenDocument, line: number, character: number, text: string, version: number) {
  doc.applyChanges([{ range: { start: { line, character }, end: { line, character } }, text }], version);
}

for (const [name, script] of [
  ['inline parser', undefined],
  ['worker thread (dist/server.js)', 'bundle'],
] as const) {
  test(`edits made while a large plan parses on the ${name} are applied, none lost`, async () => {
    const parser = new BackgroundParser(script && SERVER, () => undefined);
    try {
      const text = generatePlan(1000).text;
      assert.ok(text.length > INLINE_PARSE_LIMIT, 'the plan is large enough to parse in the background');
      const doc = new OpenDocument('file:///p/big.plan.md', 'markdown', text, 1, 'TASK[_-]\\d+', parser);
      const first = doc.plan(); // starts the background parse
      const lines = text.split('\n');
      const row = lines.findIndex((l) => l.startsWith('| TASK_0500 |'));
      change(doc, row, '| TASK_0500 | '.length, 'TASK_0900, ', 2);
      change(doc, row + 1, 0, '| TASK_2000 | TASK_0001 | 5 |\n', 3);
      const plan = await first;
      assert.equal(plan.version, 3);
      assert.equal(plan.text, doc.text);
      const fresh = parsePlan(doc.text);
      assert.deepEqual(plan.tasks.map((t) => [t.id, t.dependsOn.map((d) => d.id)]), fresh.tasks.map((t) => [t.id, t.dependsOn.map((d) => d.id)]));
      assert.deepEqual(plan.taskById.get('TASK_0500')!.dependsOn.map((d) => d.id).slice(0, 1), ['TASK_0900']);
      assert.ok(plan.taskById.has('TASK_2000'));
    } finally {
      parser.dispose();
    }
  });
}

test('an edit that needs a large reparse is deferred to the background parser and still lands', async () => {
  const parser = new BackgroundParser(SERVER, () => undefined);
  try {
    const text = generatePlan(1000).text;
    const doc = new OpenDocument('file:///p/big.plan.md', 'markdown', text, 1, 'TASK[_-]\\d+', parser);
    await doc.plan();
    // A blank line in the middle of the task table splits it: a reparse of tens of KiB.
    const row = text.split('\n').findIndex((l) => l.startsWith('| TASK_0500 |'));
    change(doc, row, 0, '\n', 2);
    const plan = await doc.plan();
    assert.equal(plan.version, 2);
    assert.equal(plan.tasks.length, parsePlan(doc.text).tasks.length);
  } finally {
    parser.dispose();
  }
});

// Open documents: large plans parse in the background and edits made meanwhile are never lost.
import fs from 'node:fs';
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { builtDist } from '../builtDist';
import { BackgroundParser } from '../../server/src/backgroundParser';
import { INLINE_PARSE_LIMIT, OpenDocument } from '../../server/src/documents';
import { parsePlan } from '../../server/src/plan';
import { parseBlocks, parseCost } from '../../server/src/plan/blocks';
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
  ['parser process (dist/server.js)', 'bundle'],
] as const) {
  test(`edits made while a large plan parses on the ${name} are applied, none lost`, async () => {
    const parser = new BackgroundParser(script && SERVER, () => undefined);
    try {
      const text = generatePlan(2500).text;
      assert.ok(parseCost(text) > INLINE_PARSE_LIMIT, 'the plan is costly enough to parse in the background');
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

test('the parser process has exited, its memory returned, when its last pending parse is answered', async () => {
  const parser = new BackgroundParser(SERVER, () => undefined);
  // Child processes of this one (Linux), to see that none is left running.
  const childrenFile = `/proc/${process.pid}/task/${process.pid}/children`;
  const children = () => (fs.existsSync(childrenFile) ? fs.readFileSync(childrenFile, 'utf8').trim() : undefined);
  try {
    const before = children();
    const small = generatePlan(50).text;
    const big = generatePlan(1000).text;
    // Two parses pending at once share one process; both are answered.
    const [a, b] = await Promise.all([parser.parse(big, 'TASK[_-]\\d+'), parser.parse(small, 'TASK[_-]\\d+')]);
    assert.equal(parser.running, false);
    assert.equal(children(), before, 'the parser process has exited');
    assert.deepEqual(a, parseBlocks(big, 0, big.length, { taskIdPattern: 'TASK[_-]\\d+' }));
    assert.ok(b.length > 0);
    // A parse requested from an answer's continuation starts a new process and is answered too.
    const again = await parser.parse(small, 'TASK[_-]\\d+').then(() => parser.parse(big, 'TASK[_-]\\d+'));
    assert.deepEqual(again, a);
    assert.equal(parser.running, false);
    assert.equal(children(), before);
  } finally {
    parser.dispose();
  }
});

test('a parser process that dies mid-parse fails its parse (the document then parses inline), and the next parse starts a new one', async () => {
  const parser = new BackgroundParser(SERVER, () => undefined);
  try {
    const big = generatePlan(1000).text;
    const dying = parser.parse(big, 'TASK[_-]\\d+');
    (parser as unknown as { worker: { child: { kill(signal: string): void } } }).worker.child.kill('SIGKILL');
    await assert.rejects(dying, /parser process exited/);
    const blocks = await parser.parse(big, 'TASK[_-]\\d+');
    assert.deepEqual(blocks, parseBlocks(big, 0, big.length, { taskIdPattern: 'TASK[_-]\\d+' }));
  } finally {
    parser.dispose();
  }
});

test('a plan of lines too long for remark is read on the server thread, its task IDs all found', async () => {
  // Such lines are kept as plain text and only searched for task IDs: a parse elsewhere would
  // hand back as many mentions as it found, at about the same cost to this thread.
  let backgroundParses = 0;
  const parser = { parse: () => (backgroundParses++, Promise.reject(new Error('not expected'))) } as unknown as BackgroundParser;
  const unit = '| TASK_0001 | TASK_0002 | 3 | 😀 中文 ';
  const text = '# Implementation Plan: one line ' + unit.repeat(Math.ceil((2.1 * 1024 * 1024) / unit.length));
  assert.ok(text.length > 32 * INLINE_PARSE_LIMIT);
  const doc = new OpenDocument('file:///p/one-line.plan.md', 'markdown', text, 1, 'TASK[_-]\\d+', parser);
  const plan = await doc.plan();
  assert.equal(backgroundParses, 0);
  const ids = text.match(/TASK_000[12]/g)!.length;
  assert.equal(plan.mentions.length, ids);
  assert.equal(plan.mentions[ids - 1].span.start, text.lastIndexOf('TASK_0002'));
});

test('typing in a plan of lines too long for remark is applied on the server thread, as a fresh parse reads it', async () => {
  let backgroundParses = 0;
  const parser = { parse: () => (backgroundParses++, Promise.reject(new Error('not expected'))) } as unknown as BackgroundParser;
  const unit = '| TASK_0001 | TASK_0002 | 3 | 😀 中文 ';
  const line = unit.repeat(Math.ceil((2.1 * 1024 * 1024) / unit.length));
  const text = `# Implementation Plan: long lines\n\n${line}\n\n## Task Breakdown\n\n${line}\n`;
  const doc = new OpenDocument('file:///p/long-lines.plan.md', 'markdown', text, 1, 'TASK[_-]\\d+', parser);
  await doc.plan();
  change(doc, 2, 2, 'TASK_0777 ', 2);
  change(doc, 6, line.length, ' TASK_0778', 3);
  const plan = await doc.plan();
  assert.equal(backgroundParses, 0);
  assert.equal(plan.version, 3);
  const fresh = parsePlan(doc.text, { uri: 'file:///p/long-lines.plan.md', taskIdPattern: 'TASK[_-]\\d+' });
  assert.deepEqual(plan.mentions, fresh.mentions);
  assert.ok(plan.mentions.some((m) => m.id === 'TASK_0777') && plan.mentions.some((m) => m.id === 'TASK_0778'));
});

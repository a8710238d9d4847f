import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ResponseError, type TextEdit, type WorkspaceEdit } from 'vscode-languageserver/node';
import { dependencyGraph, parsePlan, type Plan } from '../../../server/src/plan';
import { prepareRename, renameTask } from '../../../server/src/features/rename';
import { edit, posOf, FILLED, URI } from '../testUtil';

const GRAPH =
  '    A[TASK_001: Schema] --> B[TASK_002: Hashing]\n    A --> C[TASK_003: Sign-up]\n    B --> C\n    B --> D[TASK_004: Sign-in]\n    C --> E[TASK_005: E2E tests]\n    D --> E\n';



/** The edits of a one-document WorkspaceEdit, checked to target the plan and not to overlap. */
function editsOf(plan: Plan, workspaceEdit: WorkspaceEdit | null): TextEdit[] {
  assert.ok(workspaceEdit, 'expected a WorkspaceEdit');
  assert.deepEqual(Object.keys(workspaceEdit.changes ?? {}), [URI], 'one document, as one edit');
  const edits = workspaceEdit.changes![URI];
  const offsets = edits.map((e) => [plan.lines.offsetAt(e.range.start), plan.lines.offsetAt(e.range.end)]).sort((a, b) => a[0] - b[0]);
  for (let i = 1; i < offsets.length; i++) assert.ok(offsets[i][0] >= offsets[i - 1][1], 'edits overlap');
  return edits;
}

function apply(plan: Plan, edits: TextEdit[]): string {
  let text = plan.text;
  const byOffset = edits
    .map((e) => ({ start: plan.lines.offsetAt(e.range.start), end: plan.lines.offsetAt(e.range.end), newText: e.newText }))
    .sort((a, b) => b.start - a.start);
  for (const e of byOffset) text = text.slice(0, e.start) + e.newText + text.slice(e.end);
  return text;
}

function count(text: string, needle: string): number {
  return text.split(needle).length - 1;
}

function refused(fn: () => unknown, message: RegExp): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof ResponseError, 'a ResponseError the client shows');
    assert.match(error.message, message);
    return true;
  });
}

describe('prepareRename', () => {
  const plan = parsePlan(edit(FILLED, 'Let people sign up', 'After TASK_002, let people sign up'), { uri: URI });

  it('offers the ID under the cursor, wherever it is written', () => {
    for (const [needle, delta] of [
      ['| TASK_002 |', 5],
      ['| TASK_004 | TASK_002', 15],
      ['[TASK_001, TASK_002]', 12],
      ['B[TASK_002', 4],
      ['After TASK_002', 6],
    ] as const) {
      const start = posOf(plan, needle, 0, needle.indexOf('TASK_002'));
      assert.deepEqual(
        prepareRename(plan, posOf(plan, needle, 0, delta)),
        { range: { start, end: { line: start.line, character: start.character + 8 } }, placeholder: 'TASK_002' },
        needle,
      );
    }
  });

  it('is null off a task ID', () => {
    assert.equal(prepareRename(plan, posOf(plan, 'let people', 0, 4)), null);
    assert.equal(prepareRename(plan, posOf(plan, '| Task | Depends On', 0, 4)), null);
    assert.equal(prepareRename(plan, posOf(plan, '## Task Breakdown', 0, 5)), null);
    assert.equal(prepareRename(plan, posOf(plan, 'graph TD', 0, 2)), null);
  });
});

describe('rename', () => {
  it('renames every occurrence in one edit: row, Depends On, step, graph label and prose', () => {
    const plan = parsePlan(edit(FILLED, 'Let people sign up', 'After TASK_002, let people sign up'), { uri: URI });
    const edits = editsOf(plan, renameTask(plan, posOf(plan, '| TASK_004 | TASK_002', 0, 15), 'TASK_020'));
    assert.equal(edits.length, 6);
    for (const e of edits) assert.equal(e.newText, 'TASK_020');
    const after = apply(plan, edits);
    assert.equal(count(after, 'TASK_002'), 0);
    assert.equal(count(after, 'TASK_020'), 6);
    assert.ok(after.includes('B[TASK_020: Hashing]'));
    assert.ok(after.includes('| TASK_020 | TASK_001 | 4 |'));
    assert.ok(after.includes('**Tasks:** [TASK_001, TASK_020]'));
    // The renamed plan states the same dependencies.
    const renamed = parsePlan(after, { uri: URI });
    assert.deepEqual(dependencyGraph(renamed).prerequisites.get('TASK_003'), ['TASK_001', 'TASK_020']);
    assert.deepEqual(dependencyGraph(renamed).dependents.get('TASK_020'), ['TASK_003', 'TASK_004']);
  });

  it('renames bare mermaid IDs (TASK_001 --> TASK_002) and style lines naming them', () => {
    const text = edit(
      FILLED,
      GRAPH,
      '    TASK_001 --> TASK_002\n    TASK_001 --> TASK_003\n    TASK_002 --> TASK_003\n    TASK_002 --> TASK_004\n    TASK_003 --> TASK_005\n    TASK_004 --> TASK_005\n    style TASK_001 fill:#f9f\n',
    );
    const plan = parsePlan(text, { uri: URI });
    const after = apply(plan, editsOf(plan, renameTask(plan, posOf(plan, 'TASK_001 --> TASK_002', 0, 3), 'TASK_100')));
    assert.equal(count(after, 'TASK_001'), 0);
    assert.ok(after.includes('    TASK_100 --> TASK_002\n    TASK_100 --> TASK_003\n'));
    assert.ok(after.includes('style TASK_100 fill:#f9f'));
    assert.ok(after.includes('| TASK_100 | None | 6 |'));
    assert.ok(after.includes('| TASK_003 | TASK_100, TASK_002 | 10 |'));
    const renamed = parsePlan(after, { uri: URI });
    assert.deepEqual(dependencyGraph(renamed).dependents.get('TASK_100'), ['TASK_002', 'TASK_003']);
  });

  it('renames labelled nodes A[TASK_001: x] without touching the alias', () => {
    const plan = parsePlan(FILLED, { uri: URI });
    const after = apply(plan, editsOf(plan, renameTask(plan, posOf(plan, '| TASK_001 |', 0, 2), 'TASK_100')));
    assert.ok(after.includes('    A[TASK_100: Schema] --> B[TASK_002: Hashing]\n    A --> C[TASK_003: Sign-up]\n'));
  });

  it('renames a node whose alias and label both carry the ID (TASK_001[TASK_001: Schema])', () => {
    const text = edit(FILLED, GRAPH, '    TASK_001[TASK_001: Schema] --> TASK_002\n    TASK_001 --> TASK_003\n    TASK_002 --> TASK_003\n    TASK_002 --> TASK_004\n    TASK_003 --> TASK_005\n    TASK_004 --> TASK_005\n');
    const plan = parsePlan(text, { uri: URI });
    const after = apply(plan, editsOf(plan, renameTask(plan, posOf(plan, '| TASK_001 |', 0, 2), 'TASK_100')));
    // Leaving the label alone would make the node stand for TASK_001 again.
    assert.equal(count(after, 'TASK_001'), 0, `left behind:\n${after.split('\n').filter((l) => l.includes('TASK_001')).join('\n')}`);
    assert.ok(after.includes('TASK_100[TASK_100: Schema] --> TASK_002'));
  });

  it('accepts the other separator the pattern allows, and trims the name', () => {
    const plan = parsePlan(FILLED, { uri: URI });
    const edits = editsOf(plan, renameTask(plan, posOf(plan, '| TASK_005 |', 0, 2), '  TASK-050 '));
    assert.ok(edits.length > 0);
    for (const e of edits) assert.equal(e.newText, 'TASK-050');
  });

  it('refuses a name that is not a task ID', () => {
    const plan = parsePlan(FILLED, { uri: URI });
    const at = posOf(plan, '| TASK_005 |', 0, 2);
    for (const name of ['signup', 'TASK_', 'TASK_5x', 'MY_TASK_5', 'TASK_5 TASK_6', '']) {
      refused(() => renameTask(plan, at, name), /is not a task ID/);
    }
  });

  it('refuses a name another task already has', () => {
    const plan = parsePlan(FILLED, { uri: URI });
    refused(() => renameTask(plan, posOf(plan, '| TASK_005 |', 0, 2), 'TASK_003'), /TASK_003 is already used/);
    // An ID only mentioned (no row) is taken too.
    const mentioned = parsePlan(edit(FILLED, '**Tasks:** [TASK_005]', '**Tasks:** [TASK_005, TASK_042]'), { uri: URI });
    refused(() => renameTask(mentioned, posOf(mentioned, '| TASK_005 |', 0, 2), 'TASK_042'), /already used/);
  });

  it('is null off a task ID', () => {
    const plan = parsePlan(FILLED, { uri: URI });
    assert.equal(renameTask(plan, posOf(plan, 'Let people', 0, 2), 'TASK_100'), null);
  });
});

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parsePlan, type Plan } from '../../../server/src/plan';
import { findDefinition } from '../../../server/src/features/definition';
import { edit, posOf, FILLED, URI } from '../testUtil';




function lineOf(plan: Plan, line: number): string {
  return plan.text.split('\n')[line];
}

/** The ID row that defines `id`: its line and the ID's columns. */
function rowOf(plan: Plan, id: string) {
  const start = posOf(plan, `| ${id} |`, 0, 2);
  return { uri: URI, range: { start, end: { line: start.line, character: start.character + id.length } } };
}

describe('definition', () => {
  const plan = parsePlan(edit(FILLED, 'Let people sign up', 'Starting with TASK_002, let people sign up'), { uri: URI });

  it('goes from a Depends On reference to the row', () => {
    const from = posOf(plan, '| TASK_002 | TASK_001 |', 0, 13);
    assert.deepEqual(findDefinition(plan, from), [rowOf(plan, 'TASK_001')]);
    assert.match(lineOf(plan, findDefinition(plan, from)[0].range.start.line), /^\| TASK_001 \| None \| 6 \|$/);
  });

  it('goes from a step, the graph and prose to the row', () => {
    const expected = [rowOf(plan, 'TASK_002')];
    assert.deepEqual(findDefinition(plan, posOf(plan, '[TASK_001, TASK_002]', 0, 12)), expected, 'step');
    assert.deepEqual(findDefinition(plan, posOf(plan, 'B[TASK_002: Hashing]', 0, 2)), expected, 'graph label');
    assert.deepEqual(findDefinition(plan, posOf(plan, 'Starting with TASK_002', 0, 14)), expected, 'prose');
  });

  it('accepts the cursor at either edge of the ID', () => {
    const start = posOf(plan, '| TASK_003 | TASK_001, TASK_002', 0, 23);
    const end = posOf(plan, '| TASK_003 | TASK_001, TASK_002', 0, 31);
    assert.deepEqual(findDefinition(plan, start), [rowOf(plan, 'TASK_002')]);
    assert.deepEqual(findDefinition(plan, end), [rowOf(plan, 'TASK_002')]);
  });

  it('on the defining ID returns the row itself', () => {
    assert.deepEqual(findDefinition(plan, posOf(plan, '| TASK_005 |', 0, 4)), [rowOf(plan, 'TASK_005')]);
  });

  it('goes from a bare mermaid ID to the row', () => {
    const bare = parsePlan(edit(FILLED, '    D --> E\n', '    D --> E\n    TASK_004 --> TASK_005\n'), { uri: URI });
    assert.deepEqual(findDefinition(bare, posOf(bare, 'TASK_004 --> TASK_005', 0, 1)), [rowOf(bare, 'TASK_004')]);
    assert.deepEqual(findDefinition(bare, posOf(bare, 'TASK_004 --> TASK_005', 0, 15)), [rowOf(bare, 'TASK_005')]);
  });

  it('lists every row of a duplicated ID', () => {
    const dup = parsePlan(edit(FILLED, '| TASK_005 | TASK_003, TASK_004 | 12 |', '| TASK_005 | TASK_003, TASK_004 | 12 |\n| TASK_004 | None | 1 |'), { uri: URI });
    const found = findDefinition(dup, posOf(dup, '| TASK_005 | TASK_003, TASK_004', 0, 23));
    assert.equal(found.length, 2);
    assert.deepEqual(
      found.map((l) => l.range.start.line),
      [posOf(dup, '| TASK_004 | TASK_002').line, posOf(dup, '| TASK_004 | None').line],
    );
  });

  it('finds nothing for an ID without a row, or off an ID', () => {
    const undef = parsePlan(edit(FILLED, '| TASK_004 | TASK_002 | 8 |', '| TASK_004 | TASK_009 | 8 |'), { uri: URI });
    assert.deepEqual(findDefinition(undef, posOf(undef, 'TASK_009', 0, 3)), []);
    assert.deepEqual(findDefinition(plan, posOf(plan, 'sign up', 0, 2)), []);
    assert.deepEqual(findDefinition(plan, posOf(plan, '| Task | Depends On', 0, 3)), []);
    // A task ID inside a non-mermaid code block is not a reference.
    const code = parsePlan(edit(FILLED, 'npm run build\n', 'npm run build TASK_001\n'), { uri: URI });
    assert.deepEqual(findDefinition(code, posOf(code, 'build TASK_001', 0, 8)), []);
  });
});

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Location } from 'vscode-languageserver-types';
import { parsePlan, type Plan } from '../../../server/src/plan';
import { findReferences } from '../../../server/src/features/references';
import { edit, posOf, FILLED, URI } from '../testUtil';




/** Each location as "line:character text-on-that-line" (1-based line), the way a user reads the list. */
function describe_(plan: Plan, locations: Location[]): string[] {
  const lines = plan.text.split('\n');
  return locations.map((l) => {
    assert.equal(l.uri, URI);
    assert.equal(l.range.start.line, l.range.end.line);
    const text = lines[l.range.start.line].slice(l.range.start.character, l.range.end.character);
    return `${l.range.start.line + 1}:${l.range.start.character} ${text}`;
  });
}

describe('references', () => {
  const text = edit(FILLED, 'Let people sign up', 'After TASK_002 lands, let people sign up');
  const plan = parsePlan(text, { uri: URI });

  it('finds rows, Depends On cells, steps, graph labels and prose', () => {
    const found = describe_(plan, findReferences(plan, posOf(plan, '| TASK_002 |', 0, 4), true));
    assert.deepEqual(found, [
      '11:6 TASK_002', // prose (Objectives)
      '83:22 TASK_002', // Step 1
      '104:30 TASK_002', // graph label B[TASK_002: Hashing]
      '115:2 TASK_002', // its row
      '116:23 TASK_002', // TASK_003 depends on it
      '117:13 TASK_002', // TASK_004 depends on it
    ]);
  });

  it('leaves the declaration out when asked to', () => {
    const found = describe_(plan, findReferences(plan, posOf(plan, '| TASK_002 |', 0, 4), false));
    assert.equal(found.length, 5);
    assert.ok(!found.includes('115:2 TASK_002'));
  });

  it('gives the same answer from any occurrence', () => {
    const fromRow = findReferences(plan, posOf(plan, '| TASK_002 |', 0, 4), true);
    for (const [needle, delta] of [
      ['After TASK_002', 8],
      ['[TASK_001, TASK_002]', 13],
      ['B[TASK_002', 2],
      ['| TASK_004 | TASK_002', 13],
    ] as const) {
      assert.deepEqual(findReferences(plan, posOf(plan, needle, 0, delta), true), fromRow, needle);
    }
  });

  it('finds bare mermaid IDs, every occurrence of them', () => {
    const bare = parsePlan(
      edit(
        FILLED,
        '    A[TASK_001: Schema] --> B[TASK_002: Hashing]\n    A --> C[TASK_003: Sign-up]\n    B --> C\n    B --> D[TASK_004: Sign-in]\n    C --> E[TASK_005: E2E tests]\n    D --> E\n',
        '    TASK_001 --> TASK_002\n    TASK_001 --> TASK_003\n    TASK_002 --> TASK_003\n    TASK_002 --> TASK_004\n    TASK_003 --> TASK_005\n    TASK_004 --> TASK_005\n    style TASK_001 fill:#f9f\n',
      ),
      { uri: URI },
    );
    const found = describe_(bare, findReferences(bare, posOf(bare, '| TASK_001 |', 0, 4), false));
    assert.deepEqual(found, ['83:12 TASK_001', '104:4 TASK_001', '105:4 TASK_001', '110:10 TASK_001', '116:13 TASK_001', '117:13 TASK_001']);
  });

  it('finds references of an ID that has no row', () => {
    const undef = parsePlan(edit(FILLED, '**Tasks:** [TASK_005]', '**Tasks:** [TASK_005, TASK_042]'), { uri: URI });
    assert.deepEqual(describe_(undef, findReferences(undef, posOf(undef, 'TASK_042', 0, 2), true)), ['95:22 TASK_042']);
  });

  it('finds nothing off an ID', () => {
    assert.deepEqual(findReferences(plan, posOf(plan, 'Schema and hashing', 0, 3), true), []);
    assert.deepEqual(findReferences(plan, posOf(plan, '| Task |', 0, 3), true), []);
  });
});

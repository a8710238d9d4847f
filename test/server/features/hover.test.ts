import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Hover, MarkupContent } from 'vscode-languageserver-types';
import { parsePlan } from '../../../server/src/plan';
import { hoverTask } from '../../../server/src/features/hover';
import { edit, posOf, FILLED, URI } from '../testUtil';




function markdown(hover: Hover | null): string {
  assert.ok(hover, 'expected a hover');
  const contents = hover.contents as MarkupContent;
  assert.equal(contents.kind, 'markdown');
  return contents.value;
}

describe('hover', () => {
  const plan = parsePlan(FILLED, { uri: URI });

  it('shows hours, dependencies, dependents, step and the defining line', () => {
    const value = markdown(hoverTask(plan, posOf(plan, '| TASK_003 |', 0, 4)));
    assert.equal(
      value,
      [
        '**TASK_003**',
        '',
        '- Estimated hours: 10',
        '- Depends on: `TASK_001`, `TASK_002`',
        '- Needed by: `TASK_005`',
        '- Step: Step 2: Core Functionality',
        '- Defined on line 116',
      ].join('\n'),
    );
  });

  it('says none for a task without dependencies or dependents', () => {
    const first = markdown(hoverTask(plan, posOf(plan, '[TASK_001, TASK_002]', 0, 3)));
    assert.match(first, /- Depends on: none/);
    assert.match(first, /- Needed by: `TASK_002`, `TASK_003`/);
    const last = markdown(hoverTask(plan, posOf(plan, 'E[TASK_005', 0, 4)));
    assert.match(last, /- Estimated hours: 12/);
    assert.match(last, /- Needed by: none/);
    assert.match(last, /- Step: Step 3: Integration & Testing/);
  });

  it('covers exactly the ID it describes', () => {
    const hover = hoverTask(plan, posOf(plan, '| TASK_004 | TASK_002', 0, 15));
    const start = posOf(plan, '| TASK_004 | TASK_002', 0, 13);
    assert.deepEqual(hover?.range, { start, end: { line: start.line, character: start.character + 8 } });
    assert.match(markdown(hover), /^\*\*TASK_002\*\*/);
  });

  it('merges graph-only dependencies and lists every step naming the task', () => {
    let text = edit(FILLED, '    D --> E\n', '    D --> E\n    D --> C\n');
    text = edit(text, '**Tasks:** [TASK_005]', '**Tasks:** [TASK_005, TASK_003]');
    const p = parsePlan(text, { uri: URI });
    const value = markdown(hoverTask(p, posOf(p, '| TASK_003 |', 0, 4)));
    assert.match(value, /- Depends on: `TASK_001`, `TASK_002`, `TASK_004`/);
    assert.match(value, /- Step: Step 2: Core Functionality, Step 3: Integration & Testing/);
  });

  it('says when a task has no row, and when hours are missing', () => {
    let text = edit(FILLED, '**Tasks:** [TASK_005]', '**Tasks:** [TASK_005, TASK_042]');
    text = edit(text, '| TASK_004 | TASK_002 | 8 |', '| TASK_004 | TASK_002 |  |');
    const p = parsePlan(text, { uri: URI });
    const missing = markdown(hoverTask(p, posOf(p, 'TASK_042', 0, 1)));
    assert.match(missing, /\*\*TASK_042\*\* \(no row in the task table\)/);
    assert.doesNotMatch(missing, /Estimated hours/);
    assert.doesNotMatch(missing, /Defined on/);
    assert.match(missing, /- Step: Step 3: Integration & Testing/);
    assert.match(markdown(hoverTask(p, posOf(p, '| TASK_004 |', 0, 4))), /- Estimated hours: not given/);
  });

  it('is null off a task ID', () => {
    assert.equal(hoverTask(plan, posOf(plan, 'Let people', 0, 1)), null);
    assert.equal(hoverTask(plan, posOf(plan, '| Task |', 0, 3)), null);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decideEdit } from '../../../client/src/logic/edits';
import { orderSections, parseHours, readAddTaskArgs, suggestStep } from '../../../client/src/logic/input';
import { formatHours, formatSummary } from '../../../client/src/logic/status';
import { taskIdAt } from '../../../client/src/logic/taskId';

describe('status bar text', () => {
  it('reads "N tasks · N problems · Nh critical path"', () => {
    const s = formatSummary({ taskCount: 12, errors: 1, warnings: 1, criticalPathHours: 48 });
    assert.equal(s.text, '$(checklist) 12 tasks · 2 problems · 48h critical path');
    assert.match(s.tooltip, /1 error, 1 warning/);
  });
  it('uses singulars and omits an unknown critical path', () => {
    assert.equal(formatSummary({ taskCount: 1, errors: 0, warnings: 1, criticalPathHours: 0 }).text, '$(checklist) 1 task · 1 problem');
    assert.equal(formatSummary({ taskCount: 0, errors: 0, warnings: 0, criticalPathHours: 0 }).text, '$(checklist) 0 tasks · 0 problems');
  });
  it('reads "7/23 done · 42 h left on the critical path" for a plan that tracks progress', () => {
    const s = formatSummary({ taskCount: 23, errors: 0, warnings: 1, criticalPathHours: 60, progress: { done: 7, total: 23, remainingHours: 42 } });
    assert.equal(s.text, '$(checklist) 7/23 done · 42 h left on the critical path · 1 problem');
    assert.match(s.tooltip, /7 of 23 tasks done/);
    const noHours = formatSummary({ taskCount: 17, errors: 0, warnings: 0, criticalPathHours: 0, progress: { done: 4, total: 17, remainingHours: 0 } });
    assert.equal(noHours.text, '$(checklist) 4/17 done · 0 problems');
    const withChecklist = formatSummary({ taskCount: 5, errors: 0, warnings: 0, criticalPathHours: 32, checklist: { done: 3, total: 10 } });
    assert.match(withChecklist.tooltip, /Checklists: 3 of 10 items checked/);
  });
  it('says what it counts: information apart from problems, unestimated tasks on the critical path', () => {
    const s = formatSummary({ taskCount: 9, errors: 2, warnings: 18, information: 6, criticalPathHours: 30, criticalPathUnestimated: 2 });
    assert.equal(s.text, '$(checklist) 9 tasks · 20 problems + 6 info · 30h+ critical path');
    assert.match(s.tooltip, /2 errors, 18 warnings, 6 information/);
    assert.match(s.tooltip, /plus 2 unestimated tasks/);
  });
  it('formats hours compactly', () => {
    assert.equal(formatHours(12.5), '12.5h');
    assert.equal(formatHours(1 / 3), '0.33h');
    assert.equal(formatHours(NaN), '?h');
  });
});

describe('task ID under the cursor', () => {
  const line = '| TASK_002 | TASK_001, TASK-010 | 4 |';
  it('finds the ID the cursor is in or touches', () => {
    assert.equal(taskIdAt(line, 2), 'TASK_002');
    assert.equal(taskIdAt(line, 6), 'TASK_002');
    assert.equal(taskIdAt(line, 10), 'TASK_002');
    assert.equal(taskIdAt(line, 14), 'TASK_001');
    assert.equal(taskIdAt(line, 24), 'TASK-010');
    assert.equal(taskIdAt(line, 0), null);
    assert.equal(taskIdAt(line, 35), null);
  });
  it('ignores IDs glued to other word characters', () => {
    assert.equal(taskIdAt('XTASK_001', 4), null);
    assert.equal(taskIdAt('TASK_001a', 3), null);
  });
  it('uses a custom pattern and falls back on a broken one', () => {
    assert.equal(taskIdAt('see AUTH-7 now', 6, 'AUTH-\\d+'), 'AUTH-7');
    assert.equal(taskIdAt('TASK_001', 1, '(unclosed'), 'TASK_001');
    assert.equal(taskIdAt('TASK_001', 1, 'x*'), 'TASK_001');
  });
});

describe('applying server edits', () => {
  const uri = 'file:///p.plan.md';
  const edit = { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: 'x' };
  it('applies a result for this document and version', () => {
    assert.deepEqual(decideEdit({ uri, version: 3, edits: [edit] }, uri, 3), { kind: 'apply' });
  });
  it('refuses a stale version or another document', () => {
    assert.equal(decideEdit({ uri, version: 2, edits: [edit] }, uri, 3).kind, 'refuse');
    assert.equal(decideEdit({ uri: 'file:///other.md', version: 3, edits: [edit] }, uri, 3).kind, 'refuse');
    assert.equal(decideEdit(null, uri, 3).kind, 'refuse');
  });
  it('shows the message when there is nothing to do', () => {
    assert.deepEqual(decideEdit({ uri, version: 2, edits: [], message: 'Already in sync.' }, uri, 3), {
      kind: 'nothing',
      message: 'Already in sync.',
    });
  });
});

describe('command inputs', () => {
  it('parses hours', () => {
    assert.deepEqual(parseHours(''), { ok: true, hours: undefined });
    assert.deepEqual(parseHours(' 4 '), { ok: true, hours: 4 });
    assert.deepEqual(parseHours('2.5h'), { ok: true, hours: 2.5 });
    assert.equal(parseHours('0').ok, false);
    assert.equal(parseHours('-1').ok, false);
    assert.equal(parseHours('four').ok, false);
  });
  it('orders missing sections first, keeping template order', () => {
    const sections = [
      { title: 'A', present: true },
      { title: 'B', present: false },
      { title: 'C', present: true },
      { title: 'D', present: false },
    ];
    assert.deepEqual(orderSections(sections).map((s) => s.title), ['B', 'D', 'A', 'C']);
  });
  it('suggests the latest step among the dependencies', () => {
    const steps = [{ title: 'Step 1' }, { title: 'Step 2' }, { title: 'Step 3' }];
    const tasks = [
      { id: 'T1', step: 'Step 1' },
      { id: 'T2', step: 'Step 2' },
      { id: 'T3' },
    ];
    assert.equal(suggestStep(steps, tasks, ['T1', 'T2']), 'Step 2');
    assert.equal(suggestStep(steps, tasks, ['T3']), undefined);
    assert.equal(suggestStep(steps, tasks, []), undefined);
  });
  it('reads Add Task arguments', () => {
    assert.deepEqual(readAddTaskArgs({}), {});
    assert.deepEqual(readAddTaskArgs({ dependsOn: ['TASK_001'], hours: 3, step: 'Step 1' }), {
      dependsOn: ['TASK_001'],
      hours: 3,
      step: 'Step 1',
    });
    assert.deepEqual(readAddTaskArgs({ hours: null, step: null }), { hours: null, step: null });
    assert.deepEqual(readAddTaskArgs({ hours: '2.5' }), { hours: 2.5 });
    assert.throws(() => readAddTaskArgs({ dependsOn: 'TASK_001' }));
    assert.throws(() => readAddTaskArgs({ hours: -2 }));
    assert.throws(() => readAddTaskArgs({ id: '' }));
  });
});

// What the Plans view says about a plan, a step and a task.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describePlan, describeStep, describeTask, escapeMarkdown } from '../../../client/src/plans/describe';
import type { WorkspacePlansResult } from '../../../shared/protocol';

const range = { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } };
const plan: WorkspacePlansResult['plans'][number] = {
  uri: 'file:///ws/phase-3.plan.md',
  version: null,
  title: 'Implementation Plan: Phase 3 - Reports',
  label: 'Phase 3: Reports',
  kind: 'template',
  progress: { done: 1, total: 3 },
  targetStart: { value: '2026-03-23', range },
  targetEnd: { value: '2026-05-01', range },
  tasks: [
    { id: 'TASK_021', range, hours: 6, dependsOn: [], status: 'done', step: 0 },
    { id: 'TASK_022', range, hours: 4.5, dependsOn: ['TASK_021'], status: 'in-progress', step: 0 },
    { id: 'TASK_023', range, dependsOn: ['TASK_021', 'TASK_022'] },
  ],
  steps: [{ title: 'Step 1: Foundation', number: 1, range, tasks: ['TASK_021', 'TASK_022'] }],
  criticalPath: { tasks: ['TASK_021', 'TASK_022'], hours: 10.5 },
  errors: 0,
  warnings: 0,
  external: [],
  problems: { errors: 0, warnings: 1 },
};

describe('Plans view text', () => {
  it('a plan: dates, tasks, hours, progress and problems, with a warning icon', () => {
    const text = describePlan(plan);
    assert.equal(text.description, '2026-03-23 → 2026-05-01 · 3 tasks · 10.5 h · 1/3 done · 1 warning');
    assert.equal(text.icon, 'warning');
    assert.match(text.tooltip, /10\.5 h on the critical path/);
  });

  it('a step: its tasks, hours and progress', () => {
    assert.equal(describeStep(plan, plan.steps[0]).description, '2 tasks · 10.5 h · 1/2 done');
  });

  it('a task: hours, status and prerequisites', () => {
    assert.deepEqual(describeTask(plan.tasks[1]), {
      description: '4.5 h · in progress · after TASK_021',
      tooltip: 'TASK_022 — 4.5 h, in progress, after TASK_021',
      icon: 'sync',
    });
    assert.equal(describeTask(plan.tasks[0]).icon, 'pass-filled');
  });

  it('escapes plan text in Markdown tooltips', () => {
    assert.equal(escapeMarkdown('[x](command:evil) <b>'), '\\[x\\]\\(command:evil\\) \\<b\\>');
    const hostile = describePlan({ ...plan, label: '[click](command:workbench.action.quit)' });
    assert.ok(!hostile.tooltip.includes('[click](command:'));
  });
});

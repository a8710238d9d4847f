import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DiagnosticSeverity } from 'vscode-languageserver-types';
import { parsePlan } from '../../../server/src/plan';
import { planSummary, sectionList, taskList } from '../../../server/src/features/planInfo';
import { computeDiagnostics } from '../../../server/src/features/diagnostics';
import { DEFAULT_SETTINGS } from '../../../shared/settings';
import { FILLED, TEMPLATE, URI } from '../testUtil';


function edit(text: string, from: string | RegExp, to: string): string {
  const out = text.replace(from, to);
  assert.notEqual(out, text, `fixture text ${String(from)} not found`);
  return out;
}

describe('task list', () => {
  it('lists the tasks with hours, dependencies, step and row, plus the next free ID', () => {
    const result = taskList(parsePlan(FILLED, { uri: URI, version: 3 }));
    assert.equal(result.uri, URI);
    assert.equal(result.version, 3);
    assert.deepEqual(
      result.tasks.map((t) => [t.id, t.hours, t.dependencies.join(' '), t.step, t.range.start.line + 1]),
      [
        ['TASK_001', 6, '', 'Step 1: Foundation Setup', 114],
        ['TASK_002', 4, 'TASK_001', 'Step 1: Foundation Setup', 115],
        ['TASK_003', 10, 'TASK_001 TASK_002', 'Step 2: Core Functionality', 116],
        ['TASK_004', 8, 'TASK_002', 'Step 2: Core Functionality', 117],
        ['TASK_005', 12, 'TASK_003 TASK_004', 'Step 3: Integration & Testing', 118],
      ],
    );
    // The range is the whole row, for revealing it.
    assert.deepEqual(result.tasks[0].range, { start: { line: 113, character: 0 }, end: { line: 113, character: 23 } });
    assert.equal(result.nextFreeId, 'TASK_006');
    assert.deepEqual(
      result.steps.map((s) => [s.title, s.range.start.line + 1]),
      [
        ['Step 1: Foundation Setup', 82],
        ['Step 2: Core Functionality', 88],
        ['Step 3: Integration & Testing', 94],
      ],
    );
  });

  it('counts IDs named only in steps or the graph when choosing the next free ID', () => {
    const result = taskList(parsePlan(TEMPLATE, { uri: URI }));
    assert.deepEqual(result.tasks.map((t) => [t.id, t.hours]), [
      ['TASK_001', undefined],
      ['TASK_002', undefined],
    ]);
    assert.equal(result.nextFreeId, 'TASK_008');
  });

  it('keeps the plan\'s own ID style and lists a duplicated ID once', () => {
    let text = FILLED.replace(/TASK_0*(\d+)/g, 'TASK-$1');
    text = edit(text, '| TASK-5 | TASK-3, TASK-4 | 12 |', '| TASK-5 | TASK-3, TASK-4 | 12 |\n| TASK-12 | TASK-5 | 1 |\n| TASK-5 | None | 2 |');
    const result = taskList(parsePlan(text, { uri: URI }));
    assert.deepEqual(result.tasks.map((t) => t.id), ['TASK-1', 'TASK-2', 'TASK-3', 'TASK-4', 'TASK-5', 'TASK-12']);
    assert.equal(result.tasks.find((t) => t.id === 'TASK-5')?.hours, 12, 'the first row counts');
    assert.equal(result.nextFreeId, 'TASK-13');
  });

  it('offers TASK_001 first in a plan without tasks', () => {
    assert.equal(taskList(parsePlan('# Implementation Plan: Phase 1 - X\n', { uri: URI })).nextFreeId, 'TASK_001');
  });
});

describe('section list', () => {
  it('lists the template sections in order, all present in the filled plan', () => {
    const result = sectionList(parsePlan(FILLED, { uri: URI }));
    const level2 = result.sections.filter((s) => s.level === 2);
    assert.equal(level2.length, 20);
    assert.equal(level2[0].title, 'Overview');
    assert.equal(level2[19].title, 'Review Checklist');
    assert.ok(result.sections.some((s) => s.level === 3 && s.title === 'Data Protection'));
    assert.deepEqual(result.sections.filter((s) => !s.present), [], 'the filled plan has every section');
  });

  it('counts a filled-in step heading as the template step', () => {
    const result = sectionList(parsePlan(FILLED, { uri: URI }));
    assert.ok(result.sections.find((s) => s.title === 'Step 1: [Foundation Setup]')?.present);
  });

  it('flags what is missing, matching headings loosely', () => {
    let text = edit(FILLED, /## Rollback Plan\n[\s\S]*?(?=## Risk Mitigation)/, '');
    text = edit(text, '### Data Protection\n', '');
    text = edit(text, '## Objectives', '## **objectives:**');
    const result = sectionList(parsePlan(text, { uri: URI }));
    assert.deepEqual(
      result.sections.filter((s) => !s.present).map((s) => `${s.level} ${s.title}`),
      ['3 Data Protection', '2 Rollback Plan'],
    );
  });

  it('does not count a section at the wrong level', () => {
    const text = edit(FILLED, '## Rollback Plan', '### Rollback Plan');
    const result = sectionList(parsePlan(text, { uri: URI }));
    assert.equal(result.sections.find((s) => s.title === 'Rollback Plan')?.present, false);
  });
});

describe('plan summary', () => {
  it('counts tasks, errors, warnings and the critical path hours', () => {
    const plan = parsePlan(FILLED, { uri: URI, version: 5 });
    assert.deepEqual(planSummary(plan, computeDiagnostics(plan, DEFAULT_SETTINGS)), {
      uri: URI,
      version: 5,
      taskCount: 5,
      errors: 0,
      warnings: 0,
      criticalPathHours: 32,
      information: 0,
      criticalPathUnestimated: 0,
      kind: 'template',
      // The checklists of the filled plan's sections (Review Checklist and others).
      checklist: { done: 1, total: 14 },
    });
  });

  it('reports progress from a Status column: done tasks and the hours left on the critical path', () => {
    // The filled plan with a Status column: TASK_001 and TASK_002 done.
    const withStatus = FILLED.replace(/^\| Task \| Depends On \| Estimated Hours \|$/m, '| Task | Depends On | Estimated Hours | Status |')
      .replace('|------|-----------|----------------|', '|------|-----------|----------------|--------|')
      .replace(/^(\| TASK_00([1-5]) \|.*\|)$/gm, (row, _r, n) => `${row} ${Number(n) <= 2 ? 'Done' : n === '3' ? 'in progress' : 'Todo'} |`);
    const plan = parsePlan(withStatus, { uri: URI, version: 5 });
    assert.deepEqual([...plan.taskById.values()].map((t) => t.status), ['done', 'done', 'in-progress', 'todo', 'todo']);
    const summary = planSummary(plan, computeDiagnostics(plan, DEFAULT_SETTINGS));
    assert.equal(summary.progress?.done, 2);
    assert.equal(summary.progress?.total, 5);
    assert.ok(summary.progress!.remainingHours < summary.criticalPathHours);
  });

  it('counts errors and warnings, not information', () => {
    const plan = parsePlan(TEMPLATE, { uri: URI });
    const diagnostics = computeDiagnostics(plan, DEFAULT_SETTINGS);
    assert.ok(diagnostics.some((d) => d.severity === DiagnosticSeverity.Information), 'the template has placeholders');
    const summary = planSummary(plan, diagnostics);
    assert.equal(summary.taskCount, 2);
    assert.equal(summary.errors, 0);
    assert.equal(summary.warnings, 8, '5 step-unknown-task + 3 graph-unknown-task');
    assert.equal(summary.criticalPathHours, 0);
  });

  it('sees an undefined dependency as an error, and counts a duplicated row once', () => {
    let text = edit(FILLED, '| TASK_004 | TASK_002 | 8 |', '| TASK_004 | TASK_002, TASK_042 | 8 |');
    text = edit(text, '| TASK_005 | TASK_003, TASK_004 | 12 |', '| TASK_005 | TASK_003, TASK_004 | 12 |\n| TASK_005 | None | 1 |');
    const plan = parsePlan(text, { uri: URI });
    const summary = planSummary(plan, computeDiagnostics(plan, DEFAULT_SETTINGS));
    assert.equal(summary.taskCount, 5);
    assert.equal(summary.errors, 2, 'unknown-task and duplicate-task');
  });
});

// Checks across plans, over the index's summaries of real plan files (the workspace fixture and
// variations of it): what a user sees in the editor and from planmark check.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { DEFAULT_SETTINGS, resolveSettings, type PlanmarkSettings } from '../../../shared/settings';
import { computeDiagnostics } from '../../../server/src/features/diagnostics';
import { timelineGantt } from '../../../server/src/features/timeline';
import { workspaceGraph, workspaceGraphMermaid } from '../../../server/src/features/workspaceGraph';
import { workspaceSymbols } from '../../../server/src/features/workspaceSymbols';
import { parsePlan } from '../../../server/src/plan';
import { crossPlanRefs } from '../../../server/src/plan/crossPlanRefs';
import { crossPlanFindings } from '../../../server/src/workspace/crossPlan';
import { findingsToDiagnostics } from '../../../server/src/workspace/findings';
import { workingDaysBetween, parseDay } from '../../../server/src/workspace/schedule';
import { summarisePlan, withoutCrossPlanFindings } from '../../../server/src/workspace/summary';

const DIR = path.resolve(__dirname, '../../fixtures/workspace/docs/plans');
const FILES = ['phase-1-accounts.plan.md', 'phase-2-billing.plan.md', 'phase-3-reports.plan.md'];
const read = (name: string) => fs.readFileSync(path.join(DIR, name), 'utf8');

function summarise(texts: Record<string, string>, settings: PlanmarkSettings = DEFAULT_SETTINGS) {
  return Object.entries(texts).map(([name, text]) => {
    const plan = parsePlan(text, { uri: `file:///ws/${name}`, taskIdPattern: settings.taskIdPattern });
    return { plan, summary: summarisePlan(plan, withoutCrossPlanFindings(plan, computeDiagnostics(plan, settings), settings), settings, null) };
  });
}

function fixture(edit: (name: string, text: string) => string = (_n, t) => t): Record<string, string> {
  return Object.fromEntries(FILES.map((f) => [f, edit(f, read(f))]));
}

function findings(texts: Record<string, string>, settings: PlanmarkSettings = DEFAULT_SETTINGS) {
  return crossPlanFindings(
    summarise(texts, settings).map((s) => s.summary),
    settings,
  );
}

const codesByFile = (list: ReturnType<typeof findings>) =>
  list.map((f) => `${f.uri.split('/').pop()}:${f.range.start.line + 1}:${f.code}`).sort();

describe('the workspace fixture', () => {
  test('Phase 3 starts before Phase 2 ends: one warning on its Target Start line, naming Phase 2, with its Target End as related location', () => {
    const list = findings(fixture());
    assert.deepEqual(codesByFile(list), ['phase-3-reports.plan.md:7:phase-overlap']);
    const [overlap] = list;
    assert.equal(
      overlap.message,
      'Phase 3: Reports starts on 2026-03-23, before the previous phase, Phase 2: Billing (phase-2-billing.plan.md), ends on 2026-04-03.',
    );
    assert.deepEqual(overlap.range, { start: { line: 6, character: 20 }, end: { line: 6, character: 30 } });
    assert.equal(overlap.related[0].uri, 'file:///ws/phase-2-billing.plan.md');
    assert.equal(overlap.related[0].range.start.line, 7);
  });

  test('the cross-plan dependency Phase 1/TASK_005 is not an unknown task of Phase 2, and resolves', () => {
    const [, billing] = summarise(fixture());
    assert.deepEqual(
      billing.summary.external.map((r) => [r.phase, r.task, r.dependent]),
      [['1', 'TASK_005', 'TASK_011']],
    );
    assert.equal(billing.summary.errors, 0);
    assert.deepEqual(billing.summary.tasks.find((t) => t.id === 'TASK_011')!.dependsOn, []);
  });

  test('a cross-plan dependency on a missing phase or task is reported on the reference', () => {
    const list = findings(fixture((name, t) => (name.startsWith('phase-2') ? t.replace('Phase 1/TASK_005', 'Phase 1/TASK_009, Phase 7/TASK_001') : t)));
    const external = list.filter((f) => f.code === 'unknown-external-task');
    assert.deepEqual(
      external.map((f) => f.message),
      ['Phase 1: User Accounts (phase-1-accounts.plan.md) has no task TASK_009.', 'No plan of the workspace is Phase 7, so TASK_001 of it cannot be found.'],
    );
    assert.deepEqual(external.map((f) => f.range.start.line), [113, 113]);
  });

  test('phase numbers and names used twice are reported on both plans', () => {
    const list = findings(
      fixture((name, t) => (name.startsWith('phase-3') ? t.replace('- **Phase:** 3', '- **Phase:** 2').replace('- **Phase Name:** Reports', '- **Phase Name:** Billing') : t)),
    );
    assert.deepEqual(codesByFile(list), [
      'phase-2-billing.plan.md:4:duplicate-phase',
      'phase-2-billing.plan.md:5:duplicate-phase-name',
      'phase-3-reports.plan.md:4:duplicate-phase',
      'phase-3-reports.plan.md:5:duplicate-phase-name',
    ]);
    assert.match(list.find((f) => f.code === 'duplicate-phase')!.message, /^Phase 2 is also the phase of Phase 2: Billing \(phase-3-reports\.plan\.md\)/);
  });

  test('Created after Target Start is reported on Created', () => {
    const list = findings(fixture((name, t) => (name.startsWith('phase-1') ? t.replace('- **Created:** 2026-01-05', '- **Created:** 2026-01-14') : t)));
    const created = list.find((f) => f.code === 'created-after-start')!;
    assert.equal(created.uri, 'file:///ws/phase-1-accounts.plan.md');
    assert.equal(created.range.start.line, 5);
    assert.match(created.message, /^Created \(2026-01-14\) is after Target Start \(2026-01-12\)/);
  });

  test('a critical path that does not fit between Target Start and Target End, with the figures', () => {
    // TASK_001 -> TASK_002 -> TASK_003 -> TASK_005 is 6 + 4 + 10 + 12 = 32 h; Mon 12 to Wed 14 January is 3 working days.
    const tight = fixture((name, t) => (name.startsWith('phase-1') ? t.replace('- **Target End:** 2026-02-20', '- **Target End:** 2026-01-14') : t));
    const overrun = findings(tight).find((f) => f.code === 'schedule-overrun')!;
    assert.equal(overrun.range.start.line, 7);
    assert.equal(
      overrun.message,
      'The critical path (TASK_001 → TASK_002 → TASK_003 → TASK_005) needs 32 h, 6 working days at 6 h a day (planmark.hoursPerDay), ' +
        'but 2026-01-12 to 2026-01-14 has 3 working days (Monday to Friday), 18 h.',
    );
    // At 11 h a day, 3 days hold 33 h: it fits.
    assert.equal(findings(tight, resolveSettings({ hoursPerDay: 11 })).filter((f) => f.code === 'schedule-overrun').length, 0);
  });

  test('severities and planmark-disable comments apply to workspace findings', () => {
    const texts = fixture((name, t) => (name.startsWith('phase-3') ? t.replace('- **Target Start:**', '<!-- planmark-disable-next-line phase-overlap -->\n- **Target Start:**') : t));
    const plans = summarise(texts);
    const list = crossPlanFindings(plans.map((p) => p.summary), DEFAULT_SETTINGS);
    const reports = plans[2].plan;
    assert.equal(findingsToDiagnostics(list, DEFAULT_SETTINGS, reports).length, 0);
    assert.equal(findingsToDiagnostics(findings(fixture()), DEFAULT_SETTINGS).length, 1);
    assert.equal(findingsToDiagnostics(findings(fixture()), resolveSettings({ diagnostics: { 'phase-overlap': 'off' } })).length, 0);
  });

  test('cross-plan references follow planmark.crossPlanReference, and an empty one turns them off', () => {
    const custom = resolveSettings({ crossPlanReference: '{phase}:{task}' });
    const text = read('phase-2-billing.plan.md').replace('Phase 1/TASK_005', '1:TASK_005');
    const plan = parsePlan(text, { uri: 'file:///ws/b.plan.md' });
    assert.deepEqual(crossPlanRefs(plan, custom.crossPlanReference, custom.taskIdPattern).map((r) => `${r.phase}/${r.task}`), ['1/TASK_005']);
    assert.deepEqual(crossPlanRefs(plan, '', custom.taskIdPattern), []);
    // Off: Phase 1/TASK_005 is an unknown task of the plan again.
    const off = resolveSettings({ crossPlanReference: '' });
    const [, billing] = summarise(fixture(), off);
    assert.equal(billing.summary.errors, 1);
  });
});

describe('working days', () => {
  test('Monday to Friday count, both ends included', () => {
    const days = (a: string, b: string) => workingDaysBetween(parseDay(a)!, parseDay(b)!);
    assert.equal(days('2026-01-12', '2026-01-16'), 5); // Mon..Fri
    assert.equal(days('2026-01-12', '2026-01-18'), 5); // ..Sun
    assert.equal(days('2026-01-10', '2026-01-11'), 0); // Sat, Sun
    assert.equal(days('2026-01-12', '2026-02-20'), 30);
    assert.equal(days('2026-01-14', '2026-01-12'), 0);
  });
});

describe('workspace symbols, graph and timeline', () => {
  const plans = summarise(fixture()).map((p) => p.summary);

  test('a task ID, a step and a plan by phase number, each with its plan as container', () => {
    const task = workspaceSymbols(plans, 'TASK_023');
    assert.deepEqual(task.map((s) => [s.name, s.containerName, s.location.uri, s.location.range.start.line]), [
      ['TASK_023', 'Phase 3: Reports', 'file:///ws/phase-3-reports.plan.md', 115],
    ]);
    assert.deepEqual(
      workspaceSymbols(plans, 'phase 2').filter((s) => s.containerName !== undefined && s.name.startsWith('Phase')).map((s) => s.name),
      ['Phase 2: Billing'],
    );
    const steps = workspaceSymbols(plans, 'Core Functionality');
    assert.deepEqual(steps.map((s) => s.containerName), ['Phase 1: User Accounts', 'Phase 2: Billing', 'Phase 3: Reports']);
  });

  test('the workspace graph links Phase 1/TASK_005 to Phase 2/TASK_011', () => {
    const graph = workspaceGraph(plans);
    assert.equal(graph.nodes.length, 15);
    assert.deepEqual(graph.edges.filter((e) => e.crossPlan), [{ from: 'Phase 1: User Accounts/TASK_005', to: 'Phase 2: Billing/TASK_011', crossPlan: true }]);
    const mermaid = workspaceGraphMermaid(graph);
    assert.match(mermaid, /^flowchart TD\n {2}subgraph plan1\["Phase 1: User Accounts"\]/);
    assert.match(mermaid, /\n {2}n5 -\.-> n6\n/);
  });

  test('the timeline: a gantt section per phase, its target dates and its steps one after another', () => {
    const gantt = timelineGantt(plans, 6);
    assert.equal(
      gantt.split('\n').slice(0, 10).join('\n'),
      [
        'gantt',
        '  title Plans',
        '  dateFormat YYYY-MM-DD',
        '  excludes weekends',
        '  section Phase 1 User Accounts',
        '    Target dates :p1, 2026-01-12, 2026-02-21',
        // Step 1: TASK_001 -> TASK_002 = 10 h = 2 days; Step 2: TASK_003 (10 h) or TASK_004 (8 h) = 2 days; Step 3: 12 h = 2 days.
        '    Step 1 Foundation Setup (10 h) :p1s1, 2026-01-12, 2d',
        '    Step 2 Core Functionality (10 h) :p1s2, 2026-01-14, 2d',
        '    Step 3 Integration & Testing (12 h) :p1s3, 2026-01-16, 2d',
        '  section Phase 2 Billing',
      ].join('\n'),
    );
  });
});

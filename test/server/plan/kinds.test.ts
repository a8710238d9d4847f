// Task lists written for GitHub spec-kit and Kiro read into the same Plan model as template plans:
// tasks, dependency edges, phases and progress; the language features then work through it.
import { test, describe } from 'node:test';
import fc from 'fast-check';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { planKindOf } from '../../../shared/planFiles';
import { DEFAULT_SETTINGS } from '../../../shared/settings';
import { computeDiagnostics } from '../../../server/src/features/diagnostics';
import { findDefinition } from '../../../server/src/features/definition';
import { hoverTask } from '../../../server/src/features/hover';
import { PlanDocument, findDependencyCycles, parsePlan, parseRequirements, planProgress, type Plan } from '../../../server/src/plan';

const fixtures = path.join(__dirname, '..', '..', 'fixtures', 'kinds');
const specKitDir = path.join(fixtures, 'spec-kit', 'specs', '003-shelf-sync');
const kiroDir = path.join(fixtures, 'kiro', '.kiro', 'specs', 'shelf-sync');
const read = (file: string) => fs.readFileSync(file, 'utf8');
const specKitText = read(path.join(specKitDir, 'tasks.md'));
const kiroText = read(path.join(kiroDir, 'tasks.md'));
const requirements = parseRequirements('file:///repo/.kiro/specs/shelf-sync/requirements.md', read(path.join(kiroDir, 'requirements.md')));

function positionOf(plan: Plan, needle: string, nth = 0, delta = 0) {
  let at = -1;
  for (let i = 0; i <= nth; i++) at = plan.text.indexOf(needle, at + 1);
  assert.ok(at >= 0, `${needle} is in the plan`);
  return plan.lines.positionAt(at + delta);
}

function hoverText(plan: Plan, needle: string, nth = 0): string {
  const hover = hoverTask(plan, positionOf(plan, needle, nth, 1), requirements);
  assert.ok(hover, `a hover on ${needle}`);
  return (hover.contents as { value: string }).value;
}

describe('which kind a file is', () => {
  const globs = DEFAULT_SETTINGS.files;
  const kindOf = (p: string, text: string) => planKindOf(p, text, globs, ['/repo']);
  test('by path: spec-kit and Kiro task lists, and their neighbours are no plans', () => {
    assert.equal(kindOf('/repo/specs/003-shelf-sync/tasks.md', specKitText), 'specKit');
    assert.equal(kindOf('/repo/.kiro/specs/shelf-sync/tasks.md', kiroText), 'kiro');
    assert.equal(kindOf('/repo/specs/003-shelf-sync/plan.md', read(path.join(specKitDir, 'plan.md'))), undefined);
    assert.equal(kindOf('/repo/specs/003-shelf-sync/spec.md', read(path.join(specKitDir, 'spec.md'))), undefined);
    assert.equal(kindOf('/repo/specs/003-shelf-sync/research.md', read(path.join(specKitDir, 'research.md'))), undefined);
    assert.equal(kindOf('/repo/.kiro/specs/shelf-sync/requirements.md', read(path.join(kiroDir, 'requirements.md'))), undefined);
    assert.equal(kindOf('/repo/.kiro/specs/shelf-sync/design.md', '# Implementation Plan\n'), undefined);
  });
  test('by shape elsewhere: "# Implementation Plan" with numbered checkbox tasks is Kiro, spec-kit plan.md is no plan', () => {
    assert.equal(kindOf('/repo/notes/tasks.md', kiroText), 'kiro');
    assert.equal(kindOf('/repo/notes/plan.md', read(path.join(specKitDir, 'plan.md'))), undefined);
    assert.equal(kindOf('/repo/notes/tasks.md', specKitText), 'specKit');
    assert.equal(kindOf('/repo/docs/x.plan.md', '# Implementation Plan: Phase 2 - Billing\n\n| Task | Depends On |\n|---|---|\n'), 'template');
  });
  test('a kind turned off is no plan at all', () => {
    const off = { template: true, specKit: false, kiro: false };
    assert.equal(planKindOf('/repo/specs/003-shelf-sync/tasks.md', specKitText, globs, ['/repo'], off), undefined);
    assert.equal(planKindOf('/repo/.kiro/specs/shelf-sync/tasks.md', kiroText, globs, ['/repo'], off), undefined);
    assert.equal(planKindOf('/repo/notes/tasks.md', kiroText, globs, ['/repo'], off), undefined, 'not a template plan either');
  });
});

describe('spec-kit tasks.md', () => {
  const plan = parsePlan(specKitText, { kind: 'specKit', uri: 'file:///repo/specs/003-shelf-sync/tasks.md' });
  test('tasks with IDs, markers, phases and progress', () => {
    assert.equal(plan.kind, 'specKit');
    assert.deepEqual([...plan.taskById.keys()], Array.from({ length: 17 }, (_, i) => `T${String(i + 1).padStart(3, '0')}`));
    const t7 = plan.taskById.get('T007')!;
    assert.equal(t7.parallel, true);
    assert.equal(t7.story, 'US1');
    assert.match(t7.title!, /^Contract test for GET/);
    assert.equal(plan.taskById.get('T004')!.status, 'done');
    assert.equal(plan.taskById.get('T005')!.status, 'todo');
    assert.deepEqual(
      plan.steps.map((s) => [s.number, s.tasks.length]),
      [[1, 3], [2, 3], [3, 5], [4, 4], [5, 2]],
    );
    const progress = planProgress(plan);
    assert.equal(progress.done, 4);
    assert.equal(progress.total, 17);
    assert.deepEqual(progress.next, ['T005', 'T006']);
  });
  test('dependencies from task lines, statements, ranges and arrows', () => {
    const edges = new Set(plan.edges.map((e) => `${e.from}->${e.to}`));
    for (const e of ['T004->T005', 'T004->T009', 'T006->T009', 'T010->T011', 'T010->T014', 'T013->T014', 'T014->T015', 'T007->T009', 'T008->T009', 'T011->T016', 'T015->T016', 'T015->T017']) {
      assert.ok(edges.has(e), `edge ${e}`);
    }
    assert.ok(!edges.has('T002->T003') && !edges.has('T005->T006'), '"can run together" is no dependency');
  });
  test('no errors, warnings or template findings on a correct file', () => {
    assert.deepEqual(computeDiagnostics(plan, DEFAULT_SETTINGS), []);
  });
  test('hover and definition on a dependency ID reach its task line', () => {
    assert.match(hoverText(plan, 'T004, T006'), /\*\*T004\*\*[\s\S]*Status: done/);
    const def = findDefinition(plan, positionOf(plan, 'T005, T009', 0, 1));
    assert.equal(def.length, 1);
    assert.equal(def[0].range.start.line, plan.lines.positionAt(plan.taskById.get('T005')!.idSpan.start).line);
  });
  test('a planted cycle is reported with its path', () => {
    const cyclic = parsePlan(specKitText.replace('- T011 depends on T010', '- T011 depends on T010\n- T009 depends on T011'), { kind: 'specKit' });
    assert.deepEqual(findDependencyCycles(cyclic).map((c) => c.path), [['T009', 'T010', 'T011', 'T009']]);
    const d = computeDiagnostics(cyclic, DEFAULT_SETTINGS).filter((x) => x.code === 'dependency-cycle');
    assert.equal(d.length, 1);
    assert.match(String(d[0].message), /T009 → T010 → T011 → T009/);
  });
  test('unknown and self dependencies, and a done task waiting for an open one', () => {
    const bad = parsePlan(
      specKitText.replace('(depends on T004)', '(depends on T004, T099)').replace('- T015 requires T014', '- T015 requires T015').replace('- [ ] T011 [US1]', '- [x] T011 [US1]'),
      { kind: 'specKit' },
    );
    const codes = computeDiagnostics(bad, DEFAULT_SETTINGS).map((d) => `${d.code}:${d.message}`);
    assert.ok(codes.some((c) => c.startsWith('unknown-task:') && c.includes('T099')), codes.join('\n'));
    assert.ok(codes.some((c) => c.startsWith('self-dependency:') && c.includes('T015')), codes.join('\n'));
    assert.ok(codes.some((c) => c.startsWith('done-depends-on-open:') && c.includes('T011 is marked done but depends on T010')), codes.join('\n'));
  });
});

describe('Kiro tasks.md', () => {
  const plan = parsePlan(kiroText, { kind: 'kiro', uri: 'file:///repo/.kiro/specs/shelf-sync/tasks.md' });
  test('tasks, sub-tasks, optional tasks, dependencies and requirement references', () => {
    assert.deepEqual([...plan.taskById.keys()], ['1', '2', '2.1', '2.2', '2.3', '3', '3.1', '3.2', '3.3', '4']);
    assert.equal(plan.taskById.get('2.3')!.optional, true);
    assert.equal(plan.taskById.get('3.2')!.parent, '3');
    assert.deepEqual(plan.taskById.get('3.2')!.dependsOn.map((d) => d.id), ['3.1', '2.2']);
    assert.deepEqual(plan.taskById.get('3.2')!.requirements!.map((r) => r.id), ['1.2', '1.3']);
    assert.deepEqual(plan.steps.map((s) => s.tasks.map((t) => t.id)), [['2', '2.1', '2.2', '2.3'], ['3', '3.1', '3.2', '3.3']]);
    assert.deepEqual(planProgress(plan).next, ['2.2']);
  });
  test('numbers in prose are not task references', () => {
    assert.ok(plan.mentions.every((m) => m.kind === 'definition' || m.kind === 'dependsOn'));
  });
  test('no errors, warnings or template findings on a correct file', () => {
    assert.deepEqual(computeDiagnostics(plan, DEFAULT_SETTINGS, requirements), []);
  });
  test('hover and definition on a dependency reach its task; on a requirement, requirements.md', () => {
    const at = positionOf(plan, '_Depends on: 3.1', 0, '_Depends on: '.length + 1);
    assert.match((hoverTask(plan, at, requirements)!.contents as { value: string }).value, /^\*\*3\.1\*\*\n\nImplement the pull client/);
    const def = findDefinition(plan, at, requirements);
    assert.equal(def[0].range.start.line, plan.lines.positionAt(plan.taskById.get('3.1')!.idSpan.start).line);
    const reqAt = positionOf(plan, '_Requirements: 1.2, 1.3_', 0, '_Requirements: '.length + 1);
    const reqDef = findDefinition(plan, reqAt, requirements);
    assert.equal(reqDef[0].uri, requirements.uri);
    assert.equal(reqDef[0].range.start.line, requirements.byId.get('1.2')!.range.start.line);
    const hover = hoverTask(plan, reqAt, requirements)!;
    assert.match((hover.contents as { value: string }).value, /Requirement 1\.2[\s\S]*conflicts with a local edit/);
  });
  test('an unknown requirement and a planted cycle are reported', () => {
    const bad = parsePlan(kiroText.replace('_Requirements: 2.3_', '_Requirements: 2.9_').replace('_Depends on: 1_', '_Depends on: 1, 2.2_'), { kind: 'kiro' });
    const diagnostics = computeDiagnostics(bad, DEFAULT_SETTINGS, requirements);
    assert.ok(diagnostics.some((d) => d.code === "unknown-requirement" && /2\.9/.test(String(d.message))));
    const cycle = diagnostics.find((d) => d.code === 'dependency-cycle');
    assert.ok(cycle);
    assert.match(String(cycle.message), /2\.1 → 2\.2 → 2\.1/);
  });
});

test('incremental edits of task lists give the model of a full parse', () => {
  for (const [kind, text] of [['specKit', specKitText], ['kiro', kiroText]] as const) {
    const doc = new PlanDocument('file:///t.md', text, 1, { kind });
    const steps: [string, string][] =
      kind === 'specKit'
        ? [['- [ ] T005', '- [x] T005'], ['(depends on T004)', '(depends on T004, T006)'], ['- T011 depends on T010', '- T011 depends on T010\n- T012 depends on T011']]
        : [['- [ ] 2.2', '- [x] 2.2'], ['_Depends on: 2.1_', '_Depends on: 2.1, 1_'], ['- [ ] 4.', '- [ ] 4.1 Extra\n  - _Depends on: 3_\n\n- [ ] 4.']];
    for (const [from, to] of steps) {
      const at = doc.text.indexOf(from);
      assert.ok(at >= 0, from);
      doc.applyEdits([{ start: at, end: at + from.length, text: to }], doc.version + 1);
      const full = new PlanDocument('file:///t.md', doc.text, doc.version, { kind }).plan;
      const model = (p: Plan) => ({ tasks: p.tasks.map((t) => ({ ...t, row: undefined })), edges: p.edges, mentions: p.mentions, steps: p.steps, slots: p.dependencySlots });
      assert.deepStrictEqual(model(doc.plan), model(full), `${kind} after ${to}`);
    }
  }
});

test('random edits of spec-kit and Kiro task lists: the incremental model equals a full parse', () => {
  const model = (p: Plan) => ({
    tasks: p.tasks.map((t) => ({ ...t, row: undefined })),
    edges: p.edges,
    mentions: p.mentions,
    steps: p.steps,
    slots: p.dependencySlots,
    requirements: p.requirementRefs,
  });
  // Pieces people type in these files: task lines, checkboxes, dependency text, headings.
  const pieces = ['- [ ] T018 [P] [US1] New task (depends on T004)\n', '- [x] ', 'T009', ', T012', '\n', ' depends on ', '2.1', '_Depends on: 3.1_', '\n## Phase 6: More\n', '- [ ]* 5.1 Optional\n', '`', '-'];
  for (const [kind, text] of [['specKit', specKitText], ['kiro', kiroText]] as const) {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(), fc.nat({ max: 12 }), fc.constantFrom(...pieces)), { minLength: 1, maxLength: 4 }),
        (edits) => {
          const doc = new PlanDocument('file:///t.md', text, 1, { kind });
          for (const [at, length, piece] of edits) {
            const start = at % (doc.text.length + 1);
            const end = Math.min(doc.text.length, start + length);
            doc.applyEdits([{ start, end, text: piece }], doc.version + 1);
          }
          const full = new PlanDocument('file:///t.md', doc.text, doc.version, { kind }).plan;
          assert.deepStrictEqual(model(doc.plan), model(full));
        },
      ),
      { numRuns: 60, seed: 13 },
    );
  }
});

describe('other ways the tools write', () => {
  test('spec-kit front matter is no heading: the title is "Tasks: ..."', () => {
    const plan = parsePlan(specKitText, { kind: 'specKit' });
    assert.equal(plan.title?.text, 'Tasks: Shelf Synchronisation');
    assert.ok(!plan.sections.some((s) => /description/.test(s.title)));
  });

  test('older spec-kit: "Phase 3.1" headings and a Dependencies section of ranges, "blocks" and negations', () => {
    const text = [
      '# Tasks: Sign-up',
      '',
      '## Phase 3.1: Setup',
      '- [ ] T001 Create the project',
      '- [ ] T002 [P] Configure the linter',
      '',
      '## Phase 3.2: Tests First',
      '- [ ] T003 [P] Contract test POST /users',
      '- [ ] T004 [P] Integration test for sign-up',
      '',
      '## Phase 3.3: Core',
      '- [ ] T005 User model',
      '- [ ] T006 POST /users endpoint',
      '- [ ] T007 Validation',
      '',
      '## Dependencies',
      '- Tests (T003-T004) before implementation (T005-T007)',
      '- T005 blocks T006, T007',
      '- T002 does not depend on T001',
      '- T001 and T002 can run in parallel',
      '',
    ].join('\n');
    const plan = parsePlan(text, { kind: 'specKit' });
    const edges = plan.edges.map((e) => `${e.from}->${e.to}`).sort();
    assert.deepEqual(edges, ['T003->T005', 'T003->T006', 'T003->T007', 'T004->T005', 'T004->T006', 'T004->T007', 'T005->T006', 'T005->T007'].sort());
    assert.deepEqual(plan.steps.map((s) => s.number), [3, 3, 3]);
    assert.deepEqual(computeDiagnostics(plan, DEFAULT_SETTINGS), []);
  });

  test('Kiro: nested sub-tasks under one "## Tasks" heading group by parent; "Validates: Requirements" and ranges', () => {
    const text = [
      '# Implementation Plan: Alerts',
      '',
      '## Tasks',
      '',
      '- [x] 1. Set up the module',
      '  - _Requirements: 1.1_',
      '',
      '- [ ] 2. Build the queue',
      '  - [x] 2.1 Create the table',
      '  - [ ] 2.2 Write a property test for ordering',
      '    - **Validates: Requirements 2.1, 2.2**',
      '',
      '- [ ] 3. Build the list',
      '  - Depends on: 2.1-2.2',
      '  - _Requirements: 1.1–1.3_',
      '',
    ].join('\n');
    const plan = parsePlan(text, { kind: 'kiro' });
    assert.deepEqual(plan.steps.map((s) => s.tasks.map((t) => t.id)), [['2', '2.1', '2.2']]);
    assert.deepEqual(plan.taskById.get('2.2')!.requirements!.map((r) => r.id), ['2.1', '2.2']);
    assert.deepEqual(plan.taskById.get('3')!.dependsOn.map((d) => d.id), ['2.1', '2.2']);
    assert.deepEqual(plan.taskById.get('3')!.requirements!.map((r) => r.id), ['1.1', '1.2', '1.3']);
    assert.deepEqual(computeDiagnostics(plan, DEFAULT_SETTINGS), []);
  });
});

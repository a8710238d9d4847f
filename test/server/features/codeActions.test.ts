// Quick fixes on the defect fixtures: each fix's edits are applied to the text, the result must
// be exactly the expected plan, and checking it again must not report the fixed problem.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { CodeActionKind, DiagnosticSeverity, type CodeAction, type Diagnostic } from 'vscode-languageserver-types';
import { parsePlan, type Plan } from '../../../server/src/plan';
import { codeActions } from '../../../server/src/features/codeActions';
import { computeDiagnostics } from '../../../server/src/features/diagnostics';
import { templateSections } from '../../../server/src/template';
import { DEFAULT_SETTINGS } from '../../../shared/settings';
import { applyEdits, URI } from '../testUtil';

const fixtures = path.join(__dirname, '..', '..', 'fixtures');
const read = (name: string) => fs.readFileSync(path.join(fixtures, name), 'utf8');
const filled = read('filled.plan.md');


function check(text: string) {
  const plan = parsePlan(text, { uri: URI, version: 3 });
  return { plan, diagnostics: computeDiagnostics(plan, DEFAULT_SETTINGS) };
}

/** The one quick fix offered for the fixture's `code` diagnostic. */
function fixFor(text: string, code: string): { plan: Plan; diagnostic: Diagnostic; action: CodeAction; result: string } {
  const { plan, diagnostics } = check(text);
  const matching = diagnostics.filter((d) => d.code === code);
  assert.equal(matching.length, 1, `expected one ${code}, got ${diagnostics.map((d) => d.code).join(', ')}`);
  const diagnostic = matching[0];
  const actions = codeActions(plan, [diagnostic]);
  assert.equal(actions.length, 1, `expected one quick fix for ${code}`);
  const action = actions[0];
  assert.equal(action.kind, CodeActionKind.QuickFix);
  assert.equal(action.isPreferred, true);
  assert.deepEqual(action.diagnostics, [diagnostic]);
  assert.deepEqual(Object.keys(action.edit!.changes!), [URI]);
  return { plan, diagnostic, action, result: applyEdits(text, action.edit!.changes![URI]) };
}

function codesOf(text: string): string[] {
  return check(text).diagnostics.map((d) => String(d.code));
}

interface FixCase {
  fixture: string;
  code: string;
  title: string;
  /** The fixed text, from the fixture's text. */
  expected: (text: string) => string;
  /** Diagnostics (other than placeholders) the fixed plan still has: the fix's new row is not scheduled yet. */
  remaining: string[];
}

const replaceOnce = (text: string, from: string, to: string) => {
  assert.equal(text.split(from).length, 2, `"${from}" must occur once`);
  return text.replace(from, to);
};

const CASES: FixCase[] = [
  {
    fixture: 'unknown-task-depends-on',
    code: 'unknown-task',
    title: 'Add a row for TASK_099 to the task table',
    expected: (t) => replaceOnce(t, '| TASK_005 | TASK_003, TASK_004 | 12 |', '| TASK_005 | TASK_003, TASK_004 | 12 |\n| TASK_099 | None | X |'),
    // The row exists now, so the graph's lack of TASK_099 --> TASK_004 and the unscheduled task show.
    remaining: ['graph-missing-edge', 'unscheduled-task'],
  },
  {
    fixture: 'unknown-task-step',
    code: 'step-unknown-task',
    title: 'Add a row for TASK_006 to the task table',
    expected: (t) => replaceOnce(t, '| TASK_005 | TASK_003, TASK_004 | 12 |', '| TASK_005 | TASK_003, TASK_004 | 12 |\n| TASK_006 | None | X |'),
    remaining: [],
  },
  {
    fixture: 'unknown-task-graph',
    code: 'graph-unknown-task',
    title: 'Add a row for TASK_006 to the task table',
    // The row takes the dependency the graph states (E --> F), so graph and table agree.
    expected: (t) => replaceOnce(t, '| TASK_005 | TASK_003, TASK_004 | 12 |', '| TASK_005 | TASK_003, TASK_004 | 12 |\n| TASK_006 | TASK_005 | X |'),
    remaining: ['unscheduled-task'],
  },
  {
    fixture: 'graph-missing-edge',
    code: 'graph-missing-edge',
    title: 'Add TASK_002 --> TASK_003 to the mermaid graph',
    expected: (t) => replaceOnce(t, '    D --> E\n```', '    D --> E\n    B --> C\n```'),
    remaining: [],
  },
  {
    fixture: 'table-missing-edge',
    code: 'table-missing-edge',
    title: 'Add TASK_001 to the Depends On of TASK_004',
    expected: (t) => replaceOnce(t, '| TASK_004 | TASK_002 | 8 |', '| TASK_004 | TASK_002, TASK_001 | 8 |'),
    remaining: [],
  },
  {
    fixture: 'duplicate-dependency',
    code: 'duplicate-dependency',
    title: 'Remove the duplicate TASK_003',
    expected: () => filled,
    remaining: [],
  },
  {
    fixture: 'missing-section',
    code: 'missing-section',
    title: 'Insert the "Rollback Plan" section from the template',
    expected: (t) => {
      const section = templateSections().find((s) => s.title === 'Rollback Plan')!;
      assert.equal(section.text, '## Rollback Plan\n[How to rollback if something goes wrong]\n1. [Step 1]\n2. [Step 2]\n');
      return replaceOnce(t, '## Risk Mitigation\n', `${section.text}\n## Risk Mitigation\n`);
    },
    remaining: [],
  },
  {
    fixture: 'unclosed-fence',
    code: 'unclosed-fence',
    title: 'Close the code block with ``` before line 133',
    expected: () => filled,
    remaining: [],
  },
  {
    fixture: 'misnamed-section',
    code: 'misnamed-section',
    title: 'Rename the heading to "Risk Mitigation"',
    expected: () => filled,
    remaining: [],
  },
];

describe('quick fixes on the defect fixtures', () => {
  for (const c of CASES) {
    test(`${c.code}: ${c.title}`, () => {
      const text = read(`defects/${c.fixture}.plan.md`);
      const { action, result } = fixFor(text, c.code);
      assert.equal(action.title, c.title);
      assert.equal(result, c.expected(text));
      // A new row's X hours is information (unestimated-task), like placeholders.
      const after = codesOf(result).filter((code) => code !== 'placeholder' && code !== 'unestimated-task');
      assert.ok(!after.includes(c.code), `${c.code} is still reported after the fix`);
      assert.deepEqual(after, c.remaining);
    });

    test(`${c.code}: a CRLF plan stays CRLF`, () => {
      const text = read(`defects/${c.fixture}.plan.md`).replace(/\n/g, '\r\n');
      const { result } = fixFor(text, c.code);
      assert.doesNotMatch(result, /[^\r]\n/, 'a lone LF was inserted');
      assert.equal(result, c.expected(read(`defects/${c.fixture}.plan.md`)).replace(/\n/g, '\r\n'));
      assert.ok(!codesOf(result).includes(c.code));
    });
  }

  test('the inserted section lands in template order, and the plan is whole again', () => {
    const { result } = fixFor(read('defects/missing-section.plan.md'), 'missing-section');
    const order = parsePlan(result)
      .sections.filter((s) => s.level === 2)
      .map((s) => s.title);
    const template = templateSections()
      .filter((s) => s.level === 2)
      .map((s) => s.title);
    assert.deepEqual(order, template);
    // Only the template's placeholders are left to fill in.
    assert.ok(check(result).diagnostics.every((d) => d.code === 'placeholder' && d.severity === DiagnosticSeverity.Information));
  });

  test('fixing every unknown task of the template adds one row each, in order, and they are then defined', () => {
    const template = read('template.plan.md');
    const { plan, diagnostics } = check(template);
    const unknown = diagnostics.filter((d) => d.code === 'step-unknown-task');
    assert.equal(unknown.length, 5);
    const actions = codeActions(plan, unknown);
    assert.deepEqual(
      actions.map((a) => a.title),
      ['TASK_003', 'TASK_004', 'TASK_005', 'TASK_006', 'TASK_007'].map((id) => `Add a row for ${id} to the task table`),
    );
    // Each fix alone makes its task known.
    for (const a of actions) {
      const fixed = applyEdits(template, a.edit!.changes![URI]);
      const id = /TASK_\d+/.exec(a.title)![0];
      assert.ok(parsePlan(fixed).taskById.has(id));
      assert.ok(!check(fixed).diagnostics.some((d) => d.code === 'step-unknown-task' && (d.data as { id: string }).id === id));
    }
  });
});

describe('when there is nothing to fix', () => {
  test('diagnostics without a fix, from another source, or without data get no action', () => {
    const { plan, diagnostics } = check(read('defects/invalid-hours.plan.md'));
    assert.equal(diagnostics.length, 4);
    assert.deepEqual(codeActions(plan, diagnostics), []);
    const foreign: Diagnostic = { ...check(read('defects/unknown-task-depends-on.plan.md')).diagnostics[0], source: 'markdownlint' };
    assert.deepEqual(codeActions(plan, [foreign]), []);
    const noData: Diagnostic = { ...foreign, source: 'planmark', data: undefined };
    assert.deepEqual(codeActions(plan, [noData]), []);
  });

  test('a stale diagnostic whose task now has a row gets no duplicate row', () => {
    const stale = check(read('defects/unknown-task-depends-on.plan.md')).diagnostics[0];
    const { plan } = check(filled.replace('| TASK_005 | TASK_003, TASK_004 | 12 |', '| TASK_005 | TASK_003, TASK_004 | 12 |\n| TASK_099 | None | 1 |'));
    assert.deepEqual(codeActions(plan, [stale]), []);
  });

  test('stale diagnostics whose problem is gone, on the fixed plan, get no action', () => {
    const { plan } = check(filled);
    for (const fixture of ['graph-missing-edge', 'table-missing-edge', 'missing-section', 'duplicate-dependency', 'unknown-task-graph']) {
      const stale = check(read(`defects/${fixture}.plan.md`)).diagnostics;
      assert.ok(stale.length > 0);
      assert.deepEqual(codeActions(plan, stale), [], fixture);
    }
  });

  test('a stale duplicate-dependency never deletes a dependency that is not repeated', () => {
    const stale = check(read('defects/duplicate-dependency.plan.md')).diagnostics[0];
    // Same offsets, other text: the span now covers ", TASK_004" of a row that lists it once.
    const shifted = filled.replace('| TASK_005 | TASK_003, TASK_004 | 12 |', '| TASK_005 | TASK_001, TASK_003, TASK_004 | 12 |');
    assert.deepEqual(codeActions(check(shifted).plan, [stale]), []);
  });

  test('a stale duplicate-dependency pointing past the end of the text gets no action', () => {
    const stale = check(read('defects/duplicate-dependency.plan.md')).diagnostics[0];
    const short = parsePlan('# Implementation Plan: x\n', { uri: URI });
    assert.deepEqual(codeActions(short, [stale]), []);
  });

  test('a plan without a task table or graph gets no row or edge fix', () => {
    const bare = '# Implementation Plan: x\n\n## Implementation Sequence\n\n### Step 1: Go\n**Tasks:** [TASK_001]\n';
    const { plan, diagnostics } = check(bare);
    const unknown = diagnostics.filter((d) => d.code === 'step-unknown-task');
    assert.equal(unknown.length, 1);
    assert.deepEqual(codeActions(plan, unknown), []);
    const edge: Diagnostic = { ...unknown[0], code: 'graph-missing-edge', data: { from: 'TASK_001', to: 'TASK_002' } };
    assert.deepEqual(codeActions(plan, [edge]), []);
  });
});

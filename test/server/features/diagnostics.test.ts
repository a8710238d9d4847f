// Diagnostics on real plans: each fixture in test/fixtures/defects is the filled plan with one
// defect, and must give exactly the diagnostics listed here: code, severity, line, the text
// under the range, and the places its related information points at.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { DiagnosticSeverity, type Diagnostic, type Range } from 'vscode-languageserver-types';
import { parsePlan, type Plan } from '../../../server/src/plan';
import { computeDiagnostics, isRealDate, type DiagnosticData } from '../../../server/src/features/diagnostics';
import { ALL_DIAGNOSTIC_CODES, DEFAULT_SETTINGS, resolveSettings, type PlanmarkSettings } from '../../../shared/settings';

const fixtures = path.join(__dirname, '..', '..', 'fixtures');
const read = (name: string) => fs.readFileSync(path.join(fixtures, name), 'utf8');
const filled = read('filled.plan.md');
const template = read('template.plan.md');

const SEVERITY: Record<number, string> = {
  [DiagnosticSeverity.Error]: 'error',
  [DiagnosticSeverity.Warning]: 'warning',
  [DiagnosticSeverity.Information]: 'information',
  [DiagnosticSeverity.Hint]: 'hint',
};

const cache = new Map<string, { plan: Plan; diagnostics: Diagnostic[] }>();

function check(text: string, settings: PlanmarkSettings = DEFAULT_SETTINGS, uri = 'file:///work/plan.plan.md') {
  const cacheable = settings === DEFAULT_SETTINGS && uri === 'file:///work/plan.plan.md';
  const cached = cacheable ? cache.get(text) : undefined;
  if (cached) return cached;
  const plan = parsePlan(text, { uri, taskIdPattern: settings.taskIdPattern, version: 7 });
  const result = { plan, diagnostics: computeDiagnostics(plan, settings) };
  if (cacheable) cache.set(text, result);
  return result;
}

const messageOf = (d: Diagnostic) => (typeof d.message === 'string' ? d.message : d.message.value);

function textAt(plan: Plan, range: Range): string {
  return plan.text.slice(plan.lines.offsetAt(range.start), plan.lines.offsetAt(range.end));
}

interface Expected {
  code: string;
  severity: string;
  /** 1-based, as editors show it. */
  line: number;
  /** The text under the range. */
  text: string;
  /** [line, text under the range] of each related location, in order. */
  related?: [number, string][];
  /** Words the message must contain (the tasks and fields involved). */
  says?: string[];
}

function summarize(plan: Plan, diagnostics: Diagnostic[]) {
  return diagnostics
    .filter((d) => d.code !== 'placeholder')
    .map((d) => ({
      code: d.code,
      severity: SEVERITY[d.severity!],
      line: d.range.start.line + 1,
      text: textAt(plan, d.range),
      related: (d.relatedInformation ?? []).map((r): [number, string] => [r.location.range.start.line + 1, textAt(plan, r.location.range)]),
    }));
}

// Every defect fixture, with everything it must produce (placeholders aside: there are none).
const DEFECTS: Record<string, Expected[]> = {
  'unknown-task-depends-on': [
    { code: 'unknown-task', severity: 'error', line: 117, text: 'TASK_099', related: [[117, 'TASK_004']], says: ['TASK_004', 'TASK_099'] },
  ],
  'unknown-task-step': [{ code: 'step-unknown-task', severity: 'warning', line: 95, text: 'TASK_006', says: ['Step 3', 'TASK_006'] }],
  'unknown-task-graph': [{ code: 'graph-unknown-task', severity: 'warning', line: 110, text: 'TASK_006', says: ['TASK_006'] }],
  'duplicate-task': [
    { code: 'duplicate-task', severity: 'error', line: 118, text: 'TASK_004', related: [[117, 'TASK_004']], says: ['TASK_004', 'line 117'] },
  ],
  'self-dependency': [{ code: 'self-dependency', severity: 'error', line: 117, text: 'TASK_004', says: ['TASK_004'] }],
  'self-dependency-graph': [{ code: 'self-dependency', severity: 'error', line: 110, text: 'D --> D', says: ['TASK_004'] }],
  'dependency-cycle-two': [
    {
      code: 'dependency-cycle',
      severity: 'error',
      line: 119,
      text: 'TASK_003',
      related: [
        [119, 'TASK_003'],
        [118, 'TASK_004'],
      ],
      says: ['TASK_003 → TASK_004 → TASK_003'],
    },
  ],
  'dependency-cycle-three': [
    {
      code: 'dependency-cycle',
      severity: 'error',
      line: 117,
      text: 'TASK_002',
      related: [
        [117, 'TASK_002'],
        [119, 'TASK_003'],
        [116, 'TASK_005'],
      ],
      says: ['TASK_002 → TASK_003 → TASK_005 → TASK_002'],
    },
  ],
  'graph-missing-edge': [
    { code: 'graph-missing-edge', severity: 'warning', line: 115, text: 'TASK_002', related: [[102, '```mermaid']], says: ['TASK_002 --> TASK_003'] },
  ],
  'table-missing-edge': [
    {
      code: 'table-missing-edge',
      severity: 'warning',
      line: 110,
      text: 'A --> D',
      related: [[118, '| TASK_004 | TASK_002 | 8 |']],
      says: ['TASK_004', 'TASK_001', 'Depends On'],
    },
  ],
  'unscheduled-task': [
    { code: 'unscheduled-task', severity: 'warning', line: 117, text: 'TASK_004', related: [[80, 'Implementation Sequence']], says: ['TASK_004'] },
  ],
  'task-in-several-steps': [
    { code: 'task-in-several-steps', severity: 'warning', line: 95, text: 'TASK_004', related: [[89, 'TASK_004']], says: ['TASK_004', 'Step 2', 'Step 3'] },
  ],
  'step-order': [
    { code: 'step-order', severity: 'warning', line: 83, text: 'TASK_003', related: [[89, 'TASK_002']], says: ['Step 1', 'TASK_003', 'Step 2', 'TASK_002'] },
  ],
  'invalid-hours': [
    { code: 'invalid-hours', severity: 'error', line: 114, text: '0', says: ['TASK_001', '"0"'] },
    { code: 'invalid-hours', severity: 'error', line: 115, text: '-3', says: ['TASK_002', '"-3"'] },
    { code: 'invalid-hours', severity: 'error', line: 116, text: 'abc', says: ['TASK_003', '"abc"'] },
    // An empty cell is not estimated yet (issue #12): information on the blank between its pipes.
    { code: 'unestimated-task', severity: 'information', line: 117, text: '  ', says: ['TASK_004', 'empty', 'unknown'] },
  ],
  'invalid-date-format': [{ code: 'invalid-date', severity: 'error', line: 7, text: '03/09/2026', says: ['Target Start', 'YYYY-MM-DD'] }],
  'invalid-date-day': [{ code: 'invalid-date', severity: 'error', line: 8, text: '2026-02-30', says: ['Target End', 'not a real day'] }],
  'date-order-target': [
    { code: 'date-order', severity: 'error', line: 8, text: '2026-03-01', related: [[7, '2026-03-09']], says: ['Target End', 'Target Start'] },
  ],
  'date-order-updated': [
    { code: 'date-order', severity: 'error', line: 247, text: '2026-02-27', related: [[6, '2026-03-02']], says: ['Last Updated', 'Created'] },
  ],
  'missing-section': [
    { code: 'missing-section', severity: 'warning', line: 1, text: 'Implementation Plan: Phase 2 - User Accounts', says: ['Rollback Plan'] },
  ],
  // A typo in a heading: one "did you mean", not a missing-section warning.
  'misnamed-section': [{ code: 'misnamed-section', severity: 'information', line: 219, text: 'Risk Mitgation', says: ['Did you mean', 'Risk Mitigation'] }],
  'duplicate-section': [
    { code: 'duplicate-section', severity: 'warning', line: 238, text: 'Success Criteria', related: [[234, 'Success Criteria']], says: ['Success Criteria', 'line 234'] },
  ],
  'malformed-row': [
    { code: 'malformed-row', severity: 'error', line: 43, text: '| jose | 5.9.6 | JWT signing | Maintained | no native deps |', says: ['5 cells', 'has 4'] },
    { code: 'malformed-row', severity: 'error', line: 117, text: '| TASK_004 | TASK_002 |', says: ['2 cells', 'has 3'] },
  ],
  'invalid-impact': [{ code: 'invalid-impact', severity: 'error', line: 224, text: 'Critical', says: ['Critical', 'High, Med or Low'] }],
  'invalid-method': [{ code: 'invalid-method', severity: 'error', line: 70, text: 'FETCH', says: ['FETCH', 'GET'] }],
  // The sections after the broken fence turned into code, but that is this one problem.
  'nested-fence': [
    { code: 'nested-fence', severity: 'error', line: 239, text: '```mermaid', related: [[236, '```markdown']], says: ['```markdown', 'line 236', '````'] },
  ],
  // A forgotten closing fence: one error at its opening, nothing from what it swallowed.
  'unclosed-fence': [
    { code: 'unclosed-fence', severity: 'error', line: 130, text: '```javascript', related: [[133, '### Comments Strategy']], says: ['never closed', 'line 133'] },
  ],
  'approved-unreviewed-placeholder': [
    { code: 'approved-unreviewed', severity: 'error', line: 246, text: 'Yes', related: [[245, '[Name]']], says: ['Approved', 'Reviewed By', '[Name]'] },
  ],
  'approved-unreviewed-empty': [
    { code: 'approved-unreviewed', severity: 'error', line: 246, text: 'Yes', related: [[245, 'Reviewed By']], says: ['Approved', 'Reviewed By', 'empty'] },
  ],
  'duplicate-dependency': [
    { code: 'duplicate-dependency', severity: 'warning', line: 118, text: 'TASK_003', related: [[118, 'TASK_003']], says: ['TASK_005', 'TASK_003'] },
  ],
  // Only the problem after `planmark-enable` is left; see the directive tests below.
  'disable-directives': [{ code: 'step-unknown-task', severity: 'warning', line: 100, text: 'TASK_097', says: ['TASK_097'] }],
};

function assertDiagnostics(plan: Plan, diagnostics: Diagnostic[], expected: Expected[], context: string) {
  const actual = summarize(plan, diagnostics);
  assert.deepEqual(
    actual,
    expected.map(({ says: _says, ...e }) => ({ ...e, related: e.related ?? [] })),
    `${context}: diagnostics differ`,
  );
  const real = diagnostics.filter((d) => d.code !== 'placeholder');
  expected.forEach((e, i) => {
    for (const word of e.says ?? []) assert.ok(messageOf(real[i]).includes(word), `${context}: "${messageOf(real[i])}" should mention ${word}`);
    assert.equal(real[i].source, 'planmark');
    for (const r of real[i].relatedInformation ?? []) assert.equal(r.location.uri, plan.uri);
  });
}

describe('defect fixtures', () => {
  const files = fs.readdirSync(path.join(fixtures, 'defects')).filter((f) => f.endsWith('.plan.md'));

  test('every defect fixture has expectations and every expectation a fixture', () => {
    assert.deepEqual(files.map((f) => f.replace(/\.plan\.md$/, '')).sort(), Object.keys(DEFECTS).sort());
  });

  for (const [name, expected] of Object.entries(DEFECTS)) {
    test(`${name}.plan.md gives exactly its diagnostics`, () => {
      const text = read(`defects/${name}.plan.md`);
      assert.notEqual(text, filled);
      const { plan, diagnostics } = check(text);
      assertDiagnostics(plan, diagnostics, expected, name);
      const placeholders = diagnostics.filter((d) => d.code === 'placeholder').map((d) => textAt(plan, d.range));
      assert.deepEqual(placeholders, name === 'approved-unreviewed-placeholder' ? ['[Name]'] : []);
    });

    test(`${name}.plan.md with CRLF line endings gives the same diagnostics at the same positions`, () => {
      const lf = check(read(`defects/${name}.plan.md`));
      const crlf = check(read(`defects/${name}.plan.md`).replace(/\n/g, '\r\n'));
      const positions = (r: ReturnType<typeof check>) =>
        r.diagnostics.map((d) => ({
          code: d.code,
          range: d.range,
          message: d.message,
          text: textAt(r.plan, d.range).replace(/\r\n/g, '\n'),
          related: (d.relatedInformation ?? []).map((x) => x.location.range),
        }));
      assert.deepEqual(positions(crlf), positions(lf));
    });
  }

  test('every diagnostic code is produced by some fixture', () => {
    const seen = new Set<string>();
    for (const name of Object.keys(DEFECTS)) {
      for (const d of check(read(`defects/${name}.plan.md`)).diagnostics) seen.add(String(d.code));
      // The directives fixture silences these; they are there without the directives.
      for (const d of check(read(`defects/${name}.plan.md`).replace(/planmark-(disable|enable)/g, 'note')).diagnostics) seen.add(String(d.code));
    }
    for (const d of check(template).diagnostics) seen.add(String(d.code));
    seen.add('mermaid-syntax'); // tested below on an inline graph
    // Checks across plans, tested with several plans in test/server/workspace/crossPlan.test.ts.
    for (const code of ['duplicate-phase', 'duplicate-phase-name', 'phase-overlap', 'created-after-start', 'unknown-external-task', 'schedule-overrun']) seen.add(code);
    // Task-list kinds: tested on the spec-kit and Kiro fixtures (test/server/plan/kinds.test.ts).
    seen.add('done-depends-on-open');
    seen.add('unknown-requirement');
    assert.deepEqual(ALL_DIAGNOSTIC_CODES.filter((c) => !seen.has(c)), []);
  });

  test('diagnostics carry the data quick fixes need and the plan version', () => {
    const data = (name: string) => check(read(`defects/${name}.plan.md`)).diagnostics.map((d) => d.data as DiagnosticData);
    assert.deepEqual(data('unknown-task-depends-on'), [{ id: 'TASK_099', version: 7 }]);
    assert.deepEqual(data('graph-missing-edge'), [{ from: 'TASK_002', to: 'TASK_003', version: 7 }]);
    assert.deepEqual(data('table-missing-edge'), [{ from: 'TASK_001', to: 'TASK_004', version: 7 }]);
    assert.deepEqual(data('missing-section'), [{ section: 'Rollback Plan', version: 7 }]);
    const [dup] = check(read('defects/duplicate-dependency.plan.md')).diagnostics;
    const remove = (dup.data as DiagnosticData).remove!;
    assert.equal(read('defects/duplicate-dependency.plan.md').slice(remove.start, remove.end), ', TASK_003');
  });
});

describe('clean plans', () => {
  test('the filled plan gives no diagnostics at all', () => {
    assert.deepEqual(check(filled).diagnostics, []);
  });

  test('the CRLF copy of the filled plan gives no diagnostics, and its ranges are right', () => {
    const crlf = read('filled-crlf.plan.md');
    assert.ok(crlf.includes('\r\n') && !/[^\r]\n/.test(crlf), 'filled-crlf.plan.md must use CRLF line endings throughout');
    assert.equal(crlf, filled.replace(/\n/g, '\r\n'));
    assert.deepEqual(check(crlf).diagnostics, []);
    // Break it and check the range in CRLF coordinates.
    const broken = crlf.replace('| TASK_004 | TASK_002 | 8 |', '| TASK_004 | TASK_002, TASK_099 | 8 |');
    const { plan, diagnostics } = check(broken);
    assert.equal(diagnostics.length, 1);
    assert.deepEqual(diagnostics[0].range, { start: { line: 116, character: 23 }, end: { line: 116, character: 31 } });
    assert.equal(textAt(plan, diagnostics[0].range), 'TASK_099');
  });

  test('a plan with TASK-001 style IDs gives no diagnostics, and its defects are found', () => {
    const dashed = read('dash-ids.plan.md');
    assert.ok(dashed.includes('TASK-001') && !dashed.includes('TASK_'));
    const clean = check(dashed);
    assert.deepEqual(clean.diagnostics, []);
    assert.deepEqual([...clean.plan.taskById.keys()], ['TASK-001', 'TASK-002', 'TASK-003', 'TASK-004', 'TASK-005']);
    assert.equal(clean.plan.edges.filter((e) => e.source === 'mermaid').length, 6);
    const { plan, diagnostics } = check(dashed.replace('| TASK-004 | TASK-002 | 8 |', '| TASK-004 | TASK-002, TASK-099 | 8 |'));
    assert.deepEqual(summarize(plan, diagnostics), [{ code: 'unknown-task', severity: 'error', line: 117, text: 'TASK-099', related: [[117, 'TASK-004']] }]);
  });

  for (const name of ['mermaid-unusual', 'mermaid-id-aliases']) {
    test(`${name}.plan.md: valid but unusual mermaid gives no syntax or disagreement warnings`, () => {
      const { plan, diagnostics } = check(read(`${name}.plan.md`));
      assert.deepEqual(diagnostics, []);
      // Not quiet because the graph was ignored: it states exactly the table's edges.
      const edges = (source: string) =>
        plan.edges
          .filter((e) => e.source === source)
          .map((e) => `${e.from}->${e.to}`)
          .sort();
      assert.deepEqual(edges('mermaid'), edges('table'));
      assert.equal(edges('mermaid').length, 6);
    });
  }

  test('the template gives no errors: only placeholders and unestimated hours (information) and unknown-task warnings', () => {
    const { plan, diagnostics } = check(template);
    assert.ok(diagnostics.length > 0);
    assert.deepEqual(diagnostics.filter((d) => d.severity === DiagnosticSeverity.Error), []);
    for (const d of diagnostics) {
      if (d.code === 'placeholder' || d.code === 'unestimated-task') assert.equal(d.severity, DiagnosticSeverity.Information);
      else assert.equal(d.severity, DiagnosticSeverity.Warning, `${d.code}: ${d.message}`);
    }
    const warnings = summarize(plan, diagnostics.filter((d) => d.severity === DiagnosticSeverity.Warning)).map((d) => `${d.code} ${d.text}`);
    assert.deepEqual(warnings, [
      'step-unknown-task TASK_003',
      'step-unknown-task TASK_004',
      'step-unknown-task TASK_005',
      'step-unknown-task TASK_006',
      'step-unknown-task TASK_007',
      'graph-unknown-task TASK_003',
      'graph-unknown-task TASK_004',
      'graph-unknown-task TASK_005',
    ]);
    // Placeholders point at the placeholder text.
    const placeholders = diagnostics.filter((d) => d.code === 'placeholder').map((d) => textAt(plan, d.range));
    assert.ok(placeholders.includes('[Phase Name]'));
    assert.ok(placeholders.includes('[YYYY-MM-DD]'));
    assert.ok(placeholders.every((p) => p.length > 0));
  });

  test('the CRLF template gives the same diagnostics as the LF one', () => {
    const lf = check(template).diagnostics.map((d) => [d.code, d.range]);
    const crlf = check(template.replace(/\n/g, '\r\n')).diagnostics.map((d) => [d.code, d.range]);
    assert.deepEqual(crlf, lf);
  });
});

describe('settings', () => {
  const unknown = read('defects/unknown-task-depends-on.plan.md');

  test('a severity override changes the severity', () => {
    const [d] = check(unknown, resolveSettings({ diagnostics: { 'unknown-task': 'warning' } })).diagnostics;
    assert.equal(d.code, 'unknown-task');
    assert.equal(d.severity, DiagnosticSeverity.Warning);
    const [hint] = check(unknown, resolveSettings({ diagnostics: { 'unknown-task': 'hint' } })).diagnostics;
    assert.equal(hint.severity, DiagnosticSeverity.Hint);
  });

  test('"off" turns a check off, and only that one', () => {
    assert.deepEqual(check(unknown, resolveSettings({ diagnostics: { 'unknown-task': 'off' } })).diagnostics, []);
    const both = unknown.replace('**Target End:** 2026-04-17', '**Target End:** 2026-02-30');
    const left = check(both, resolveSettings({ diagnostics: { 'unknown-task': 'off' } })).diagnostics;
    assert.deepEqual(
      left.map((d) => d.code),
      ['invalid-date'],
    );
  });

  test('placeholders can be turned off, leaving the template with warnings only', () => {
    const { diagnostics } = check(template, resolveSettings({ diagnostics: { placeholder: 'off', 'unestimated-task': 'off' } }));
    assert.ok(diagnostics.length > 0);
    assert.ok(diagnostics.every((d) => d.severity === DiagnosticSeverity.Warning));
  });

  test('required sections are configurable', () => {
    const missing = read('defects/missing-section.plan.md');
    assert.deepEqual(check(missing, resolveSettings({ requiredSections: [] })).diagnostics, []);
    const custom = check(filled, resolveSettings({ requiredSections: ['Overview', 'Glossary', 'Open Questions'] }));
    assert.deepEqual(
      custom.diagnostics.map((d) => [d.code, messageOf(d)]),
      [
        ['missing-section', 'The plan has no "Glossary" section.'],
        ['missing-section', 'The plan has no "Open Questions" section.'],
      ],
    );
    // Matched case-insensitively, ignoring a trailing colon and inline markup.
    const renamed = filled.replace('## Rollback Plan', '## **rollback plan:**');
    assert.deepEqual(check(renamed).diagnostics, []);
    // A ### heading does not count as the section.
    const demoted = filled.replace('## Rollback Plan', '### Rollback Plan');
    assert.deepEqual(
      check(demoted).diagnostics.map((d) => d.code),
      ['missing-section'],
    );
  });

  test('a custom task ID pattern', () => {
    const custom = filled.replace(/TASK_0*(\d+)/g, 'T$1');
    const settings = resolveSettings({ taskIdPattern: 'T\\d+' });
    assert.deepEqual(check(custom, settings).diagnostics, []);
    const { plan, diagnostics } = check(custom.replace('| T4 | T2 | 8 |', '| T4 | T2, T99 | 8 |'), settings);
    assert.deepEqual(
      summarize(plan, diagnostics).map((d) => [d.code, d.text]),
      [['unknown-task', 'T99']],
    );
  });
});

describe('disable directives', () => {
  const text = read('defects/disable-directives.plan.md');
  const withoutDirectives = text.replace(/planmark-(disable-next-line|disable-line|disable-file|disable|enable)/g, 'note');

  test('without the directives every defect in the fixture is reported', () => {
    const { plan, diagnostics } = check(withoutDirectives);
    assert.deepEqual(
      summarize(plan, diagnostics).map((d) => [d.code, d.line, d.text]),
      [
        ['invalid-date', 9, '2026-02-30'],
        ['invalid-method', 71, 'FETCH'],
        ['step-unknown-task', 86, 'TASK_096'],
        ['step-unknown-task', 100, 'TASK_097'],
        ['unknown-task', 124, 'TASK_099'],
        ['invalid-impact', 231, 'Critical'],
        ['date-order', 257, '2026-02-27'],
      ],
    );
  });

  test('disable, enable, disable-next-line, disable-line, disable-file and a blanket directive each silence their code', () => {
    const { plan, diagnostics } = check(text);
    assert.deepEqual(
      summarize(plan, diagnostics).map((d) => [d.code, d.line, d.text]),
      [['step-unknown-task', 100, 'TASK_097']],
    );
  });

  test('a directive for another code silences nothing', () => {
    const other = withoutDirectives.replace('<!-- note-next-line invalid-date -->', '<!-- planmark-disable-next-line unknown-task -->');
    assert.ok(check(other).diagnostics.some((d) => d.code === 'invalid-date'));
  });

  test('several codes in one directive, separated by spaces or commas', () => {
    const bad = filled
      .replace('| TASK_004 | TASK_002 | 8 |', '| TASK_004 | TASK_002, TASK_099 | 0 |')
      .replace('| Task | Depends On |', '<!-- planmark-disable unknown-task, invalid-hours graph-missing-edge -->\n\n| Task | Depends On |');
    assert.deepEqual(check(bad).diagnostics, []);
  });

  test('a plan-wide diagnostic (missing-section, on the title) is silenced by disable-file anywhere', () => {
    const text = read('defects/missing-section.plan.md') + '\n<!-- planmark-disable-file missing-section -->\n';
    assert.deepEqual(check(text).diagnostics, []);
  });

  test('a directive is no help before the line it is on', () => {
    const late = read('defects/unknown-task-depends-on.plan.md') + '\n<!-- planmark-disable unknown-task -->\n';
    assert.deepEqual(
      check(late).diagnostics.map((d) => d.code),
      ['unknown-task'],
    );
  });
});

describe('no false positives', () => {
  test('an edge from a task without a row is an unknown-task error, not also a graph disagreement', () => {
    const { diagnostics } = check(read('defects/unknown-task-depends-on.plan.md'));
    assert.deepEqual(
      diagnostics.map((d) => d.code),
      ['unknown-task'],
    );
  });

  test('a cycle across steps is one dependency-cycle, not also step-order warnings', () => {
    const { diagnostics } = check(read('defects/dependency-cycle-three.plan.md'));
    assert.deepEqual(
      diagnostics.map((d) => d.code),
      ['dependency-cycle'],
    );
  });

  test('a flowchart that names no task is not compared with the table', () => {
    const plain = filled.replace(/\[TASK_00\d: ([^\]]+)\]/g, '[$1]');
    assert.equal(plain.match(/TASK_00\d:/g), null);
    assert.deepEqual(check(plain).diagnostics, []);
  });

  test('steps without Tasks lists do not make every task unscheduled', () => {
    const freeform = filled.replace(/\*\*Tasks:\*\* \[[^\]]*\]\n/g, '');
    assert.deepEqual(check(freeform).diagnostics, []);
  });

  test('Approved left as the placeholder Yes/No is not an approval', () => {
    for (const approved of ['[Yes/No]', 'Yes/No', 'No', '']) {
      const text = filled.replace('**Reviewed By:** Grace Hopper', '**Reviewed By:** [Name]').replace('**Approved:** Yes', `**Approved:** ${approved}`);
      assert.deepEqual(
        check(text).diagnostics.filter((d) => d.code !== 'placeholder'),
        [],
        approved,
      );
    }
  });

  test('Approved: Yes with Reviewed By TBD is reported', () => {
    const text = filled.replace('**Reviewed By:** Grace Hopper', '**Reviewed By:** TBD');
    const [d] = check(text).diagnostics;
    assert.equal(d.code, 'approved-unreviewed');
    assert.match(messageOf(d), /"TBD"/);
  });

  test('methods written in lower case, in code, or as a list are HTTP methods; the placeholder is not checked', () => {
    for (const method of ['get', '`GET`', '**GET**', 'GET / HEAD', 'GET, POST', '[Method]']) {
      const text = filled.replace('| GET | /api/users/:id |', `| ${method} | /api/users/:id |`);
      assert.deepEqual(
        check(text).diagnostics.filter((d) => d.code !== 'placeholder'),
        [],
        method,
      );
    }
  });

  test('Impact accepts High, Med, Medium and Low in any case, and the template placeholder', () => {
    for (const impact of ['high', 'Medium', '**Low**', 'High/Med/Low']) {
      const text = filled.replace('| Credential stuffing | High |', `| Credential stuffing | ${impact} |`);
      assert.deepEqual(
        check(text).diagnostics.filter((d) => d.code !== 'placeholder'),
        [],
        impact,
      );
    }
  });

  test('hours written as decimals or with an h suffix are positive numbers', () => {
    for (const hours of ['6.5', '6h', '6 hours', '0.5']) {
      const text = filled.replace('| TASK_001 | None | 6 |', `| TASK_001 | None | ${hours} |`);
      assert.deepEqual(check(text).diagnostics, [], hours);
    }
  });

  test('a ```markdown block holding a longer-fenced or tilde-fenced mermaid block is fine', () => {
    const example = '\n````markdown\n```mermaid\ngraph TD\n    A --> B\n```\n````\n\n~~~markdown\n```mermaid\ngraph TD\n```\n~~~\n';
    const text = filled.replace('### User Documentation\n', `### User Documentation\n${example}`);
    assert.deepEqual(check(text).diagnostics, []);
  });

  // Issue #12: an unclosed fence is one error at its opening line (it used to be one
  // missing-section per swallowed section), pointing at the heading where it should close.
  test('an unclosed fence: one error at its opening line, not the sections it swallows', () => {
    const text = filled.replace('### User Documentation\n- [ ] Feature documentation\n', '### User Documentation\n- [ ] Feature documentation\n\n```bash\nnpm run docs\n');
    const { plan, diagnostics } = check(text);
    assert.deepEqual(summarize(plan, diagnostics), [
      { code: 'unclosed-fence', severity: 'error', line: 234, text: '```bash', related: [[237, '## Success Criteria']] },
    ]);
    assert.equal(messageOf(diagnostics[0]), 'The code block "```bash" is never closed: the plan from line 237 on is read as code. Close it with a ``` line before line 237.');
    // Same in CRLF.
    const crlf = check(text.replace(/\n/g, '\r\n'));
    assert.deepEqual(summarize(crlf.plan, crlf.diagnostics), summarize(plan, diagnostics));
  });

  test('dates in bold or code are still dates', () => {
    const text = filled.replace('**Created:** 2026-03-02', '**Created:** `2026-03-02`');
    assert.deepEqual(check(text).diagnostics, []);
  });

  test('a graph self-loop drawn with an invisible link is not a dependency', () => {
    const text = filled.replace('    D --> E\n```', '    D --> E\n    D ~~~ D\n```');
    assert.deepEqual(check(text).diagnostics, []);
  });
});

describe('numbered section headings', () => {
  let n = 0;
  const numbered = filled.replace(/^## (.+)$/gm, (_, title: string) => `## ${++n}. ${title}`);

  test('"## 7. Implementation Sequence" counts as the Implementation Sequence section', () => {
    assert.ok(numbered.includes('## 7. Implementation Sequence'));
    assert.deepEqual(check(numbered).diagnostics, []);
    const missing = numbered.replace(/## 16\. Rollback Plan\n[\s\S]*?(?=## 17\.)/, '');
    assert.deepEqual(
      check(missing).diagnostics.map((d) => messageOf(d)),
      ['The plan has no "Rollback Plan" section.'],
    );
  });

  // Core bug (server/src/plan/assemble.ts): the Implementation Sequence, Overview and Task
  // Breakdown sections are found with /^implementation sequence$/i and the like, so a numbered
  // heading hides every step and the step checks go quiet.
  test('core: the steps of a numbered "## 7. Implementation Sequence" are found, so step-order is reported', () => {
    const text = numbered
      .replace('**Tasks:** [TASK_001, TASK_002]', '**Tasks:** [TASK_001, TASK_003]')
      .replace('**Tasks:** [TASK_003, TASK_004]', '**Tasks:** [TASK_002, TASK_004]');
    const { plan, diagnostics } = check(text);
    assert.equal(plan.steps.length, 3, 'plan.steps of a numbered Implementation Sequence');
    assert.deepEqual(
      summarize(plan, diagnostics).map((d) => [d.code, d.line, d.text]),
      [['step-order', 83, 'TASK_003']],
    );
  });
});

describe('undecided values', () => {
  test('TBD dates and hours are not malformed', () => {
    const text = filled
      .replace('**Target End:** 2026-04-17', '**Target End:** TBD')
      .replace('| TASK_005 | TASK_003, TASK_004 | 12 |', '| TASK_005 | TASK_003, TASK_004 | TBD |')
      .replace('| TASK_004 | TASK_002 | 8 |', '| TASK_004 | TASK_002 | ? |');
    // Not estimated yet: information only, once per task.
    assert.deepEqual(
      check(text).diagnostics.map((d) => [d.code, d.severity, d.range.start.line + 1]),
      [
        ['unestimated-task', DiagnosticSeverity.Information, 117],
        ['unestimated-task', DiagnosticSeverity.Information, 118],
      ],
    );
  });
});

describe('mermaid syntax', () => {
  test('a broken graph line gives a mermaid-syntax warning on that line', () => {
    const text = filled.replace('    D --> E\n```', '    D --> E\n    E --> [TASK_006\n```');
    const { plan, diagnostics } = check(text);
    const syntax = diagnostics.filter((d) => d.code === 'mermaid-syntax');
    assert.equal(syntax.length, 1);
    assert.equal(syntax[0].severity, DiagnosticSeverity.Warning);
    assert.equal(syntax[0].range.start.line + 1, 110);
    assert.match(messageOf(syntax[0]), /^Mermaid: /);
    assert.ok(textAt(plan, syntax[0].range).length > 0);
  });
});

describe('isRealDate', () => {
  test('real days only', () => {
    assert.equal(isRealDate('2026-02-28'), true);
    assert.equal(isRealDate('2024-02-29'), true);
    assert.equal(isRealDate('2026-02-29'), false);
    assert.equal(isRealDate('2026-02-30'), false);
    assert.equal(isRealDate('2026-13-01'), false);
    assert.equal(isRealDate('2026-00-10'), false);
    assert.equal(isRealDate('2026-3-1'), false);
    assert.equal(isRealDate('03/09/2026'), false);
  });
});

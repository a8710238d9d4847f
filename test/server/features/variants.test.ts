// Real-world plan variants (test/fixtures/variants): a plan with the ordinary deviations from
// the template gives no error or warning; each planted defect on top gives exactly its finding,
// on its line. The shipped template gives a new plan information only.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { DiagnosticSeverity } from 'vscode-languageserver-types';
import { parsePlan } from '../../../server/src/plan';
import { computeDiagnostics } from '../../../server/src/features/diagnostics';
import { DEFAULT_SETTINGS } from '../../../shared/settings';
import { spawnSync } from 'node:child_process';
import { builtDist } from '../../builtDist';

const root = path.join(__dirname, '..', '..', '..');
const read = (p: string) => fs.readFileSync(path.join(root, p), 'utf8');
const findings = (text: string) =>
  computeDiagnostics(parsePlan(text, { uri: 'file:///v.plan.md' }), DEFAULT_SETTINGS)
    .filter((d) => d.severity === DiagnosticSeverity.Error || d.severity === DiagnosticSeverity.Warning)
    .map((d) => `${d.range.start.line + 1} ${d.code}`);

const EXPECTED: Record<string, string[]> = {
  'deviations.plan.md': [],
  'deviations-approved-unreviewed.plan.md': ['249 approved-unreviewed'],
  // One root cause, not the graph errors and unknown tasks of what the fence swallowed.
  'deviations-unclosed-mermaid.plan.md': ['105 unclosed-fence'],
  'deviations-invalid-date.plan.md': ['8 invalid-date'],
  // A typo in a section heading is information ("did you mean"), never a missing section.
  'deviations-misnamed-section.plan.md': [],
};

describe('plan variants', () => {
  test('every variant fixture has expectations', () => {
    const files = fs.readdirSync(path.join(root, 'test/fixtures/variants')).filter((f) => f.endsWith('.plan.md')).sort();
    assert.deepEqual(files, Object.keys(EXPECTED).sort());
  });
  for (const [file, expected] of Object.entries(EXPECTED)) {
    test(file, () => assert.deepEqual(findings(read(`test/fixtures/variants/${file}`)), expected));
  }
  test('a heading with a typo gets a "did you mean" on its line', () => {
    const all = computeDiagnostics(parsePlan(read('test/fixtures/variants/deviations-misnamed-section.plan.md'), { uri: 'file:///v.plan.md' }), DEFAULT_SETTINGS);
    const misnamed = all.filter((d) => d.code === 'misnamed-section');
    assert.deepEqual(misnamed.map((d) => [d.range.start.line + 1, d.severity]), [[152, DiagnosticSeverity.Information]]);
    assert.match(String(misnamed[0].message), /Did you mean "Security Considerations"/);
  });
  test('a new plan from the shipped template has no error or warning', () => {
    const text = read('templates/plan-template.md');
    assert.deepEqual(findings(text), []);
    const all = computeDiagnostics(parsePlan(text, { uri: 'file:///t.plan.md' }), DEFAULT_SETTINGS);
    assert.ok(all.length > 0 && all.every((d) => d.code === 'placeholder' || d.code === 'unestimated-task'));
  });
});

describe('plan variants through planmark check --format json', () => {
  // Each file in its own run, as a CI job checks one plan: the same findings as the server's.
  let bin = '';
  before(() => {
    bin = builtDist().bin;
  });
  for (const [file, expected] of Object.entries(EXPECTED)) {
    test(file, () => {
      const r = spawnSync(process.execPath, [bin, 'check', '--format', 'json', `test/fixtures/variants/${file}`], { cwd: root, encoding: 'utf8' });
      const [report] = JSON.parse(r.stdout) as { kind: string; diagnostics: { line: number; code: string; severity: string }[] }[];
      assert.equal(report.kind, 'template');
      const found = report.diagnostics.filter((d) => d.severity === 'error' || d.severity === 'warning').map((d) => `${d.line} ${d.code}`);
      assert.deepEqual(found, expected);
      // Exit 1 exactly when an error was found (warnings alone pass without --max-warnings).
      assert.equal(r.status, report.diagnostics.some((d) => d.severity === 'error') ? 1 : 0, r.stderr);
    });
  }
});

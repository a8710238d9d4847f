// Real-world plan variants (test/fixtures/variants): a plan with the ordinary deviations from
// the template gives no error or warning; each planted defect on top gives exactly its finding,
// on its line. The shipped template gives a new plan information only.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { DiagnosticSeverity } from 'vscode-languageserver-types';
import { parsePlan } from '../../../server/src/plan';
import { computeDiagnostics } from '../../../server/src/features/diagnostics';
import { DEFAULT_SETTINGS } from '../../../shared/settings';

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
};

describe('plan variants', () => {
  test('every variant fixture has expectations', () => {
    const files = fs.readdirSync(path.join(root, 'test/fixtures/variants')).filter((f) => f.endsWith('.plan.md')).sort();
    assert.deepEqual(files, Object.keys(EXPECTED).sort());
  });
  for (const [file, expected] of Object.entries(EXPECTED)) {
    test(file, () => assert.deepEqual(findings(read(`test/fixtures/variants/${file}`)), expected));
  }
  test('a new plan from the shipped template has no error or warning', () => {
    const text = read('templates/plan-template.md');
    assert.deepEqual(findings(text), []);
    const all = computeDiagnostics(parsePlan(text, { uri: 'file:///t.plan.md' }), DEFAULT_SETTINGS);
    assert.ok(all.length > 0 && all.every((d) => d.code === 'placeholder' || d.code === 'unestimated-task'));
  });
});

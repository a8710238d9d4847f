// Each ordinary deviation from the template alone (test/fixtures/variants/alone/<name>.plan.md)
// gives no error or warning, and the same plan with one planted defect on top
// (<name>-defect.plan.md) gives exactly that finding on its line: "clean" never means "silent".
// Checked through the model's diagnostics and through `planmark check --format json`.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { DiagnosticSeverity } from 'vscode-languageserver-types';
import { parsePlan } from '../../../server/src/plan';
import { computeDiagnostics } from '../../../server/src/features/diagnostics';
import { DEFAULT_SETTINGS } from '../../../shared/settings';
import { builtDist } from '../../builtDist';

const root = path.join(__dirname, '..', '..', '..');
const dir = 'test/fixtures/variants/alone';

/** The planted defect of each deviation: its code and a text its line holds. */
const PLANTED: Record<string, { code: string; line: string }> = {
  'emoji-headings': { code: 'unknown-task', line: '| TASK_004 | TASK_002, TASK_099 |' },
  'numbered-headings': { code: 'step-unknown-task', line: '**Tasks:** [TASK_005, TASK_042]' },
  'extra-words': { code: 'unscheduled-task', line: '| TASK_005 |' },
  'date-with-note': { code: 'invalid-date', line: '**Target Start:** 2026-02-30 (Mon)' },
  'bulleted-tasks': { code: 'step-unknown-task', line: '- TASK_077' },
  'hours-with-units': { code: 'invalid-hours', line: '| lots |' },
  'unestimated-hours': { code: 'self-dependency', line: '| TASK_001 | TASK_001 |' },
  'bracketed-tags': { code: 'duplicate-dependency', line: '| TASK_004 | TASK_002, TASK_002 |' },
  'checkmark-approval': { code: 'approved-unreviewed', line: '**Approved:** ✅ Yes' },
  'signoff-table': { code: 'approved-unreviewed', line: '| Ada Lovelace |  | Yes |' },
};

const read = (file: string) => fs.readFileSync(path.join(root, dir, file), 'utf8');
const lineOf = (text: string, needle: string) => {
  const index = text.split(/\r?\n/).findIndex((l) => l.includes(needle));
  assert.ok(index >= 0, `the fixture holds ${needle}`);
  return index + 1;
};
const expectedOf = (name: string, defect: boolean) => (defect ? [`${lineOf(read(`${name}-defect.plan.md`), PLANTED[name].line)} ${PLANTED[name].code}`] : []);

describe('each deviation alone, and with a planted defect', () => {
  test('every fixture of the corpus has its expectation', () => {
    const files = fs.readdirSync(path.join(root, dir)).filter((f) => f.endsWith('.plan.md')).sort();
    assert.deepEqual(files, Object.keys(PLANTED).flatMap((n) => [`${n}-defect.plan.md`, `${n}.plan.md`]).sort());
  });
  for (const name of Object.keys(PLANTED)) {
    for (const defect of [false, true]) {
      const file = `${name}${defect ? '-defect' : ''}.plan.md`;
      test(`${file} (server)`, () => {
        const found = computeDiagnostics(parsePlan(read(file), { uri: `file:///${file}` }), DEFAULT_SETTINGS)
          .filter((d) => d.severity === DiagnosticSeverity.Error || d.severity === DiagnosticSeverity.Warning)
          .map((d) => `${d.range.start.line + 1} ${d.code}`);
        assert.deepEqual(found, expectedOf(name, defect));
      });
    }
  }
});

describe('each deviation alone through planmark check --format json', () => {
  let bin = '';
  before(() => {
    bin = builtDist().bin;
  });
  for (const name of Object.keys(PLANTED)) {
    for (const defect of [false, true]) {
      const file = `${name}${defect ? '-defect' : ''}.plan.md`;
      test(`${file} (CLI)`, () => {
        const r = spawnSync(process.execPath, [bin, 'check', '--format', 'json', `${dir}/${file}`], { cwd: root, encoding: 'utf8' });
        const [report] = JSON.parse(r.stdout) as { diagnostics: { line: number; code: string; severity: string }[] }[];
        const found = report.diagnostics.filter((d) => d.severity === 'error' || d.severity === 'warning').map((d) => `${d.line} ${d.code}`);
        assert.deepEqual(found, expectedOf(name, defect));
      });
    }
  }
});

// `planmark check --format sarif|github`: what GitHub code scanning and GitHub Actions read.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../../../server/src/cli';
import { escapeData, escapeProperty } from '../../../server/src/cli/formats';
import { ALL_DIAGNOSTIC_CODES } from '../../../shared/settings';

const PLAN = [
  '# Implementation Plan: Formats',
  '',
  '## Task Breakdown with Dependencies',
  '',
  '| Task | Depends On | Estimated Hours |',
  '|---|---|---|',
  '| TASK_001 | TASK_009 | 2 |',
  '',
].join('\n');

let dir = '';
let cwd = '';
before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'planmark-formats-'));
  fs.mkdirSync(path.join(dir, 'docs', 'my plans'), { recursive: true });
  // A name with a space, a comma and a colon: escaped in both formats.
  fs.writeFileSync(path.join(dir, 'docs', 'my plans', 'a, b: c.plan.md'), PLAN);
  cwd = process.cwd();
  process.chdir(dir);
});
after(() => {
  process.chdir(cwd);
  fs.rmSync(dir, { recursive: true, force: true });
});

function check(format: string): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const code = runCli(['check', '--format', format, '--config', 'settings.json', 'docs'], (s) => (out += s), (s) => (err += s));
  return { code, out, err };
}

describe('--format sarif', () => {
  before(() => fs.writeFileSync(path.join(dir, 'settings.json'), JSON.stringify({ 'planmark.requiredSections': [] })));

  test('a SARIF 2.1.0 log: rules for every code, results with ruleId, level and a 1-based region in a relative file', () => {
    const { code, out, err } = check('sarif');
    assert.equal(code, 1, err);
    const log = JSON.parse(out);
    assert.equal(log.version, '2.1.0');
    assert.match(log.$schema, /sarif-2\.1\.0/);
    assert.equal(log.runs.length, 1);
    const run = log.runs[0];
    assert.equal(run.tool.driver.name, 'planmark');
    const ids = run.tool.driver.rules.map((r: { id: string }) => r.id);
    for (const c of ALL_DIAGNOSTIC_CODES) assert.ok(ids.includes(c), `rule ${c}`);
    for (const r of run.tool.driver.rules) assert.ok(r.shortDescription.text, `${r.id} has a description`);
    assert.equal(run.results.length, 1);
    const [result] = run.results;
    assert.equal(result.ruleId, 'unknown-task');
    assert.equal(run.tool.driver.rules[result.ruleIndex].id, 'unknown-task');
    assert.equal(result.level, 'error');
    assert.match(result.message.text, /TASK_001 depends on TASK_009/);
    const location = result.locations[0].physicalLocation;
    assert.equal(location.artifactLocation.uri, 'docs/my%20plans/a%2C%20b%3A%20c.plan.md');
    assert.ok(!path.isAbsolute(decodeURIComponent(location.artifactLocation.uri)));
    // `| TASK_001 | TASK_009 |`: TASK_009 on line 7, columns 14 to 22 (1-based, end exclusive).
    assert.deepEqual(location.region, { startLine: 7, startColumn: 14, endLine: 7, endColumn: 22 });
    assert.match(err, /1 plan checked: 1 error, 0 warnings/);
  });

  test('warnings and information map to SARIF levels warning and note', () => {
    fs.writeFileSync(path.join(dir, 'settings.json'), JSON.stringify({ planmark: { requiredSections: [], diagnostics: { 'unknown-task': 'information' } } }));
    const { code, out } = check('sarif');
    assert.equal(code, 0);
    assert.equal(JSON.parse(out).runs[0].results[0].level, 'note');
  });
});

describe('--format github', () => {
  before(() => fs.writeFileSync(path.join(dir, 'settings.json'), JSON.stringify({ 'planmark.requiredSections': [] })));

  test('one workflow command per problem, with file, line, col, endLine, endColumn and title', () => {
    const { code, out } = check('github');
    assert.equal(code, 1);
    assert.equal(
      out,
      '::error file=docs/my plans/a%2C b%3A c.plan.md,line=7,col=14,endLine=7,endColumn=22,title=planmark unknown-task::TASK_001 depends on TASK_009, which has no row in the task table.\n',
    );
  });

  test('a warning is a ::warning command', () => {
    fs.writeFileSync(path.join(dir, 'settings.json'), JSON.stringify({ 'planmark.requiredSections': [], 'planmark.diagnostics': { 'unknown-task': 'warning' } }));
    assert.match(check('github').out, /^::warning file=/);
  });

  test("escaping follows GitHub's rules: %, CR and LF in messages; also : and , in properties", () => {
    assert.equal(escapeData('50% done\r\nnext: a, b'), '50%25 done%0D%0Anext: a, b');
    assert.equal(escapeProperty('a:b,c%\n'), 'a%3Ab%2Cc%25%0A');
  });
});

// Neovim as a real LSP client (Debian's `neovim`, 0.7 or later, run headless): diagnostics,
// hover, completion, rename and a setting pushed in workspace/didChangeConfiguration, once as
// Neovim comes and once with workspace/configuration turned off (a client that only pushes).
// Neovim is a test dependency (.ci/run installs it): when it is missing the test fails.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { builtDist } from '../builtDist';

const PLAN = [
  '# Implementation Plan: Neovim',
  '',
  '## Task Breakdown with Dependencies',
  '',
  '| Task | Depends On | Estimated Hours |',
  '|---|---|---|',
  '| TASK_001 | None | 2 |',
  '| TASK_002 | TASK_001 | 3 |',
  '| TASK_003 | TASK_099 | 1 |',
  '| TASK_004 |  | 1 |',
  '',
].join('\n');

interface NeovimResults {
  error?: string;
  advertisedConfiguration: boolean;
  diagnostics: string[];
  hover: string;
  completion: string[];
  diagnosticsAfterPush: string[];
  renameError?: string;
  lines: string[];
}

let dir = '';
before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'planmark-nvim-'));
  const version = spawnSync('nvim', ['--version'], { encoding: 'utf8' });
  assert.equal(version.error, undefined, 'nvim is not installed: apt-get install neovim (.ci/run installs it)');
  assert.match(version.stdout, /^NVIM v0\.([7-9]|\d\d)|^NVIM v[1-9]/, `Neovim 0.7 or later is needed: ${version.stdout.split('\n')[0]}`);
});
after(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

function drive(pushOnly: boolean): NeovimResults {
  const work = fs.mkdtempSync(path.join(dir, pushOnly ? 'push-' : 'pull-'));
  const plan = path.join(work, 'phase.plan.md');
  fs.writeFileSync(plan, PLAN);
  const out = path.join(work, 'results.json');
  const r = spawnSync('nvim', ['--headless', '--clean', '-i', 'NONE', '-n', '-c', `luafile ${path.join(__dirname, 'neovim.lua')}`], {
    cwd: work,
    encoding: 'utf8',
    timeout: 180_000,
    env: {
      ...process.env,
      PLANMARK_SERVER: builtDist().server,
      PLANMARK_PLAN: plan,
      PLANMARK_OUT: out,
      PLANMARK_PUSH_ONLY: pushOnly ? '1' : '0',
      // Neovim's LSP log and state stay in the temporary folder.
      XDG_CACHE_HOME: path.join(work, 'cache'),
      XDG_STATE_HOME: path.join(work, 'state'),
      XDG_DATA_HOME: path.join(work, 'data'),
      XDG_CONFIG_HOME: path.join(work, 'config'),
    },
  });
  assert.ok(fs.existsSync(out), `nvim wrote no results (exit ${r.status ?? r.signal}): ${r.stderr}${r.stdout}`);
  const results = JSON.parse(fs.readFileSync(out, 'utf8')) as NeovimResults;
  assert.equal(results.error, undefined, `the Lua script failed: ${results.error}`);
  assert.equal(r.status, 0, r.stderr);
  return results;
}

for (const pushOnly of [false, true]) {
  describe(`Neovim's LSP client${pushOnly ? ' without workspace/configuration (settings only pushed)' : ''}`, () => {
    let results: NeovimResults;
    before(() => {
      results = drive(pushOnly);
    });

    it('advertises workspace/configuration as configured', () => {
      if (pushOnly) assert.equal(results.advertisedConfiguration, false);
    });

    it('shows the diagnostics: unknown-task for TASK_099', () => {
      assert.ok(results.diagnostics.includes('unknown-task'), results.diagnostics.join(', '));
    });

    it('hovers a task ID with its row', () => {
      assert.match(results.hover, /TASK_001/);
      assert.match(results.hover, /2/);
    });

    it('completes task IDs in a Depends On cell', () => {
      for (const id of ['TASK_001', 'TASK_002', 'TASK_003']) assert.ok(results.completion.includes(id), `${id} in ${results.completion.join(', ')}`);
    });

    it('takes a setting pushed in didChangeConfiguration into account (unknown-task turned off)', () => {
      assert.ok(results.diagnosticsAfterPush.length > 0, 'other diagnostics remain');
      assert.ok(!results.diagnosticsAfterPush.includes('unknown-task'), results.diagnosticsAfterPush.join(', '));
    });

    it('renames a task everywhere, applied by Neovim to the buffer', () => {
      assert.equal(results.renameError, undefined);
      assert.equal(results.lines[6], '| TASK_100 | None | 2 |');
      assert.equal(results.lines[7], '| TASK_002 | TASK_100 | 3 |');
      assert.ok(!results.lines.join('\n').includes('TASK_001'));
    });
  });
}

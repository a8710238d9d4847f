// `planmark check`: run in-process through runCli (with the current folder set to a scratch
// workspace), and once as a real process through bin/planmark.js after a build.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli, stripJsonComments } from '../../server/src/cli';
import { builtDist } from '../builtDist';

const repo = path.join(__dirname, '..', '..');
const fixtures = path.join(repo, 'test', 'fixtures');
const read = (name: string) => fs.readFileSync(path.join(fixtures, name), 'utf8');

// The workspace sits under a folder named "plans": only paths inside the workspace may decide
// whether a file matches **/plans/**/*.md.
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'planmark-cli-'));
const workspace = path.join(scratch, 'plans', 'ws');

/** Without its "Implementation Plan" title, a file is a plan only by its path. */
const untitled = (text: string) => text.replace('# Implementation Plan: Phase 2 - User Accounts', '# Phase 2 - User Accounts');

/**
 * The phase before the fixture's Phase 2: plans checked together are one workspace, whose phase
 * numbers and names must be unique and whose phases must not overlap.
 */
const asPhase1 = (text: string) =>
  text
    .replace('- **Phase:** 2', '- **Phase:** 1')
    .replace('- **Phase Name:** User Accounts', '- **Phase Name:** Sign-in')
    .replace('- **Created:** 2026-03-02', '- **Created:** 2026-01-05')
    .replace('- **Target Start:** 2026-03-09', '- **Target Start:** 2026-01-12')
    .replace('- **Target End:** 2026-04-17', '- **Target End:** 2026-03-06');

const FILES: Record<string, string> = {
  'plans/phase-1.md': asPhase1(untitled(read('filled.plan.md'))), // a plan by the **/plans/**/*.md glob
  'docs/billing.plan.md': untitled(read('defects/unknown-task-depends-on.plan.md')), // by **/*.plan.md; one error
  'docs/notes.md': read('defects/graph-missing-edge.plan.md'), // a plan by its title; one warning
  'docs/README.md': '# Readme\n\nNot a plan.\n',
  'warn.plan.md': untitled(read('defects/task-in-several-steps.plan.md')), // by **/*.plan.md; one warning
  'node_modules/dep/x.plan.md': read('defects/invalid-hours.plan.md'), // never walked
  'crlf.plan.md.txt': 'not markdown',
};

function run(argv: string[], cwd = workspace) {
  const previous = process.cwd();
  process.chdir(cwd);
  let out = '';
  let err = '';
  try {
    const code = runCli(
      argv,
      (s) => (out += s),
      (s) => (err += s),
    );
    return { code, out, err };
  } finally {
    process.chdir(previous);
  }
}

/** Files reported by a --format json run. */
function filesOf(argv: string[]): string[] {
  const r = run([...argv, '--format', 'json']);
  assert.notEqual(r.code, 2, r.err);
  return (JSON.parse(r.out) as { file: string }[]).map((f) => f.file).sort();
}

before(() => {
  for (const [name, text] of Object.entries(FILES)) {
    fs.mkdirSync(path.dirname(path.join(workspace, name)), { recursive: true });
    fs.writeFileSync(path.join(workspace, name), text);
  }
});

after(() => fs.rmSync(scratch, { recursive: true, force: true }));

const LINE = /^(?<path>[^:\n]+):(?<line>\d+):(?<col>\d+): (?<severity>error|warning|info|hint) (?<code>[a-z-]+) (?<message>.+)$/;

describe('text output and exit status', () => {
  test('one line per problem: path:line:col: severity code message, and exit 1 on errors', () => {
    const r = run(['check', 'docs/billing.plan.md']);
    assert.equal(r.code, 1);
    assert.equal(r.out, 'docs/billing.plan.md:117:24: error unknown-task TASK_004 depends on TASK_099, which has no row in the task table.\n');
    assert.match(r.out.trimEnd(), LINE);
    assert.equal(r.err, '1 plan checked: 1 error, 0 warnings.\n');
  });

  test('exit 0 for a clean plan, and for warnings only', () => {
    const clean = run(['check', 'plans/phase-1.md']);
    assert.equal(clean.code, 0);
    assert.equal(clean.out, '');
    assert.equal(clean.err, '1 plan checked: 0 errors, 0 warnings.\n');
    const warned = run(['check', 'warn.plan.md']);
    assert.equal(warned.code, 0);
    assert.match(warned.out, /^warn\.plan\.md:95:13: warning task-in-several-steps TASK_004 is listed in both Step 2: Core Functionality and Step 3: Integration & Testing\.\n$/);
  });

  test('--max-warnings', () => {
    assert.equal(run(['check', 'warn.plan.md', '--max-warnings', '0']).code, 1);
    assert.equal(run(['check', 'warn.plan.md', '--max-warnings', '1']).code, 0);
  });

  test('information diagnostics are printed as info and do not fail the run', () => {
    fs.writeFileSync(path.join(workspace, 'docs', 'template.plan.md'), read('template.plan.md'));
    try {
      const r = run(['check', 'docs/template.plan.md']);
      assert.equal(r.code, 0);
      const lines = r.out.trimEnd().split('\n');
      for (const line of lines) assert.match(line, LINE);
      assert.ok(lines.includes('docs/template.plan.md:4:14: info placeholder Unfilled template placeholder [X].'));
      assert.match(r.err, /^1 plan checked: 0 errors, 8 warnings\.\n$/);
    } finally {
      fs.rmSync(path.join(workspace, 'docs', 'template.plan.md'));
    }
  });

  test('positions in CRLF files are the same as in LF files', () => {
    fs.writeFileSync(path.join(workspace, 'docs', 'crlf.plan.md'), FILES['docs/billing.plan.md'].replace(/\n/g, '\r\n'));
    try {
      const r = run(['check', 'docs/crlf.plan.md']);
      assert.equal(r.out, 'docs/crlf.plan.md:117:24: error unknown-task TASK_004 depends on TASK_099, which has no row in the task table.\n');
    } finally {
      fs.rmSync(path.join(workspace, 'docs', 'crlf.plan.md'));
    }
  });
});

describe('--format json', () => {
  test('an array of files with their diagnostics, 1-based positions, and nothing on stderr', () => {
    const r = run(['check', 'docs/billing.plan.md', 'plans/phase-1.md', '--format', 'json']);
    assert.equal(r.code, 1);
    assert.equal(r.err, '');
    assert.deepEqual(JSON.parse(r.out), [
      {
        file: 'docs/billing.plan.md',
        kind: 'template',
        diagnostics: [
          {
            line: 117,
            column: 24,
            endLine: 117,
            endColumn: 32,
            severity: 'error',
            code: 'unknown-task',
            message: 'TASK_004 depends on TASK_099, which has no row in the task table.',
          },
        ],
      },
      { file: 'plans/phase-1.md', kind: 'template', diagnostics: [] },
    ]);
  });

  test('--format=json works too', () => {
    const r = run(['check', '--format=json', 'plans/phase-1.md']);
    assert.equal(r.code, 0);
    assert.deepEqual(JSON.parse(r.out), [{ file: 'plans/phase-1.md', kind: 'template', diagnostics: [] }]);
  });
});

describe('bad usage exits 2', () => {
  const cases: [string[], RegExp][] = [
    [[], /missing command/],
    [['lint'], /unknown command "lint"/],
    [['check', '--frobnicate'], /unknown option --frobnicate/],
    [['check', '--format', 'xml'], /--format must be text, json, sarif or github/],
    [['check', '--format'], /--format needs a value/],
    [['check', '--max-warnings', 'many'], /--max-warnings needs a whole number/],
    [['check', 'no/such/file.md'], /no such file or folder: no\/such\/file\.md/],
    [['check', 'nowhere/**/*.md'], /no files match nowhere\/\*\*\/\*\.md/],
    [['check', '--config', 'missing.json'], /cannot read --config missing\.json/],
  ];
  for (const [argv, message] of cases) {
    test(argv.join(' ') || '(nothing)', () => {
      const r = run(argv);
      assert.equal(r.code, 2);
      assert.equal(r.out, '');
      assert.match(r.err, message);
      assert.match(r.err, /Usage: planmark check/);
    });
  }

  test('--help prints the usage and exits 0', () => {
    for (const argv of [['--help'], ['-h'], ['check', '--help']]) {
      const r = run(argv);
      assert.equal(r.code, 0);
      assert.match(r.out, /^Usage: planmark check/);
      assert.equal(r.err, '');
    }
  });
});

describe('which files are checked', () => {
  test('a folder contributes only plans, and skips node_modules', () => {
    assert.deepEqual(filesOf(['check', '.']), ['docs/billing.plan.md', 'docs/notes.md', 'plans/phase-1.md', 'warn.plan.md']);
    assert.deepEqual(filesOf(['check', 'docs']), ['docs/billing.plan.md', 'docs/notes.md']);
  });

  test('no paths: the plans under the current folder', () => {
    assert.deepEqual(filesOf(['check']), ['docs/billing.plan.md', 'docs/notes.md', 'plans/phase-1.md', 'warn.plan.md']);
  });

  test('planmark.files globs are matched inside the workspace, not against the folders above it', () => {
    // The workspace itself lives in .../plans/ws: docs/README.md must still not be a plan.
    assert.ok(workspace.split(path.sep).includes('plans'));
    assert.ok(!filesOf(['check']).includes('docs/README.md'));
    // From the folder above, plans/phase-1.md is still a plan by its own path.
    const r = run(['check', 'ws', '--format', 'json'], path.dirname(workspace));
    const files = (JSON.parse(r.out) as { file: string }[]).map((f) => f.file).sort();
    assert.deepEqual(files, ['ws/docs/billing.plan.md', 'ws/docs/notes.md', 'ws/plans/phase-1.md', 'ws/warn.plan.md']);
  });

  test('globs contribute only plans', () => {
    assert.deepEqual(filesOf(['check', 'docs/*.md']), ['docs/billing.plan.md', 'docs/notes.md']);
    assert.deepEqual(filesOf(['check', '**/*.plan.md']), ['docs/billing.plan.md', 'warn.plan.md']);
    assert.deepEqual(filesOf(['check', './plans/*.md']), ['plans/phase-1.md']);
  });

  test('a file named on the command line is checked even when it is not a plan', () => {
    const r = run(['check', 'docs/README.md']);
    assert.equal(r.code, 0);
    assert.match(r.out, /^docs\/README\.md:1:3: warning missing-section The plan has no "Overview" section\.$/m);
  });

  test('a file named twice, or also found in a folder, is checked once', () => {
    assert.deepEqual(filesOf(['check', 'warn.plan.md', 'warn.plan.md', '.']), ['docs/billing.plan.md', 'docs/notes.md', 'plans/phase-1.md', 'warn.plan.md']);
  });

  test('the exit status covers every file', () => {
    assert.equal(run(['check', 'plans/phase-1.md', 'docs/billing.plan.md']).code, 1);
    assert.equal(run(['check', 'plans/phase-1.md', 'docs/notes.md']).code, 0);
  });
});

describe('--config', () => {
  const config = (name: string, text: string) => {
    fs.writeFileSync(path.join(workspace, name), text);
    return name;
  };

  test('a VS Code settings.json, comments and trailing commas included', () => {
    const file = config(
      'settings.json',
      `{
  // Planmark, relaxed for drafts
  "editor.fontSize": 14,
  "planmark.diagnostics": { "unknown-task": "warning", /* for now */ },
  "files.exclude": { "**/.git": true, },
}
`,
    );
    const r = run(['check', 'docs/billing.plan.md', '--config', file]);
    assert.equal(r.code, 0);
    assert.match(r.out, /^docs\/billing\.plan\.md:117:24: warning unknown-task /);
  });

  test('a "planmark" object', () => {
    const file = config('planmark.json', JSON.stringify({ planmark: { requiredSections: [] } }));
    const r = run(['check', 'docs/README.md', '--config', file]);
    assert.equal(r.code, 0);
    assert.equal(r.out, '');
  });

  test('bare keys: files decides which files in a folder are plans', () => {
    const file = config('bare.json', JSON.stringify({ files: ['docs/**/*.md'] }));
    const r = run(['check', '.', '--config', file, '--format', 'json']);
    const files = (JSON.parse(r.out) as { file: string }[]).map((f) => f.file).sort();
    // docs/README.md is now a plan; plans/phase-1.md and warn.plan.md no longer match (notes.md keeps its title).
    assert.deepEqual(files, ['docs/README.md', 'docs/billing.plan.md', 'docs/notes.md']);
  });

  test('a custom task ID pattern', () => {
    const text = read('filled.plan.md').replace(/TASK_0*(\d+)/g, 'T$1').replace('| T4 | T2 | 8 |', '| T4 | T2, T99 | 8 |');
    fs.writeFileSync(path.join(workspace, 'docs', 'short.plan.md'), text);
    try {
      const file = config('pattern.json', JSON.stringify({ 'planmark.taskIdPattern': 'T\\d+' }));
      const r = run(['check', 'docs/short.plan.md', '--config', file]);
      assert.equal(r.code, 1);
      assert.equal(r.out, 'docs/short.plan.md:117:12: error unknown-task T4 depends on T99, which has no row in the task table.\n');
    } finally {
      fs.rmSync(path.join(workspace, 'docs', 'short.plan.md'));
    }
  });

  test('an unusable config exits 2', () => {
    for (const [name, text, message] of [
      ['broken.json', '{ "planmark.files": [ }', /cannot read --config broken\.json/],
      ['array.json', '[1, 2]', /must hold a JSON object/],
      ['slow.json', JSON.stringify({ taskIdPattern: '(a+)+' }), /taskIdPattern is not usable/],
    ] as const) {
      const r = run(['check', 'warn.plan.md', '--config', config(name, text)]);
      assert.equal(r.code, 2, name);
      assert.match(r.err, message);
    }
  });

  test('stripJsonComments keeps strings intact', () => {
    const text = '{"a": "http://x//y", "b": "/* no */", "c": [1, 2,], // done\n}';
    assert.deepEqual(JSON.parse(stripJsonComments(text)), { a: 'http://x//y', b: '/* no */', c: [1, 2] });
    assert.deepEqual(JSON.parse(stripJsonComments('{"a": "x\\"//", /* c */ "b": 1,\n /* end */ }')), { a: 'x"//', b: 1 });
  });
});

describe('as a real process', () => {
  // dist/ as `npm test` built it before any test ran, or a private bundle (test/builtDist.ts).
  let bin = '';
  before(() => {
    bin = builtDist().bin;
  });

  test('node bin/planmark.js check prints problems and exits 1 on errors', () => {
    const r = spawnSync(process.execPath, [bin, 'check', 'docs/billing.plan.md', 'plans/phase-1.md'], { cwd: workspace, encoding: 'utf8' });
    assert.equal(r.status, 1, r.stderr);
    assert.equal(r.stdout, 'docs/billing.plan.md:117:24: error unknown-task TASK_004 depends on TASK_099, which has no row in the task table.\n');
    assert.equal(r.stderr, '2 plans checked: 1 error, 0 warnings.\n');
  });

  test('exit 0 on a clean plan, 2 on bad usage', () => {
    assert.equal(spawnSync(process.execPath, [bin, 'check', 'plans/phase-1.md'], { cwd: workspace }).status, 0);
    const bad = spawnSync(process.execPath, [bin, 'check', '--format', 'xml'], { cwd: workspace, encoding: 'utf8' });
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--format must be text, json, sarif or github/);
  });

  test('--format json from the repository fixtures', () => {
    const r = spawnSync(process.execPath, [bin, 'check', '--format', 'json', path.join(fixtures, 'filled.plan.md'), path.join(fixtures, 'defects', 'nested-fence.plan.md')], {
      cwd: repo,
      encoding: 'utf8',
    });
    assert.equal(r.status, 1);
    const result = JSON.parse(r.stdout) as { file: string; diagnostics: { code: string; line: number }[] }[];
    assert.deepEqual(
      result.map((f) => [f.file, f.diagnostics.map((d) => `${d.code}@${d.line}`)]),
      [
        // Two plans of Phase 2 "User Accounts" checked together: the cross-plan rules say so.
        ['test/fixtures/defects/nested-fence.plan.md', ['duplicate-phase@4', 'duplicate-phase-name@5', 'nested-fence@239']],
        ['test/fixtures/filled.plan.md', ['duplicate-phase@4', 'duplicate-phase-name@5']],
      ],
    );
  });

  test('a reader that stops early (| head) does not crash it', async () => {
    const child = spawn(process.execPath, [bin, 'check', path.join(fixtures, 'template.plan.md')], { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.stdout.destroy();
    const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.doesNotMatch(stderr, /EPIPE|Unhandled/);
    assert.equal(status, 0);
  });
});

describe('a repository using spec-kit and Kiro, checked out of the box', () => {
  test('only their task lists are checked, each with its kind, without findings', () => {
    const cwd = process.cwd();
    process.chdir(path.join(fixtures, 'kinds'));
    try {
      let out = '';
      let err = '';
      const code = runCli(['check', '--format', 'json', '--max-warnings', '0'], (s) => (out += s), (s) => (err += s));
      assert.equal(err, '');
      assert.equal(code, 0);
      assert.deepEqual(JSON.parse(out), [
        { file: path.join('kiro', '.kiro', 'specs', 'shelf-sync', 'tasks.md'), kind: 'kiro', diagnostics: [] },
        { file: path.join('spec-kit', 'specs', '003-shelf-sync', 'tasks.md'), kind: 'specKit', diagnostics: [] },
      ]);
    } finally {
      process.chdir(cwd);
    }
  });

  test('a planted cycle in each format is an error', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'planmark-kinds-'));
    const copy = (from: string, to: string, change: (t: string) => string) => {
      fs.mkdirSync(path.dirname(path.join(dir, to)), { recursive: true });
      fs.writeFileSync(path.join(dir, to), change(fs.readFileSync(path.join(fixtures, 'kinds', from), 'utf8')));
    };
    copy('spec-kit/specs/003-shelf-sync/tasks.md', 'specs/003-shelf-sync/tasks.md', (t) => t.replace('- T015 requires T014', '- T015 requires T014\n- T013 depends on T015'));
    copy('kiro/.kiro/specs/shelf-sync/tasks.md', '.kiro/specs/shelf-sync/tasks.md', (t) => t.replace('_Depends on: 1_', '_Depends on: 1, 2.2_'));
    copy('kiro/.kiro/specs/shelf-sync/requirements.md', '.kiro/specs/shelf-sync/requirements.md', (t) => t);
    let out = '';
    const code = runCli(['check', dir, '--format', 'json'], (s) => (out += s), () => undefined);
    assert.equal(code, 1);
    const results = JSON.parse(out) as { file: string; kind: string; diagnostics: { code: string; message: string }[] }[];
    assert.deepEqual(results.map((r) => r.kind).sort(), ['kiro', 'specKit']);
    for (const r of results) {
      const cycles = r.diagnostics.filter((d) => d.code === 'dependency-cycle');
      assert.equal(cycles.length, 1, r.file);
      assert.match(cycles[0].message, r.kind === 'kiro' ? /2\.1 → 2\.2 → 2\.1/ : /T013 → T014 → T015 → T013/);
    }
  });
});

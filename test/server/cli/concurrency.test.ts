// `planmark check` over many files checks them in worker threads (server/src/cli/checkWorkers.ts):
// the output, the messages and the exit status must be those of a check in one thread, in every
// format. The workers run the built CLI bundle, as they do for a user.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { runCli, runCliAsync } from '../../../server/src/cli';
import { builtDist } from '../../builtDist';

const repo = path.resolve(__dirname, '../../..');
// Plans of all kinds, with errors (exit 1), warnings, disable comments, Kiro requirements beside
// task lists, a workspace whose cross-plan findings the workers add, folders and files named.
const INPUTS = [
  'test/fixtures/workspace',
  'test/fixtures/kinds',
  ...['unknown-task-depends-on', 'dependency-cycle-two', 'disable-directives', 'nested-fence', 'malformed-row'].map((n) => `test/fixtures/defects/${n}.plan.md`),
];
const FORMATS = ['text', 'json', 'sarif', 'github'] as const;

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'planmark-concurrency-'));
after(() => fs.rmSync(scratch, { recursive: true, force: true }));

/** A worker script that notes each worker it starts, then is the CLI bundle. */
function countingWorkerScript(): { script: string; started: () => number } {
  const log = path.join(scratch, `workers-${Math.random().toString(36).slice(2)}.log`);
  const script = path.join(scratch, `${path.basename(log, '.log')}.js`);
  fs.writeFileSync(
    script,
    `require('node:fs').appendFileSync(${JSON.stringify(log)}, 'started\\n');\nrequire(${JSON.stringify(builtDist().cli)});\n`,
  );
  return { script, started: () => (fs.existsSync(log) ? fs.readFileSync(log, 'utf8').split('\n').filter(Boolean).length : 0) };
}

async function inRepo<T>(fn: () => T | Promise<T>): Promise<T> {
  const previous = process.cwd();
  process.chdir(repo);
  try {
    return await fn();
  } finally {
    process.chdir(previous);
  }
}

async function oneThread(argv: string[]) {
  let out = '';
  let err = '';
  const code = await inRepo(() => runCli(argv, (s) => (out += s), (s) => (err += s)));
  return { code, out, err };
}

async function inWorkers(argv: string[], script: string) {
  let out = '';
  let err = '';
  const code = await inRepo(() => runCliAsync(argv, (s) => (out += s), (s) => (err += s), script));
  return { code, out, err };
}

describe('planmark check in worker threads', () => {
  for (const format of FORMATS) {
    test(`--format ${format}: the same output, messages and exit status as in one thread`, async () => {
      const serial = await oneThread(['check', '--format', format, ...INPUTS]);
      const workers = countingWorkerScript();
      const parallel = await inWorkers(['check', '--format', format, '--concurrency', '3', ...INPUTS], workers.script);
      assert.equal(workers.started(), 3, 'three workers checked the files');
      assert.equal(serial.code, 1, 'the fixtures hold errors');
      if (format === 'json') assert.ok((JSON.parse(serial.out) as unknown[]).length >= 10);
      else assert.match(serial.err, /^1\d plans checked: [1-9]\d* errors, [1-9]\d* warnings\.\n$/);
      assert.equal(parallel.code, serial.code);
      assert.equal(parallel.err, serial.err);
      assert.equal(parallel.out, serial.out);
    });
  }

  test('files skipped for their size are reported in file order, and the workspace findings are the same', async () => {
    const config = path.join(scratch, 'small.json');
    fs.writeFileSync(config, JSON.stringify({ 'planmark.maxFileSize': 5300 }));
    const argv = ['check', '--config', config, ...INPUTS];
    const serial = await oneThread(argv);
    const workers = countingWorkerScript();
    const parallel = await inWorkers([...argv, '--concurrency', '2'], workers.script);
    assert.equal(workers.started(), 2);
    assert.match(serial.err, /is larger than maxFileSize \(5300 bytes\); skipped\.\n[^]*is larger than maxFileSize/);
    assert.deepEqual(parallel, serial);
  });

  test('--concurrency off, 1 and auto with few small files start no worker', async () => {
    for (const concurrency of ['off', '1', 'auto']) {
      const workers = countingWorkerScript();
      const r = await inWorkers(['check', '--concurrency', concurrency, 'test/fixtures/workspace'], workers.script);
      assert.equal(r.code, 0, r.err);
      assert.equal(workers.started(), 0, `--concurrency ${concurrency}`);
      assert.match(r.err, /^3 plans checked/);
    }
  });

  test('a bad --concurrency is a usage error', async () => {
    const r = await inWorkers(['check', '--concurrency', 'many', ...INPUTS], countingWorkerScript().script);
    assert.equal(r.code, 2);
    assert.match(r.err, /--concurrency must be auto, off or a whole number of threads, not "many"/);
  });

  test('bin/planmark.js checks a folder in workers with the same output as in one thread', () => {
    const run = (concurrency: string) =>
      spawnSync(process.execPath, [builtDist().bin, 'check', '--concurrency', concurrency, '--format', 'json', ...INPUTS], { cwd: repo, encoding: 'utf8' });
    const serial = run('off');
    const parallel = run('2');
    assert.equal(serial.status, 1, serial.stderr);
    assert.ok((JSON.parse(serial.stdout) as unknown[]).length >= 10);
    assert.equal(parallel.status, serial.status);
    assert.equal(parallel.stderr, serial.stderr);
    assert.equal(parallel.stdout, serial.stdout);
  });
});

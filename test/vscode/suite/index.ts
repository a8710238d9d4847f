// Mocha harness loaded by VS Code's extension host (extensionTestsPath). It runs every
// *.test.js bundled next to it (see scripts/vscode-test/bundle.mjs) and rejects when a test
// fails, which makes VS Code exit with code 1.
//
// Both interfaces are available: bdd (describe/it/before/after) and tdd (suite/test/setup).
// Environment (set by scripts/vscode-test/run.mjs):
//   PLANMARK_TEST_GREP           only run tests whose full title matches this regexp
//   PLANMARK_TEST_MOCHA_TIMEOUT  per-test timeout in ms (default 60000)
//   PLANMARK_TEST_ALLOW_EMPTY=1  no failure when the grep leaves no test (set by run.mjs when a
//                                grep spans several suite folders; it checks the total)
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

function findTests(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...findTests(p));
    else if (e.name.endsWith('.test.js')) out.push(p);
  }
  return out.sort();
}

export function run(): Promise<void> {
  const mocha = new Mocha({
    ui: 'bdd',
    color: false,
    reporter: 'spec',
    timeout: Number(process.env.PLANMARK_TEST_MOCHA_TIMEOUT) || 60_000,
  });
  // tdd as well: its pre-require listener adds suite/test/setup/teardown next to bdd's globals.
  (Mocha as unknown as { interfaces: Record<string, (s: Mocha.Suite) => void> }).interfaces.tdd(mocha.suite);
  if (process.env.PLANMARK_TEST_GREP) mocha.grep(new RegExp(process.env.PLANMARK_TEST_GREP));

  const files = findTests(__dirname);
  for (const f of files) mocha.addFile(f);

  return new Promise((resolve, reject) => {
    try {
      if (files.length === 0) throw new Error(`no *.test.js next to ${__filename}`);
      const runner = mocha.run((failures) => {
        if (failures > 0) reject(new Error(`${failures} of the VS Code tests failed.`));
        else if (runner.stats && runner.stats.tests === 0 && !process.env.PLANMARK_TEST_ALLOW_EMPTY) reject(new Error('no VS Code test ran (check PLANMARK_TEST_GREP)'));
        else resolve();
      });
    } catch (err) {
      reject(err);
    }
  });
}

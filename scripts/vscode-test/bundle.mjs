// Bundles a folder of VS Code mocha suites (TypeScript) with esbuild for the extension host.
//   <suiteDir>/index.ts (or test/vscode/suite/index.ts when the folder has none) -> <out>/index.js
//   <suiteDir>/**/*.test.ts                                                     -> <out>/**/*.test.js
// cjs, platform node, `vscode` external; `mocha` resolves to the project's own CommonJS build
// of mocha (node_modules/mocha/lib/mocha.cjs), loaded at run time, so the harness and the test
// files share one mocha instance.
import * as esbuild from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from './install-code-server.mjs';

export const DEFAULT_SUITE_DIR = path.join(ROOT, 'test', 'vscode', 'suite');

function listTests(dir, rel = '') {
  const out = [];
  for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const r = path.join(rel, e.name);
    if (e.isDirectory()) {
      if (e.name !== 'node_modules') out.push(...listTests(dir, r));
    } else if (/\.test\.(ts|mts|cts|js|mjs|cjs)$/.test(e.name)) {
      out.push(r);
    }
  }
  return out.sort();
}

const mochaPlugin = {
  name: 'mocha-cjs-external',
  setup(build) {
    const mochaCjs = path.join(ROOT, 'node_modules', 'mocha', 'lib', 'mocha.cjs');
    build.onResolve({ filter: /^mocha$/ }, () => ({ path: mochaCjs, external: true }));
  },
};

/**
 * @param {string} [suiteDir]
 * @returns {Promise<{outDir: string, tests: string[], indexJs: string}>}
 */
export async function bundleSuite(suiteDir = DEFAULT_SUITE_DIR) {
  suiteDir = path.resolve(suiteDir);
  if (!fs.existsSync(suiteDir) || !fs.statSync(suiteDir).isDirectory()) {
    throw new Error(`suite folder not found: ${suiteDir}`);
  }
  const tests = listTests(suiteDir);
  if (tests.length === 0) throw new Error(`no *.test.ts files in ${suiteDir}`);
  const ownIndex = ['index.ts', 'index.js'].map((f) => path.join(suiteDir, f)).find((f) => fs.existsSync(f));
  const index = ownIndex ?? path.join(DEFAULT_SUITE_DIR, 'index.ts');
  const name = suiteDir === DEFAULT_SUITE_DIR ? 'suite' : path.basename(suiteDir).replace(/[^\w.-]/g, '_');
  const outDir = path.join(ROOT, 'out', 'vscode-tests', name);
  fs.rmSync(outDir, { recursive: true, force: true });
  const entryPoints = [
    { in: index, out: 'index' },
    ...tests.map((t) => ({ in: path.join(suiteDir, t), out: t.replace(/\.(ts|mts|cts|js|mjs|cjs)$/, '') })),
  ];
  await esbuild.build({
    entryPoints,
    outdir: outDir,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: 'inline',
    external: ['vscode'],
    plugins: [mochaPlugin],
    nodePaths: [path.join(ROOT, 'node_modules')],
    absWorkingDir: ROOT,
    logLevel: 'warning',
    outExtension: { '.js': '.js' },
  });
  return { outDir, tests: tests.map((t) => t.replace(/\.(ts|mts|cts|js|mjs|cjs)$/, '.js')), indexJs: path.join(outDir, 'index.js') };
}

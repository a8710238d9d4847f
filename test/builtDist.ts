// The bundles end-to-end tests run. `npm test` (scripts/test.mjs) builds dist/ once before any
// test starts and says so in PLANMARK_PREBUILT_DIST, so no test rebuilds dist/ while other test
// files run bin/planmark.js or dist/server.js. A test file run on its own (node --test file)
// bundles the current sources into a private directory under out/ instead, laid out like the
// package (dist/, bin/) so that the server and CLI find templates/ as they do from dist/.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..');

export interface BuiltDist {
  /** The directory holding dist/ and bin/. */
  root: string;
  /** dist/server.js: the language server (`--stdio`) and its parse worker. */
  server: string;
  /** dist/cli.js. */
  cli: string;
  /** bin/planmark.js, which loads ../dist/cli.js. */
  bin: string;
}

let built: BuiltDist | undefined;

function layout(root: string): BuiltDist {
  return {
    root,
    server: path.join(root, 'dist', 'server.js'),
    cli: path.join(root, 'dist', 'cli.js'),
    bin: path.join(root, 'bin', 'planmark.js'),
  };
}

export function builtDist(): BuiltDist {
  if (built) return built;
  if (process.env.PLANMARK_PREBUILT_DIST === '1') {
    built = layout(ROOT);
    for (const file of [built.server, built.cli]) {
      if (!fs.existsSync(file)) throw new Error(`${file} is missing: scripts/test.mjs builds dist/ before the tests`);
    }
    return built;
  }
  fs.mkdirSync(path.join(ROOT, 'out'), { recursive: true });
  const dir = fs.mkdtempSync(path.join(ROOT, 'out', 'test-dist-'));
  process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  try {
    execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'build.mjs'), '--outdir', path.join(dir, 'dist'), '--only', 'server,cli'], {
      cwd: ROOT,
      stdio: 'pipe',
    });
  } catch (error) {
    const e = error as { stderr?: Buffer; stdout?: Buffer; message: string };
    throw new Error(`node scripts/build.mjs failed: ${e.message}\n${e.stderr?.toString() ?? ''}${e.stdout?.toString() ?? ''}`);
  }
  fs.cpSync(path.join(ROOT, 'bin'), path.join(dir, 'bin'), { recursive: true });
  built = layout(dir);
  return built;
}

// Extension activation in a real VS Code, for `npm run bench`: runs the suite
// test/vscode/suite-bench/ through scripts/vscode-test/run.mjs (code-server 4.100.3 + headless
// chromium when VS Code cannot be downloaded) and reads the figures it writes to the file named
// by PLANMARK_BENCH_ACTIVATION_OUT. Needs the extension built (dist/), as `npm run bench` does.
//
//   measureActivation()         -> ms from calling activate() to the first planmark diagnostic
//                                  of a freshly opened plan (activate + first diagnostic), or a
//                                  sentence saying why it could not be measured
//   measureActivationDetails()  -> the split (activateMs, firstDiagnosticMs, ...) or that sentence
//
//   npx tsx bench/activation.ts   prints the details
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..');

export interface ActivationDetails {
  /** `await extension.activate()` in a window where nothing had activated it. */
  activateMs: number;
  /** From opening a plan to its first planmark diagnostic (includes the language server's start). */
  firstDiagnosticMs: number;
  /** activateMs + firstDiagnosticMs. */
  totalMs: number;
  /** True when something had activated the extension before the measurement (then activateMs is ~0). */
  wasActive: boolean;
  plan: string;
  vscodeVersion: string;
  backend: string;
}

function tail(text: string, lines = 12): string {
  return text.trim().split('\n').slice(-lines).join('\n');
}

export async function measureActivationDetails(timeoutMs = 300_000): Promise<ActivationDetails | string> {
  if (!fs.existsSync(path.join(ROOT, 'dist', 'extension.js'))) {
    return 'not measured: dist/extension.js is missing (run node scripts/build.mjs first)';
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'planmark-bench-activation-'));
  const out = path.join(dir, 'activation.json');
  try {
    const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve) => {
      const child = spawn(
        process.execPath,
        [path.join(ROOT, 'scripts', 'vscode-test', 'run.mjs'), '--suite', path.join(ROOT, 'test', 'vscode', 'suite-bench'), '--timeout', String(Math.round(timeoutMs / 1000))],
        { cwd: ROOT, env: { ...process.env, PLANMARK_BENCH_ACTIVATION_OUT: out }, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let text = '';
      child.stdout.on('data', (b) => (text += b));
      child.stderr.on('data', (b) => (text += b));
      child.on('error', (e) => resolve({ code: null, output: `${text}\n${e.message}` }));
      child.on('close', (c) => resolve({ code: c, output: text }));
    });
    if (code !== 0 || !fs.existsSync(out)) {
      return `not measured: the VS Code run exited ${code ?? 'abnormally'}${fs.existsSync(out) ? '' : ' without writing its result'}:\n${tail(output)}`;
    }
    return JSON.parse(fs.readFileSync(out, 'utf8')) as ActivationDetails;
  } catch (error) {
    return `not measured: ${error instanceof Error ? error.message : String(error)}`;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export async function measureActivation(): Promise<number | string> {
  const details = await measureActivationDetails();
  if (typeof details === 'string') return details;
  if (details.wasActive) return `not measured: the extension was already active before activate() was called (${details.totalMs} ms to the first diagnostic)`;
  return details.totalMs;
}

if (require.main === module) {
  void measureActivationDetails().then((d) => {
    console.log(typeof d === 'string' ? d : JSON.stringify(d, null, 2));
    process.exitCode = typeof d === 'string' ? 1 : 0;
  });
}

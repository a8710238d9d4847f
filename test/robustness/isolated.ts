// Runs probes (probes.ts) in a worker thread, one case at a time, with a per-case hang guard: a
// case still running after its limit is reported as hung and the worker is terminated (a
// synchronous hang cannot be interrupted on the main thread). The limits are generous guards
// against hangs and catastrophic backtracking, never speed assertions.
import { Worker } from 'node:worker_threads';
import path from 'node:path';
import type { ProbeName } from './probes';

export interface ProbeCase {
  name: string;
  probe: ProbeName;
  args: unknown[];
  /** Hang guard for this case, in milliseconds. */
  limitMs: number;
}

export interface ProbeResult {
  name: string;
  ms: number;
  /** The probe's return value, when it returned. */
  value?: unknown;
  /** The exception it threw. */
  error?: string;
  /** True when the case was still running at its limit. */
  hung?: boolean;
}

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
require(workerData.tsx).register();
const { probes } = require(workerData.probes);
parentPort.postMessage({ ready: true });
parentPort.on('message', ({ probe, args }) => {
  const started = Date.now();
  try {
    const value = probes[probe](...args);
    parentPort.postMessage({ ms: Date.now() - started, value: JSON.parse(JSON.stringify(value ?? null)) });
  } catch (error) {
    parentPort.postMessage({ ms: Date.now() - started, error: error && error.stack ? String(error.stack) : String(error) });
  }
});
`;

function startWorker(): Promise<Worker> {
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { tsx: require.resolve('tsx/cjs/api'), probes: path.join(__dirname, 'probes.ts') },
    // About the main thread's stack (V8's default is 984 KB), where the server runs: a worker's
    // default 4 MB would hide stack overflows on deep nesting.
    resourceLimits: { stackSizeMb: 1 },
  });
  return new Promise((resolve, reject) => {
    worker.once('message', () => resolve(worker));
    worker.once('error', reject);
  });
}

/**
 * Runs the cases in `workers` workers (one by default), each taking its share in order and
 * starting a new worker after a hang or a crash. Results come back in the order of `cases`.
 */
export async function runIsolated(cases: ProbeCase[], workers = 1): Promise<ProbeResult[]> {
  const shares: { c: ProbeCase; i: number }[][] = Array.from({ length: Math.max(1, workers) }, () => []);
  cases.forEach((c, i) => shares[i % shares.length].push({ c, i }));
  const out: ProbeResult[] = new Array(cases.length);
  await Promise.all(
    shares.map(async (share) => {
      const results = await runSequentially(share.map((s) => s.c));
      results.forEach((r, k) => (out[share[k].i] = r));
    }),
  );
  return out;
}

async function runSequentially(cases: ProbeCase[]): Promise<ProbeResult[]> {
  const results: ProbeResult[] = [];
  let worker: Worker | undefined;
  try {
    for (const c of cases) {
      worker ??= await startWorker();
      const w = worker;
      const started = Date.now();
      const outcome = await new Promise<ProbeResult>((resolve) => {
        const timer = setTimeout(() => {
          cleanup();
          resolve({ name: c.name, ms: Date.now() - started, hung: true });
        }, c.limitMs);
        const onMessage = (m: { ms: number; value?: unknown; error?: string }) => {
          cleanup();
          resolve({ name: c.name, ms: m.ms, value: m.value, error: m.error });
        };
        const onError = (error: Error) => {
          cleanup();
          resolve({ name: c.name, ms: Date.now() - started, error: `the worker died: ${error.stack ?? error.message}` });
        };
        const onExit = (code: number) => {
          cleanup();
          resolve({ name: c.name, ms: Date.now() - started, error: `the worker exited with code ${code}` });
        };
        const cleanup = () => {
          clearTimeout(timer);
          w.off('message', onMessage);
          w.off('error', onError);
          w.off('exit', onExit);
        };
        w.on('message', onMessage);
        w.on('error', onError);
        w.on('exit', onExit);
        w.postMessage({ probe: c.probe, args: c.args });
      });
      results.push(outcome);
      if (outcome.hung || (outcome.error && outcome.error.startsWith('the worker'))) {
        await worker.terminate();
        worker = undefined;
      }
    }
  } finally {
    await worker?.terminate();
  }
  return results;
}

/** One line per case that threw or hung, for an assertion message. */
export function failures(results: ProbeResult[]): string[] {
  return results
    .filter((r) => r.hung || r.error)
    .map((r) => (r.hung ? `${r.name}: still running after ${r.ms} ms (hang guard)` : `${r.name}: threw ${clip(r.error!.split('\n').slice(0, 4).join(' | '))}`));
}

function clip(s: string): string {
  return s.length > 400 ? `${s.slice(0, 400)}… (${s.length - 400} more characters)` : s;
}

// Runs probes (probes.ts) in a worker thread, one case at a time, with a per-case hang guard: a
// case still running after its limit is reported as hung and the worker is terminated (a
// synchronous hang cannot be interrupted on the main thread). The limits are generous guards
// against hangs and catastrophic backtracking, never speed assertions.
// The limit is CPU time of the worker's thread (Linux: /proc/<pid>/task/<tid>/stat), so a
// loaded machine that gives the worker a fraction of a core does not trip it; where /proc is
// not available the guard falls back to wall time with ten times the limit.
import { Worker } from 'node:worker_threads';
import fs from 'node:fs';
import path from 'node:path';
import type { ProbeName } from './probes';

export interface ProbeCase {
  name: string;
  probe: ProbeName;
  args: unknown[];
  /** Hang guard for this case, in milliseconds of CPU time. */
  limitMs: number;
}

export interface ProbeResult {
  name: string;
  /** Wall time. */
  ms: number;
  /** CPU time of the worker thread, when it could be measured. */
  cpuMs?: number;
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
let tid;
try {
  tid = Number(require('node:fs').readlinkSync('/proc/thread-self').split('/').pop());
} catch {}
parentPort.postMessage({ ready: true, tid });
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

interface ProbeWorker {
  worker: Worker;
  /** The worker's thread ID on Linux, for its CPU time. */
  tid?: number;
}

/** Clock ticks per second of /proc's CPU times (USER_HZ, 100 on every Linux architecture Node runs on). */
const USER_HZ = 100;

/** CPU time (user + system) of one thread of this process, in milliseconds; undefined without /proc. */
function threadCpuMs(tid: number | undefined): number | undefined {
  if (tid === undefined || !Number.isInteger(tid)) return undefined;
  try {
    const stat = fs.readFileSync(`/proc/${process.pid}/task/${tid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces, hence the last ')'): utime is the
    // 14th field of the line, stime the 15th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / USER_HZ;
  } catch {
    return undefined;
  }
}

function startWorker(): Promise<ProbeWorker> {
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { tsx: require.resolve('tsx/cjs/api'), probes: path.join(__dirname, 'probes.ts') },
    // About the main thread's stack (V8's default is 984 KB), where the server runs: a worker's
    // default 4 MB would hide stack overflows on deep nesting.
    resourceLimits: { stackSizeMb: 1 },
  });
  return new Promise((resolve, reject) => {
    worker.once('message', (m: { tid?: number }) => resolve({ worker, tid: m.tid }));
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
  let probeWorker: ProbeWorker | undefined;
  try {
    for (const c of cases) {
      probeWorker ??= await startWorker();
      const { worker: w, tid } = probeWorker;
      const started = Date.now();
      const cpuStart = threadCpuMs(tid);
      const cpuUsed = () => (cpuStart === undefined ? undefined : (threadCpuMs(tid) ?? cpuStart) - cpuStart);
      const outcome = await new Promise<ProbeResult>((resolve) => {
        let timer: NodeJS.Timeout;
        // Checked when the limit could first have been reached, then again as long as the
        // thread has used less CPU than the limit.
        const check = () => {
          const cpuMs = cpuUsed();
          const over = cpuMs === undefined ? Date.now() - started >= c.limitMs * 10 : cpuMs >= c.limitMs;
          if (!over) {
            timer = setTimeout(check, cpuMs === undefined ? c.limitMs * 10 - (Date.now() - started) : Math.max(100, c.limitMs - cpuMs));
            return;
          }
          cleanup();
          resolve({ name: c.name, ms: Date.now() - started, cpuMs, hung: true });
        };
        timer = setTimeout(check, c.limitMs);
        const onMessage = (m: { ms: number; value?: unknown; error?: string }) => {
          cleanup();
          resolve({ name: c.name, ms: m.ms, cpuMs: cpuUsed(), value: m.value, error: m.error });
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
        await w.terminate();
        probeWorker = undefined;
      }
    }
  } finally {
    await probeWorker?.worker.terminate();
  }
  return results;
}

/** One line per case that threw or hung, for an assertion message. */
export function failures(results: ProbeResult[]): string[] {
  return results
    .filter((r) => r.hung || r.error)
    .map((r) => (r.hung ? `${r.name}: still running after ${r.cpuMs ?? r.ms} ms of ${r.cpuMs === undefined ? 'wall' : 'CPU'} time (hang guard)` : `${r.name}: threw ${clip(r.error!.split('\n').slice(0, 4).join(' | '))}`));
}

function clip(s: string): string {
  return s.length > 400 ? `${s.slice(0, 400)}… (${s.length - 400} more characters)` : s;
}

// `planmark check` over many files: the files are read, parsed and checked in worker threads, one
// per CPU, while this thread only hands out files and runs the cross-plan rules on the summaries
// the workers send back. Each worker keeps the plans it parsed until the workspace's findings
// about them come back, and adds them itself (it has the plan's disable comments and line index).
// The worker is the CLI's own bundle, started with a role in its workerData, as the language
// server's parser worker is. Results are put back in file order: the output is the same as that
// of a check in one thread.
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import type { Diagnostic } from 'vscode-languageserver-types';
import type { PlanmarkSettings } from '../../../shared/settings';
import type { Plan } from '../plan';
import type { Finding } from '../workspace/crossPlan';
import { checkPlan, readPlanFile, withWorkspaceFindings, type Candidate, type PlanCheck } from './checkFile';

export const CHECK_WORKER_ROLE = 'planmark-check';

/**
 * Young generation of a check worker's heap (V8 splits it into two semi-spaces and a large-object
 * space, so 64 MiB each). One remark parse of a plan allocates tens of MiB that live until the
 * parse ends: with V8's default (16 MiB semi-spaces) they are copied from one scavenge to the next,
 * and collecting garbage took about 40% of a check of 100 plans of 100 tasks; with room for a whole
 * parse it takes about a third of that (a third fewer CPU seconds in all).
 */
const YOUNG_GENERATION_MB = 192;

interface WorkerData {
  role: typeof CHECK_WORKER_ROLE;
  settings: PlanmarkSettings;
}

type ToWorker = { type: 'check'; index: number; candidate: Candidate } | { type: 'findings'; index: number; findings: Finding[] };

/** One file's outcome; `check` is there when the file is a plan that was checked. */
export interface FileOutcome {
  message?: string;
  unreadable?: boolean;
  check?: PlanCheck;
}

type FromWorker =
  | { type: 'checked'; index: number; outcome: FileOutcome }
  | { type: 'merged'; index: number; diagnostics: Diagnostic[] }
  | { type: 'failed'; index: number; error: string };

/** True inside a check worker. */
export function isCheckWorker(): boolean {
  return !isMainThread && (workerData as { role?: string } | null)?.role === CHECK_WORKER_ROLE;
}

export function runCheckWorker(): void {
  const { settings } = workerData as WorkerData;
  const plans = new Map<number, { plan: Plan; diagnostics: Diagnostic[] }>();
  parentPort!.on('message', (message: ToWorker) => {
    let reply: FromWorker;
    try {
      if (message.type === 'check') {
        const read = readPlanFile(message.candidate, settings);
        const outcome: FileOutcome = { message: read.message, unreadable: read.unreadable };
        if (read.plan) {
          outcome.check = checkPlan(message.candidate.file, read.plan, settings);
          plans.set(message.index, { plan: read.plan, diagnostics: outcome.check.diagnostics });
        }
        reply = { type: 'checked', index: message.index, outcome };
      } else {
        const kept = plans.get(message.index)!;
        reply = { type: 'merged', index: message.index, diagnostics: withWorkspaceFindings(kept.plan, kept.diagnostics, message.findings, settings) };
      }
    } catch (error) {
      reply = { type: 'failed', index: message.index, error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
    }
    parentPort!.postMessage(reply);
  });
}

/** The workspace findings about the checked plans, by plan URI (the cross-plan rules). */
export type FindingsOf = (checks: PlanCheck[]) => Map<string, Finding[]>;

/**
 * Checks `files` in `workerCount` workers running `script` (the CLI bundle). `order` lists the
 * indexes in the order to hand them out (largest first, so that no worker is left with a big file
 * at the end). Returns each file's outcome by index, the workspace findings already added.
 */
export async function checkInWorkers(
  script: string,
  files: Candidate[],
  settings: PlanmarkSettings,
  workerCount: number,
  order: number[],
  findingsOf: FindingsOf,
): Promise<FileOutcome[]> {
  const outcomes: FileOutcome[] = new Array(files.length);
  const workers: Worker[] = [];
  const owner = new Map<number, Worker>();
  let next = 0;
  let checked = 0;
  let merging = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      const fail = (error: Error) => reject(error);
      const handOut = (worker: Worker) => {
        if (next >= order.length) return;
        const index = order[next++];
        owner.set(index, worker);
        worker.postMessage({ type: 'check', index, candidate: files[index] } satisfies ToWorker);
      };
      const allChecked = () => {
        const checks = outcomes.flatMap((o) => (o.check ? [o.check] : []));
        const findings = findingsOf(checks);
        outcomes.forEach((o, index) => {
          const mine = o.check && findings.get(o.check.summary.uri);
          if (!mine?.length) return;
          merging++;
          owner.get(index)!.postMessage({ type: 'findings', index, findings: mine } satisfies ToWorker);
        });
        if (merging === 0) resolve();
      };
      for (let i = 0; i < workerCount; i++) {
        const worker = new Worker(script, { workerData: { role: CHECK_WORKER_ROLE, settings } satisfies WorkerData, resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB } });
        workers.push(worker);
        worker.on('error', fail);
        worker.on('exit', (code) => {
          if (checked < files.length || merging > 0) fail(new Error(`a check worker stopped (exit code ${code})`));
        });
        worker.on('message', (reply: FromWorker) => {
          if (reply.type === 'failed') return fail(new Error(`checking ${files[reply.index].file} failed: ${reply.error}`));
          if (reply.type === 'checked') {
            outcomes[reply.index] = reply.outcome;
            checked++;
            handOut(worker);
            if (checked === files.length) allChecked();
          } else {
            outcomes[reply.index].check!.diagnostics = reply.diagnostics;
            if (--merging === 0) resolve();
          }
        });
        // Two files each: the next one is there when a worker finishes one.
        handOut(worker);
        handOut(worker);
      }
      if (files.length === 0) resolve();
    });
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return outcomes;
}

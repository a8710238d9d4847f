// Full parses of large plans run on a worker thread: a remark parse of a 5,000-task plan takes
// seconds, and the server must keep answering meanwhile. The worker is this same bundle,
// started with a role in its workerData.
import { Worker, parentPort, workerData, isMainThread } from 'node:worker_threads';
import { parseBlocks, type Block } from './plan/blocks';

export const PARSER_ROLE = 'planmark-parser';
/** How long an idle parser worker is kept for the next parse before it is stopped. */
const IDLE_STOP_MS = 1000;

interface ParseRequest {
  id: number;
  text: string;
  taskIdPattern: string;
}

type ParseResponse = { id: number; blocks: Block[] } | { id: number; error: string };

/** True inside the parser worker. */
export function isParserWorker(): boolean {
  return !isMainThread && (workerData as { role?: string } | null)?.role === PARSER_ROLE;
}

export function runParserWorker(): void {
  parentPort!.on('message', (request: ParseRequest) => {
    let response: ParseResponse;
    try {
      response = { id: request.id, blocks: parseBlocks(request.text, 0, request.text.length, { taskIdPattern: request.taskIdPattern }) };
    } catch (error) {
      response = { id: request.id, error: error instanceof Error ? error.stack ?? error.message : String(error) };
    }
    parentPort!.postMessage(response);
  });
}

export class BackgroundParser {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (blocks: Block[]) => void; reject: (error: Error) => void }>();

  /** `script` is the bundle to run as the worker; without one, parses run inline. */
  constructor(
    private readonly script: string | undefined,
    private readonly log: (message: string) => void,
  ) {}

  parse(text: string, taskIdPattern: string): Promise<Block[]> {
    if (!this.script) return Promise.resolve(parseBlocks(text, 0, text.length, { taskIdPattern }));
    const worker = this.ensureWorker();
    const id = this.nextId++;
    return new Promise<Block[]>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, text, taskIdPattern } satisfies ParseRequest);
    });
  }

  dispose(): void {
    void this.worker?.terminate();
    this.worker = undefined;
  }

  private idleTimer: ReturnType<typeof setTimeout> | undefined;

  private scheduleIdleStop(worker: Worker): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      this.idleTimer = undefined;
      if (this.worker !== worker || this.pending.size > 0) return;
      this.worker = undefined;
      void worker.terminate();
    }, IDLE_STOP_MS);
    this.idleTimer.unref();
  }

  private ensureWorker(): Worker {
    if (this.idleTimer) {
      clearTimeout(this.idleTimer);
      this.idleTimer = undefined;
    }
    if (this.worker) return this.worker;
    const worker = new Worker(this.script!, { workerData: { role: PARSER_ROLE } });
    worker.unref();
    worker.on('message', (response: ParseResponse) => {
      const waiting = this.pending.get(response.id);
      if (!waiting) return;
      this.pending.delete(response.id);
      if ('error' in response) waiting.reject(new Error(response.error));
      else waiting.resolve(response.blocks);
      // An idle worker would keep its parse heap (a second copy of a large plan's memory): it
      // is stopped soon after its last answer and started again for the next parse.
      if (this.pending.size === 0) this.scheduleIdleStop(worker);
    });
    const fail = (error: Error) => {
      this.log(`parser worker failed: ${error.message}`);
      if (this.worker === worker) this.worker = undefined;
      for (const waiting of this.pending.values()) waiting.reject(error);
      this.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => {
      if (this.pending.size) fail(new Error(`parser worker exited with code ${code}`));
      if (this.worker === worker) this.worker = undefined;
    });
    this.worker = worker;
    return worker;
  }
}

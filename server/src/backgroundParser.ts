// Full parses of large plans run on a worker thread: a remark parse of a 5,000-task plan takes
// seconds, and the server must keep answering meanwhile. The worker is this same bundle,
// started with a role in its workerData.
import { Worker, parentPort, workerData, isMainThread } from 'node:worker_threads';
import { parseBlocks, type Block } from './plan/blocks';

export const PARSER_ROLE = 'planmark-parser';

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

/**
 * Parses on a worker started for the parses pending at once and stopped as soon as it has none.
 * A worker that parsed a large plan holds its parse heap (about 250 MiB at 5,000 tasks) until it
 * stops, and the server's memory is what the user pays for as long as the plan is open; so the
 * answer is handed over only once the worker has exited and returned that memory. Starting a worker
 * costs far less than the large parses it runs.
 */
export class BackgroundParser {
  private worker: ParserWorker | undefined;
  private nextId = 1;

  /** `script` is the bundle to run as the worker; without one, parses run inline. */
  constructor(
    private readonly script: string | undefined,
    private readonly log: (message: string) => void,
  ) {}

  parse(text: string, taskIdPattern: string): Promise<Block[]> {
    if (!this.script) return Promise.resolve(parseBlocks(text, 0, text.length, { taskIdPattern }));
    this.worker ??= this.startWorker();
    const worker = this.worker;
    const id = this.nextId++;
    return new Promise<Block[]>((resolve, reject) => {
      worker.pending.set(id, { resolve, reject });
      worker.thread.postMessage({ id, text, taskIdPattern } satisfies ParseRequest);
    });
  }

  /** Whether a worker thread is running (a parse is pending on it). */
  get running(): boolean {
    return this.worker !== undefined;
  }

  dispose(): void {
    void this.worker?.thread.terminate();
    this.worker = undefined;
  }

  private startWorker(): ParserWorker {
    const thread = new Worker(this.script!, { workerData: { role: PARSER_ROLE } });
    thread.unref();
    const worker: ParserWorker = { thread, pending: new Map(), answered: [] };
    thread.on('message', (response: ParseResponse) => {
      const waiting = worker.pending.get(response.id);
      if (!waiting) return;
      worker.pending.delete(response.id);
      const settle = () => ('error' in response ? waiting.reject(new Error(response.error)) : waiting.resolve(response.blocks));
      if (worker.pending.size > 0) {
        settle();
        return;
      }
      // The last pending parse: stop the worker, then answer. Parses requested meanwhile go to a
      // new worker.
      if (this.worker === worker) this.worker = undefined;
      worker.answered.push(settle);
      void thread.terminate();
    });
    const fail = (error: Error) => {
      if (this.worker === worker) this.worker = undefined;
      if (worker.pending.size === 0) return;
      this.log(`parser worker failed: ${error.message}`);
      for (const waiting of worker.pending.values()) waiting.reject(error);
      worker.pending.clear();
    };
    thread.on('error', fail);
    thread.on('exit', (code) => {
      fail(new Error(`parser worker exited with code ${code}`));
      for (const settle of worker.answered.splice(0)) settle();
    });
    return worker;
  }
}

interface ParserWorker {
  thread: Worker;
  /** Parses sent to this worker and not answered yet. */
  pending: Map<number, { resolve: (blocks: Block[]) => void; reject: (error: Error) => void }>;
  /** Answers received, handed over when the worker has exited. */
  answered: (() => void)[];
}

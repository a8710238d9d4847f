// Full parses of large plans run in a child process: a remark parse of a 5,000-task plan takes
// a second or more, and the server must keep answering meanwhile. The process is this same bundle,
// started with a role on its command line.
//
// A process rather than a worker thread, for memory: such a parse allocates about 250 MiB, which a
// worker thread keeps in the server's own process (its heap until it stops, and the C heap arenas
// of its thread after it has stopped), so an open plan cost the server twice its model and grew
// with every reparse. A process returns all of it to the system when it exits, which it does as
// soon as no parse is pending; starting one costs far less than the parses it runs.
import { fork, type ChildProcess } from 'node:child_process';
import { parseBlocks, type Block } from './plan/blocks';

/** The command-line argument that makes the bundle a parser process. */
export const PARSER_ROLE = '--planmark-parser';

interface ParseRequest {
  id: number;
  text: string;
  taskIdPattern: string;
}

type ParseResponse = { id: number; blocks: Block[] } | { id: number; error: string };

/** True in a parser process started by BackgroundParser. */
export function isParserWorker(): boolean {
  return process.argv.includes(PARSER_ROLE) && typeof process.send === 'function';
}

export function runParserWorker(): void {
  process.on('message', (request: ParseRequest) => {
    let response: ParseResponse;
    try {
      response = { id: request.id, blocks: parseBlocks(request.text, 0, request.text.length, { taskIdPattern: request.taskIdPattern }) };
    } catch (error) {
      response = { id: request.id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
    }
    process.send!(response);
  });
  // The server stopped it (nothing pending) or went away: either way, exit.
  process.on('disconnect', () => process.exit(0));
}

/**
 * Node options the parser process inherits from the server: heap limits (someone who raised the
 * server's for a huge plan needs them for its parse too), never a debugger port or loader hooks.
 */
function inheritedExecArgv(): string[] {
  return process.execArgv.filter((arg) => /^--(max|min)-[a-z-]+-size=|^--stack-size=/.test(arg));
}

/**
 * Parses in a child process started for the parses pending at once and stopped as soon as it has
 * none; an answer is handed over once the process has exited, so that its memory is back when the
 * model it parsed is used.
 */
export class BackgroundParser {
  private worker: ParserProcess | undefined;
  private nextId = 1;

  /** `script` is the bundle to run as the parser process; without one, parses run inline. */
  constructor(
    private readonly script: string | undefined,
    private readonly log: (message: string) => void,
  ) {}

  parse(text: string, taskIdPattern: string): Promise<Block[]> {
    if (!this.script) return Promise.resolve(parseBlocks(text, 0, text.length, { taskIdPattern }));
    this.worker ??= this.start();
    const worker = this.worker;
    const id = this.nextId++;
    return new Promise<Block[]>((resolve, reject) => {
      worker.pending.set(id, { resolve, reject });
      worker.child.send({ id, text, taskIdPattern } satisfies ParseRequest, (error) => {
        if (error) worker.fail(error);
      });
    });
  }

  /** Whether a parser process is running (a parse is pending in it). */
  get running(): boolean {
    return this.worker !== undefined;
  }

  dispose(): void {
    this.worker?.child.kill();
    this.worker = undefined;
  }

  private start(): ParserProcess {
    const child = fork(this.script!, [PARSER_ROLE], {
      serialization: 'advanced',
      execArgv: inheritedExecArgv(),
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    const worker: ParserProcess = {
      child,
      pending: new Map(),
      answered: [],
      fail: (error: Error) => {
        if (this.worker === worker) this.worker = undefined;
        if (worker.pending.size === 0) return;
        this.log(`parser process failed: ${error.message}`);
        for (const waiting of worker.pending.values()) waiting.reject(error);
        worker.pending.clear();
        child.kill();
      },
    };
    child.on('message', (response: ParseResponse) => {
      const waiting = worker.pending.get(response.id);
      if (!waiting) return;
      worker.pending.delete(response.id);
      const settle = () => ('error' in response ? waiting.reject(new Error(response.error)) : waiting.resolve(response.blocks));
      if (worker.pending.size > 0) {
        settle();
        return;
      }
      // The last pending parse: stop the process, then answer. Parses requested meanwhile go to a
      // new process.
      if (this.worker === worker) this.worker = undefined;
      worker.answered.push(settle);
      child.disconnect();
    });
    child.on('error', (error) => worker.fail(error));
    child.on('exit', (code, signal) => {
      worker.fail(new Error(`parser process exited (${signal ?? `code ${code}`})`));
      for (const settle of worker.answered.splice(0)) settle();
    });
    return worker;
  }
}

interface ParserProcess {
  child: ChildProcess;
  /** Parses sent to this process and not answered yet. */
  pending: Map<number, { resolve: (blocks: Block[]) => void; reject: (error: Error) => void }>;
  /** Answers received, handed over once the process has exited. */
  answered: (() => void)[];
  /** Rejects every pending parse and stops the process. */
  fail: (error: Error) => void;
}

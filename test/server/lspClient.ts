// A minimal LSP client for end-to-end tests: starts `node dist/server.js --stdio`, speaks
// JSON-RPC over its stdio, records what the server publishes and mirrors the text of the
// documents it opens so edits from the server can be applied and sent back as changes.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { builtDist } from '../builtDist';
import {
  ConfigurationRequest,
  createProtocolConnection,
  DidChangeTextDocumentNotification,
  DidCloseTextDocumentNotification,
  DidOpenTextDocumentNotification,
  ExitNotification,
  InitializedNotification,
  InitializeRequest,
  LogMessageNotification,
  PublishDiagnosticsNotification,
  ShowMessageNotification,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  type ClientCapabilities,
  type InitializeResult,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
  type TextDocumentContentChangeEvent,
  type TextEdit,
} from 'vscode-languageserver-protocol/node';

export const ROOT = path.resolve(__dirname, '../..');
/** The bundled server: dist/ as `npm test` built it, or a private bundle (test/builtDist.ts). */
export function serverJs(): string {
  return builtDist().server;
}

/** Generous: a slow CI machine must never fail a test on time alone. */
export const WAIT_MS = 20_000;

export interface StartOptions {
  /** Advertise workspace.configuration (the client then answers every item with null). */
  configuration: boolean;
  /** Workspace folders (file URIs); none by default. */
  workspaceFolders?: string[];
  initializationOptions?: unknown;
  /** Advertise window.workDoneProgress and dynamic registration of watched files, as VS Code does. */
  workspaceClient?: boolean;
}

interface Waiter {
  description: string;
  test: () => boolean;
  resolve: () => void;
}

export class LspClient {
  readonly connection: ProtocolConnection;
  /** Every publishDiagnostics notification, in arrival order. */
  readonly published: PublishDiagnosticsParams[] = [];
  /** Every workspace/configuration request's items. */
  readonly configurationRequests: unknown[][] = [];
  /** Messages the server logged or showed, for failure reports. */
  readonly messages: string[] = [];
  readonly stderr: string[] = [];
  readonly texts = new Map<string, { text: string; version: number }>();
  /** $/progress values the server reported, in order (with workspaceClient). */
  readonly progress: { token: unknown; value: { kind: string; title?: string; message?: string; percentage?: number } }[] = [];
  /** client/registerCapability registrations (with workspaceClient). */
  readonly registrations: { method: string; registerOptions?: unknown }[] = [];
  /** Custom notifications by method, in order. */
  readonly notifications: { method: string; params: unknown }[] = [];
  /** The answer to one workspace/configuration item (null by default: "no such section"). */
  configurationAnswer: (item: { scopeUri?: string; section?: string }) => unknown = () => null;
  /** How long a wait may take before it fails (a long random run under load may want more). */
  waitMs = WAIT_MS;
  exitCode: number | null | undefined = undefined;
  private readonly exited: Promise<number | null>;
  private waiters: Waiter[] = [];

  private constructor(readonly child: ChildProcess) {
    this.exited = new Promise((resolve) => {
      child.once('exit', (code) => {
        this.exitCode = code;
        resolve(code);
      });
    });
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => this.stderr.push(chunk));
    this.connection = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    this.connection.onRequest(ConfigurationRequest.type, (params) => {
      this.configurationRequests.push(params.items);
      queueMicrotask(() => this.check());
      return params.items.map((item) => this.configurationAnswer(item));
    });
    this.connection.onNotification(PublishDiagnosticsNotification.type, (params) => {
      this.published.push(params);
      this.check();
    });
    this.connection.onNotification(LogMessageNotification.type, (p) => {
      this.messages.push(`log: ${p.message}`);
      this.check();
    });
    this.connection.onNotification(ShowMessageNotification.type, (p) => {
      this.messages.push(`show: ${p.message}`);
    });
    this.connection.onNotification('planmark/planChanged', () => undefined);
    this.connection.onNotification('planmark/workspacePlansChanged', (params) => {
      this.notifications.push({ method: 'planmark/workspacePlansChanged', params });
      this.check();
    });
    this.connection.onRequest('window/workDoneProgress/create', () => null);
    this.connection.onNotification('$/progress', (params: LspClient['progress'][number]) => {
      this.progress.push(params);
      this.check();
    });
    this.connection.onRequest('client/registerCapability', (params: { registrations: LspClient['registrations'] }) => {
      this.registrations.push(...params.registrations);
      return null;
    });
    this.connection.onError(([error]) => this.messages.push(`connection error: ${error.message}`));
    this.connection.listen();
  }

  static start(): LspClient {
    const child = spawn(process.execPath, [serverJs(), '--stdio'], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    return new LspClient(child);
  }

  async initialize(options: StartOptions): Promise<InitializeResult> {
    const capabilities: ClientCapabilities = {
      workspace: {
        ...(options.configuration ? { configuration: true, didChangeConfiguration: { dynamicRegistration: false } } : {}),
        ...(options.workspaceClient ? { didChangeWatchedFiles: { dynamicRegistration: true }, symbol: {} } : {}),
      },
      ...(options.workspaceClient ? { window: { workDoneProgress: true } } : {}),
      textDocument: {
        synchronization: { didSave: false },
        completion: { completionItem: { snippetSupport: false } },
        hover: { contentFormat: ['markdown', 'plaintext'] },
        rename: { prepareSupport: true },
        documentSymbol: { hierarchicalDocumentSymbolSupport: true },
        publishDiagnostics: { relatedInformation: true, versionSupport: true },
        codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix'] } } },
      },
    };
    const result = await this.within(
      this.connection.sendRequest(InitializeRequest.type, {
        processId: process.pid,
        rootUri: null,
        capabilities,
        workspaceFolders: options.workspaceFolders?.map((uri, i) => ({ uri, name: `folder${i}` })) ?? null,
        initializationOptions: options.initializationOptions,
      }),
      'the initialize response',
    );
    await this.connection.sendNotification(InitializedNotification.type, {});
    return result;
  }

  async open(uri: string, text: string, version = 1): Promise<void> {
    this.texts.set(uri, { text, version });
    // Every wait is bounded, sends too: a server gone mid-test fails the test rather than hanging it.
    await this.within(
      this.connection.sendNotification(DidOpenTextDocumentNotification.type, {
        textDocument: { uri, languageId: 'markdown', version, text },
      }),
      `didOpen of ${uri}`,
    );
  }

  async close(uri: string): Promise<void> {
    this.texts.delete(uri);
    await this.within(this.connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } }), `didClose of ${uri}`);
  }

  /** Sends incremental changes (each in the coordinates left by the previous one) and mirrors them. */
  async change(uri: string, changes: { range: TextEdit['range']; text: string }[]): Promise<number> {
    const doc = this.texts.get(uri);
    if (!doc) throw new Error(`${uri} is not open`);
    for (const c of changes) doc.text = applyOne(doc.text, c.range, c.text);
    doc.version++;
    const contentChanges: TextDocumentContentChangeEvent[] = changes.map((c) => ({ range: c.range, text: c.text }));
    await this.within(
      this.connection.sendNotification(DidChangeTextDocumentNotification.type, {
        textDocument: { uri, version: doc.version },
        contentChanges,
      }),
      `didChange of ${uri}`,
    );
    return doc.version;
  }

  /** Applies server-computed edits (all against the current text) as one incremental change. */
  async applyEdits(uri: string, edits: TextEdit[]): Promise<number> {
    const doc = this.texts.get(uri);
    if (!doc) throw new Error(`${uri} is not open`);
    // Apply from the end so earlier ranges stay valid, one change each.
    const sorted = [...edits].sort((a, b) => offsetAt(doc.text, b.range.start) - offsetAt(doc.text, a.range.start));
    return this.change(
      uri,
      sorted.map((e) => ({ range: e.range, text: e.newText })),
    );
  }

  text(uri: string): string {
    const doc = this.texts.get(uri);
    if (!doc) throw new Error(`${uri} is not open`);
    return doc.text;
  }

  /** The latest diagnostics published for a document that satisfy `accept`. */
  async diagnostics(
    uri: string,
    description: string,
    accept: (p: PublishDiagnosticsParams) => boolean = () => true,
  ): Promise<PublishDiagnosticsParams> {
    const find = () => [...this.published].reverse().find((p) => p.uri === uri && accept(p));
    await this.waitFor(`diagnostics for ${uri}: ${description}`, () => !!find());
    return find()!;
  }

  waitFor(description: string, test: () => boolean): Promise<void> {
    if (test()) return Promise.resolve();
    return this.within(
      new Promise<void>((resolve) => this.waiters.push({ description, test, resolve })),
      description,
    );
  }

  /** Re-evaluates waiters on something other than a notification (a polled request). */
  check(): void {
    this.waiters = this.waiters.filter((w) => {
      if (!w.test()) return true;
      w.resolve();
      return false;
    });
  }

  private cancelledRequests = 0;
  /**
   * Sends a request and its $/cancelRequest in one write to the server's stdin (a client that
   * cancels at once), so that the server has both before it can answer, however fast it is;
   * resolves with the error code of the answer (undefined: a result).
   */
  async sendCancelled(method: string, params: unknown): Promise<number | undefined> {
    const id = `cancelled-${++this.cancelledRequests}`;
    const frame = (message: object) => {
      const body = JSON.stringify({ jsonrpc: '2.0', ...message });
      return `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
    };
    const stdout = this.child.stdout!;
    let output = '';
    let listener: (chunk: Buffer) => void = () => undefined;
    const answer = new Promise<number | undefined>((resolve) => {
      listener = (chunk) => {
        output += chunk.toString('utf8');
        // Frames start with their header; a body never holds a raw CRLF.
        for (const m of output.matchAll(/Content-Length: (\d+)\r\n\r\n/g)) {
          const length = Number(m[1]);
          const body = Buffer.from(output.slice(m.index + m[0].length)).subarray(0, length);
          if (body.length < length) continue;
          const message = JSON.parse(body.toString('utf8')) as { id?: unknown; error?: { code: number } };
          if (message.id === id) resolve(message.error?.code);
        }
      };
      stdout.on('data', listener);
    });
    this.child.stdin!.write(frame({ id, method, params }) + frame({ method: '$/cancelRequest', params: { id } }));
    try {
      return await this.within(answer, `the answer to a cancelled ${method}`);
    } finally {
      stdout.off('data', listener);
    }
  }

  /** `promise`, or a clear failure after WAIT_MS. */
  within<T>(promise: Promise<T>, what: string): Promise<T> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`Timed out after ${this.waitMs} ms waiting for ${what}.\n${this.report()}`)), this.waitMs);
    });
    const exited = this.exited.then((code) => {
      throw new Error(`The server exited (code ${code}) while waiting for ${what}.\n${this.report()}`);
    });
    return Promise.race([promise, timeout, exited]).finally(() => clearTimeout(timer));
  }

  report(): string {
    const last = this.published.slice(-5).map((p) => `  ${p.uri} v${p.version}: ${p.diagnostics.map((d) => d.code).join(', ') || '(none)'}`);
    return [
      `Last diagnostics published:\n${last.join('\n') || '  (none)'}`,
      `Server messages:\n${this.messages.slice(-10).join('\n') || '  (none)'}`,
      `Server stderr:\n${this.stderr.join('').slice(-2000) || '  (none)'}`,
    ].join('\n');
  }

  /** shutdown + exit; resolves with the exit code. */
  async shutdown(): Promise<number | null> {
    await this.within(this.connection.sendRequest(ShutdownRequest.type), 'the shutdown response');
    await this.connection.sendNotification(ExitNotification.type);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const code = await Promise.race([
      this.exited,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`The server did not exit within ${WAIT_MS} ms of the exit notification.`)), WAIT_MS);
      }),
    ]).finally(() => clearTimeout(timer));
    this.connection.dispose();
    return code;
  }

  /** For `after` hooks: make sure the process is gone, whatever happened. */
  kill(): void {
    try {
      this.connection.dispose();
    } catch {
      // already disposed
    }
    if (this.exitCode === undefined && this.child.pid !== undefined) this.child.kill('SIGKILL');
  }
}

/** Where each line starts: a line ends at LF, CRLF or a lone CR, as LSP positions count them. */
function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) starts.push(i + 1);
  }
  return starts;
}

export function offsetAt(text: string, position: { line: number; character: number }): number {
  const starts = lineStarts(text);
  if (position.line >= starts.length) return text.length;
  return Math.min(starts[position.line] + position.character, text.length);
}

export function positionAt(text: string, offset: number): { line: number; character: number } {
  const starts = lineStarts(text);
  let line = 0;
  while (line + 1 < starts.length && starts[line + 1] <= offset) line++;
  return { line, character: offset - starts[line] };
}

/** Position `delta` characters into the `nth` occurrence of `needle` in `text`. */
export function positionOf(text: string, needle: string, delta = 0, nth = 0): { line: number; character: number } {
  let at = -1;
  for (let i = 0; i <= nth; i++) {
    at = text.indexOf(needle, at + 1);
    if (at < 0) throw new Error(`"${needle}" (#${nth}) is not in the document`);
  }
  return positionAt(text, at + delta);
}

function applyOne(text: string, range: TextEdit['range'], newText: string): string {
  return text.slice(0, offsetAt(text, range.start)) + newText + text.slice(offsetAt(text, range.end));
}

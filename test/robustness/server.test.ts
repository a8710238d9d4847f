// The language server over stdio, fed what breaks servers: a plan over planmark.maxFileSize,
// garbage and hostile documents edited with random incremental changes (ranges past the end of
// a line or of the document included, as clients sometimes send), and malformed requests.
// The server must survive all of it, keep answering, and never lose or desynchronise text: the
// diagnostics of an edited document equal those of a fresh open of the same final text.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { builtDist } from '../builtDist';
import fc from 'fast-check';
import { TextDocument } from 'vscode-languageserver-textdocument';
import {
  ConfigurationRequest,
  createProtocolConnection,
  DidChangeTextDocumentNotification,
  DidCloseTextDocumentNotification,
  DidOpenTextDocumentNotification,
  DocumentSymbolRequest,
  ExitNotification,
  HoverRequest,
  InitializedNotification,
  InitializeRequest,
  LogMessageNotification,
  PublishDiagnosticsNotification,
  ShowMessageNotification,
  ShowMessageRequest,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  type Diagnostic,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
  type TextDocumentContentChangeEvent,
} from 'vscode-languageserver-protocol/node';
import { PlanSummaryRequest, TaskGraphRequest } from '../../shared/protocol';
import { FIXTURE_TEXTS, HOSTILE_CHARS, HOSTILE_SNIPPETS, mutatedPlan } from './generators';
import { ROOT } from './harness';

const WAIT_MS = 30_000;
let serverJs: string;

before(() => {
  // dist/ as `npm test` built it before any test ran, or a private bundle (test/builtDist.ts).
  serverJs = builtDist().server;
});

/** A minimal LSP client: answers workspace/configuration with `settings`, records what comes back. */
class Client {
  readonly connection: ProtocolConnection;
  readonly published: PublishDiagnosticsParams[] = [];
  readonly shown: string[] = [];
  readonly logs: string[] = [];
  readonly stderr: string[] = [];
  configured = false;
  exitCode: number | null | undefined;
  private readonly exited: Promise<void>;
  private readonly docs = new Map<string, TextDocument>();

  constructor(
    readonly child: ChildProcess,
    settings: Record<string, unknown> | null,
  ) {
    this.exited = new Promise((resolve) =>
      child.once('exit', (code) => {
        this.exitCode = code;
        resolve();
      }),
    );
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => this.stderr.push(chunk));
    this.connection = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    this.connection.onRequest(ConfigurationRequest.type, (params) => {
      this.configured = true;
      return params.items.map(() => settings);
    });
    this.connection.onNotification(PublishDiagnosticsNotification.type, (p) => {
      this.published.push(p);
    });
    // window/showMessage, or window/showMessageRequest (what vscode-languageserver sends for
    // connection.window.show*Message): either way the user is told.
    this.connection.onNotification(ShowMessageNotification.type, (p) => {
      this.shown.push(p.message);
    });
    this.connection.onRequest(ShowMessageRequest.type, (p) => {
      this.shown.push(p.message);
      return null;
    });
    this.connection.onNotification(LogMessageNotification.type, (p) => {
      this.logs.push(p.message);
    });
    this.connection.onNotification('planmark/planChanged', () => undefined);
    this.connection.listen();
  }

  static async start(settings: Record<string, unknown> | null): Promise<Client> {
    const child = spawn(process.execPath, [serverJs, '--stdio'], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    const client = new Client(child, settings);
    await client.within(
      client.connection.sendRequest(InitializeRequest.type, {
        processId: process.pid,
        rootUri: null,
        workspaceFolders: null,
        capabilities: {
          workspace: { configuration: true },
          textDocument: { publishDiagnostics: { relatedInformation: true, versionSupport: true } },
        },
      }),
      'initialize',
    );
    await client.connection.sendNotification(InitializedNotification.type, {});
    // Settings arrive asynchronously after `initialized`: open nothing before they are in.
    await client.until('the workspace/configuration request', () => client.configured);
    await client.request(HoverRequest.method, { textDocument: { uri: 'file:///none.md' }, position: { line: 0, character: 0 } });
    return client;
  }

  text(uri: string): string {
    return this.docs.get(uri)!.getText();
  }

  version(uri: string): number {
    return this.docs.get(uri)!.version;
  }

  async open(uri: string, text: string): Promise<void> {
    this.docs.set(uri, TextDocument.create(uri, 'markdown', 1, text));
    await this.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'markdown', version: 1, text } });
  }

  /** Sends one didChange and mirrors it (see applyChange). */
  async change(uri: string, changes: TextDocumentContentChangeEvent[]): Promise<number> {
    const doc = this.docs.get(uri)!;
    const version = doc.version + 1;
    let text = doc.getText();
    for (const c of changes) text = applyChange(text, c);
    this.docs.set(uri, TextDocument.create(uri, 'markdown', version, text));
    await this.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges: changes });
    return version;
  }

  async close(uri: string): Promise<void> {
    this.docs.delete(uri);
    await this.connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
  }

  request<R>(method: string, params: unknown): Promise<R> {
    return this.within(this.connection.sendRequest(method, params) as Promise<R>, `the ${method} response`);
  }

  /** The last diagnostics published for `uri` that satisfy `accept`. */
  async diagnostics(uri: string, what: string, accept: (p: PublishDiagnosticsParams) => boolean): Promise<PublishDiagnosticsParams> {
    const find = () => [...this.published].reverse().find((p) => p.uri === uri && accept(p));
    await this.until(`diagnostics for ${uri}: ${what}`, () => !!find());
    return find()!;
  }

  async until(what: string, test: () => boolean): Promise<void> {
    const started = Date.now();
    while (!test()) {
      if (this.exitCode !== undefined) throw new Error(`The server exited (code ${this.exitCode}) while waiting for ${what}.\n${this.report()}`);
      if (Date.now() - started > WAIT_MS) throw new Error(`Timed out after ${WAIT_MS} ms waiting for ${what}.\n${this.report()}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  within<T>(promise: Promise<T>, what: string): Promise<T> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`Timed out after ${WAIT_MS} ms waiting for ${what}.\n${this.report()}`)), WAIT_MS);
    });
    const exited = this.exited.then(() => {
      throw new Error(`The server exited (code ${this.exitCode}) while waiting for ${what}.\n${this.report()}`);
    });
    return Promise.race([promise, timeout, exited]).finally(() => clearTimeout(timer));
  }

  report(): string {
    return `Shown: ${this.shown.join(' | ') || '(none)'}\nLog (last 5): ${this.logs.slice(-5).join(' | ') || '(none)'}\nStderr: ${this.stderr.join('').slice(-2000) || '(none)'}`;
  }

  async shutdown(): Promise<void> {
    await this.request(ShutdownRequest.method, undefined);
    await this.connection.sendNotification(ExitNotification.type);
    await this.within(this.exited, 'the server to exit');
    this.connection.dispose();
  }

  kill(): void {
    try {
      this.connection.dispose();
    } catch {
      // already disposed
    }
    if (this.exitCode === undefined) this.child.kill('SIGKILL');
  }
}

/**
 * One content change, as LSP defines it, with vscode-languageserver-textdocument's position
 * rules on a fresh document. Not TextDocument.update: its incremental line offsets came out
 * wrong (NaN offsets) after a run of edits to a text with lone CR line endings.
 */
function applyChange(text: string, change: TextDocumentContentChangeEvent): string {
  if (!('range' in change) || !change.range) return change.text;
  const doc = TextDocument.create('file:///mirror.md', 'markdown', 0, text);
  return text.slice(0, doc.offsetAt(change.range.start)) + change.text + text.slice(doc.offsetAt(change.range.end));
}

const at = (r: Diagnostic['range']) => `${r.start.line}:${r.start.character}-${r.end.line}:${r.end.character}`;

/** Diagnostics as document-independent lines: the URI in related locations and the version in data dropped. */
function comparable(diagnostics: Diagnostic[]): string[] {
  return diagnostics.map((d) => {
    const data = d.data && typeof d.data === 'object' ? JSON.stringify({ ...(d.data as object), version: undefined }) : '';
    const related = (d.relatedInformation ?? []).map((r) => `${at(r.location.range)} ${r.message}`).join('; ');
    return `${String(d.code)} ${at(d.range)} ${d.severity} ${d.message} ${data} [${related}]`;
  });
}

const FILLED = FIXTURE_TEXTS.find((f) => f.name === 'filled.plan.md')!.text;
const PROBLEMS = FIXTURE_TEXTS.find((f) => f.name === 'lsp/problems.plan.md')!.text;

describe('a plan over planmark.maxFileSize', () => {
  const MAX = 4000;
  let client: Client;
  const big = 'file:///work/plans/big.plan.md';
  const small = 'file:///work/plans/small.plan.md';

  before(async () => {
    assert.ok(FILLED.length > MAX && PROBLEMS.length > MAX);
    client = await Client.start({ maxFileSize: MAX, diagnosticsDelay: 0 });
  });
  after(() => client?.kill());

  test('is announced once, gets no analysis, and the server keeps serving other plans', async () => {
    await client.open(big, FILLED);
    const first = await client.diagnostics(big, 'the empty set for version 1', (p) => p.version === 1);
    assert.deepEqual(first.diagnostics, []);
    // Edits keep it over the limit: still nothing, and no second notice.
    for (let i = 0; i < 3; i++) {
      await client.change(big, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: `x${i}` }]);
    }
    await client.diagnostics(big, 'the empty set for version 4', (p) => p.version === 4 && p.diagnostics.length === 0);
    assert.deepEqual(await client.request(TaskGraphRequest.method, { uri: big }), null, 'no graph');
    assert.deepEqual(await client.request(PlanSummaryRequest.method, { uri: big }), null, 'no summary');
    const notices = client.shown.filter((m) => m.includes('maxFileSize'));
    assert.equal(notices.length, 1, `one notice, got: ${client.shown.join(' | ')}`);
    assert.match(notices[0], /big\.plan\.md/);
    assert.ok(client.published.filter((p) => p.uri === big).every((p) => p.diagnostics.length === 0), 'never any diagnostics for it');

    // Another plan, under the limit, is analysed as usual.
    // Under the limit in bytes, as the setting counts (the fixture's box-drawing characters are 3 bytes each).
    let problems = PROBLEMS.slice(0, MAX - 1);
    while (Buffer.byteLength(problems) >= MAX) problems = problems.slice(0, -1);
    await client.open(small, problems);
    const published = await client.diagnostics(small, 'diagnostics for version 1', (p) => p.version === 1);
    assert.ok(published.diagnostics.length > 0);
    assert.notEqual(await client.request(PlanSummaryRequest.method, { uri: small }), null);

    // Shrinking the big one under the limit brings its analysis back.
    await client.change(big, [{ range: { start: { line: 0, character: 0 }, end: { line: 1e6, character: 0 } }, text: '# Implementation Plan: Small\n' }]);
    const back = await client.diagnostics(big, 'analysis after shrinking', (p) => p.version === 5 && p.diagnostics.length > 0);
    assert.ok(back.diagnostics.some((d) => d.code === 'missing-section'));
  });

  // package.json promises that a plan over planmark.maxFileSize keeps navigation (regression:
  // server.ts planOf once refused every request for such a plan).
  test('navigation still works on it, as the setting promises', async () => {
    const uri = 'file:///work/plans/big-navigation.plan.md';
    await client.open(uri, FILLED);
    const symbols = await client.request<unknown[] | null>(DocumentSymbolRequest.method, { textDocument: { uri } });
    assert.ok(symbols && symbols.length > 0, `document symbols: ${JSON.stringify(symbols)}`);
  });

  // The setting is in bytes (regression: server.ts compared the UTF-16 length). 1,500 CJK
  // characters are 4,500 bytes of UTF-8 but 1,500 UTF-16 units.
  test('the limit is in bytes, as the setting says', async () => {
    const uri = 'file:///work/plans/cjk.plan.md';
    const text = `# Implementation Plan: 计划\n\n${'计'.repeat(1500)}\n`;
    assert.ok(Buffer.byteLength(text) > MAX && text.length < MAX);
    await client.open(uri, text);
    const published = await client.diagnostics(uri, 'version 1', (p) => p.version === 1);
    assert.deepEqual(published.diagnostics.map((d) => d.code), [], 'no analysis for a plan over the limit in bytes');
  });
});

/** One random incremental change: any range, some past the end of a line or of the document. */
const changeArb = fc.record({
  startLine: fc.oneof(fc.nat({ max: 400 }), fc.constant(1_000_000)),
  startChar: fc.oneof(fc.nat({ max: 120 }), fc.constant(1_000_000)),
  lines: fc.nat({ max: 4 }),
  endChar: fc.oneof(fc.nat({ max: 120 }), fc.constant(1_000_000)),
  text: fc.oneof(
    fc.constantFrom(...HOSTILE_CHARS, ...HOSTILE_SNIPPETS, ''),
    fc.string({ unit: 'binary', maxLength: 16 }),
    fc.array(fc.constantFrom(...HOSTILE_CHARS, ...HOSTILE_SNIPPETS), { maxLength: 5 }).map((a) => a.join('')),
  ),
});

type RandomChange = typeof changeArb extends fc.Arbitrary<infer T> ? T : never;

function toChange(doc: TextDocument, c: RandomChange): TextDocumentContentChangeEvent {
  const lineCount = doc.lineCount;
  // Mostly inside the document (modulo its size), sometimes far past its end.
  const startLine = c.startLine === 1_000_000 ? c.startLine : c.startLine % (lineCount + 1);
  const endLine = startLine === 1_000_000 ? startLine : startLine + c.lines;
  const start = { line: startLine, character: c.startChar };
  let end = { line: endLine, character: c.endChar };
  // A range must not end before it starts.
  if (end.line === start.line && end.character < start.character) end = { ...start };
  return { range: { start, end }, text: c.text };
}

/** Hostile starting texts: mutated fixtures, garbage, control characters, long hostile lines. */
const hostileDocs = (seed: number): [string, string][] => {
  const mutated = fc.sample(mutatedPlan, { numRuns: 4, seed }).map((c, i): [string, string] => [`mutated fixture ${i + 1}`, c.text]);
  const garbage = fc.sample(fc.string({ unit: 'binary', minLength: 2000, maxLength: 6000 }), { numRuns: 1, seed })[0];
  return [
    ...mutated,
    ['random UTF-16 (lone surrogates, controls)', '# Implementation Plan: garbage\n' + garbage],
    ['the filled plan with a BOM and CRLF', '\uFEFF' + FILLED.replace(/\n/g, '\r\n')],
    ['the filled plan with lone CR line endings', FILLED.replace(/\n/g, '\r')],
    ['3,000 NULs before the filled plan', '\u0000'.repeat(3000) + '\n' + FILLED],
    ['10,000-deep block quote and list', '# Implementation Plan: deep\n\n' + '> '.repeat(10_000) + 'TASK_001\n' + '- '.repeat(10_000) + 'x\n'],
    ['100,000 "*" and 50,000 backticks in a cell', '# Implementation Plan: long\n\n' + '*'.repeat(100_000) + '\n\n' + '| Task | Depends On |\n|---|---|\n| TASK_001 | ' + '`'.repeat(50_000) + ' |\n'],
  ];
};

describe('hostile documents edited at random', () => {
  let client: Client;
  before(async () => {
    client = await Client.start({ diagnosticsDelay: 0 });
  });
  after(() => client?.kill());

  const SEED = 20261124;
  const EDITS = 60;

  const docs = hostileDocs(SEED);
  test(`${EDITS} random didChange notifications to each of ${docs.length} hostile documents: the server survives and loses no text`, async () => {
    const disagreements: string[] = [];
    const changes = fc.sample(fc.array(changeArb, { minLength: 1, maxLength: 3 }), { numRuns: EDITS * docs.length, seed: SEED });
    const full = fc.sample(fc.nat({ max: 19 }), { numRuns: EDITS * docs.length, seed: SEED + 1 });
    for (const [i, [name, text]] of docs.entries()) {
      const uri = `file:///work/plans/hostile-${i}.plan.md`;
      await client.open(uri, text);
      for (let e = 0; e < EDITS; e++) {
        const k = i * EDITS + e;
        const events: TextDocumentContentChangeEvent[] = [];
        // Each change in the coordinates left by the previous one (mirror them one by one).
        let mirror = client.text(uri);
        for (const c of changes[k]) {
          const event = full[k] === 0 ? { text: mirror.slice(0, mirror.length >> 1) + c.text } : toChange(TextDocument.create(uri, 'markdown', 0, mirror), c);
          events.push(event);
          mirror = applyChange(mirror, event);
        }
        await client.change(uri, events);
      }
      const version = client.version(uri);
      // Still alive: it answers a request...
      await client.request(DocumentSymbolRequest.method, { textDocument: { uri } });
      // ...and its diagnostics for the final text equal those of a fresh open of that text.
      const edited = await client.diagnostics(uri, `version ${version}`, (p) => p.version === version);
      const freshUri = `file:///work/plans/fresh-${i}.plan.md`;
      await client.open(freshUri, client.text(uri));
      const fresh = await client.diagnostics(freshUri, 'version 1', (p) => p.version === 1);
      const a = comparable(edited.diagnostics);
      const b = comparable(fresh.diagnostics);
      const onlyEdited = a.filter((x) => !b.includes(x));
      const onlyFresh = b.filter((x) => !a.includes(x));
      if (onlyEdited.length || onlyFresh.length || a.length !== b.length) {
        disagreements.push(`${name}: only after the edits: ${JSON.stringify(onlyEdited)}; only on a fresh open: ${JSON.stringify(onlyFresh)}`);
      }
      await client.close(uri);
      await client.close(freshUri);
    }
    assert.equal(client.exitCode, undefined, 'the server is still running');
    assert.deepEqual(disagreements, [], 'the diagnostics of the edited documents and of a fresh open of the same text');
  });

  test('malformed requests and notifications are answered or ignored, never fatal', async () => {
    const uri = 'file:///work/plans/malformed.plan.md';
    await client.open(uri, FILLED);
    const bad: [string, unknown][] = [
      ['textDocument/hover', { textDocument: { uri }, position: null }],
      ['textDocument/hover', { textDocument: { uri }, position: { line: -5, character: -1 } }],
      ['textDocument/hover', { textDocument: { uri }, position: { line: 1.5, character: 'x' } }],
      ['textDocument/definition', { textDocument: null, position: { line: 0, character: 0 } }],
      ['textDocument/references', { textDocument: { uri }, position: { line: 3, character: 3 } }],
      ['textDocument/completion', { textDocument: { uri }, position: { line: 1e9, character: 1e9 } }],
      ['textDocument/rename', { textDocument: { uri }, position: { line: 3, character: 3 }, newName: null }],
      ['textDocument/prepareRename', { textDocument: { uri: 'file:///not-open.plan.md' }, position: { line: 0, character: 0 } }],
      ['textDocument/codeAction', { textDocument: { uri }, range: null, context: { diagnostics: [{ code: 'missing-section', source: 'planmark', data: { section: 42 } }, null] } }],
      ['textDocument/codeAction', { textDocument: { uri }, range: null, context: null }],
      ['textDocument/documentSymbol', {}],
      ['textDocument/foldingRange', null],
      [TaskGraphRequest.method, { uri: 42 }],
      ['planmark/syncDependencies', { uri, direction: 'sideways' }],
      ['planmark/insertSection', { uri, section: { not: 'a string' } }],
      ['planmark/addTask', { uri, id: 'TASK_900', dependsOn: 'TASK_001', step: 7 }],
      ['planmark/addTask', { uri, id: null }],
    ];
    for (const [method, params] of bad) {
      try {
        await client.request(method, params);
      } catch (error) {
        // An error response is an answer; only a dead server fails the test.
        if (client.exitCode !== undefined) throw error;
      }
    }
    const notifications: [string, unknown][] = [
      ['textDocument/didChange', { textDocument: { uri: 'file:///never-opened.plan.md', version: 2 }, contentChanges: [{ text: 'x' }] }],
      ['textDocument/didChange', { textDocument: { uri, version: 1 }, contentChanges: [{ range: { start: null, end: null }, text: 'x' }] }],
      ['textDocument/didChange', { textDocument: { uri, version: 1 }, contentChanges: null }],
      ['textDocument/didOpen', { textDocument: { uri: 'file:///x.plan.md', languageId: 'markdown', version: 1, text: null } }],
      ['textDocument/didClose', { textDocument: { uri: 'file:///never-opened.plan.md' } }],
      ['workspace/didChangeConfiguration', { settings: { planmark: 'nonsense' } }],
    ];
    for (const [method, params] of notifications) await client.connection.sendNotification(method, params);
    // Alive and in sync: a real change is still applied and analysed.
    const at = client.text(uri).indexOf('| TASK_004 | TASK_002') + '| TASK_004 | TASK_002'.length;
    const doc = TextDocument.create(uri, 'markdown', 0, client.text(uri));
    const version = await client.change(uri, [{ range: { start: doc.positionAt(at), end: doc.positionAt(at) }, text: ', TASK_077' }]);
    const published = await client.diagnostics(uri, `version ${version} naming TASK_077`, (p) => p.version === version);
    assert.ok(published.diagnostics.some((d) => d.code === 'unknown-task' && JSON.stringify(d.message).includes('TASK_077')), JSON.stringify(published.diagnostics.map((d) => d.message)));
    assert.equal(client.exitCode, undefined, 'the server is still running');
    await client.shutdown();
    assert.equal(client.exitCode, 0);
  });
});

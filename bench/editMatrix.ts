// The edit-kind × plan-size matrix of issue #16, through the language server over stdio: for each
// kind of edit people make (typing in a cell, Enter mid-table, rows inserted, deleted or pasted,
// ...), the time until the next hover is answered on the new text and until the diagnostics of
// the new version are published (beyond the debounce), as ratios to one markdown-it parse of the
// same text measured in the same run. Also: first diagnostics after opening, server memory with
// a 5,000-task plan open and after 50 structural edits, and the hostile sizes (a 4.8 MB plan on
// one line, a 20,000-task plan with a cycle). Run alone with `tsx bench/editMatrix.ts [sizes]`.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import MarkdownIt from 'markdown-it';
import { createProtocolConnection, StreamMessageReader, StreamMessageWriter, type ProtocolConnection } from 'vscode-languageserver-protocol/node';
import { generateChain, generatePlan } from './generatePlan';
import { parseMarkdown } from '../server/src/plan/blocks';
import { StatsRequest, type ServerStats } from '../shared/protocol';

const ROOT = path.resolve(__dirname, '..');
const DEBOUNCE = 50;
const markdownIt = new MarkdownIt();

export interface Budget {
  name: string;
  value: number;
  limit: number;
  unit: string;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function time(runs: number, fn: () => unknown): number {
  fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    fn();
    times.push(performance.now() - t);
  }
  return median(times);
}

interface Position {
  line: number;
  character: number;
}
interface Change {
  range: { start: Position; end: Position };
  text: string;
}

/** A server over stdio with one open document whose text the bench mirrors. */
class BenchServer {
  readonly connection: ProtocolConnection;
  private readonly waiting = new Map<number, (t: number) => void>();
  private readonly publishedAt = new Map<number, number>();
  lines: string[] = [];
  version = 1;
  /** The longest any request took to be answered. */
  slowest = 0;
  readonly uri = 'file:///bench/plans/matrix.plan.md';

  constructor(readonly child: ChildProcess) {
    child.stdin!.on('error', () => undefined);
    this.connection = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    this.connection.onNotification('textDocument/publishDiagnostics', (p: { version?: number }) => {
      if (p.version === undefined) return;
      this.publishedAt.set(p.version, performance.now());
      this.waiting.get(p.version)?.(performance.now());
    });
    this.connection.onRequest('workspace/configuration', () => [{ diagnosticsDelay: DEBOUNCE }]);
    this.connection.onRequest('window/workDoneProgress/create', () => null);
    this.connection.onRequest('window/showMessageRequest', () => null);
    this.connection.onNotification('window/logMessage', () => undefined);
    this.connection.onNotification('window/showMessage', () => undefined);
    this.connection.onNotification('planmark/planChanged', () => undefined);
    this.connection.listen();
  }

  static async start(): Promise<BenchServer> {
    const child = spawn(process.execPath, [path.join(ROOT, 'dist/server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
    const server = new BenchServer(child);
    await server.connection.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: { workspace: { configuration: true } } });
    void server.connection.sendNotification('initialized', {});
    await new Promise((r) => setTimeout(r, 100));
    return server;
  }

  published(version: number): Promise<number> {
    const at = this.publishedAt.get(version);
    if (at !== undefined) return Promise.resolve(at);
    return new Promise((resolve) => this.waiting.set(version, resolve));
  }

  /** Opens the text; resolves with the milliseconds to its first diagnostics. */
  async open(text: string): Promise<number> {
    this.lines = text.split('\n');
    this.version = 1;
    this.publishedAt.clear();
    const done = this.published(1);
    const sent = performance.now();
    void this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: this.uri, languageId: 'markdown', version: 1, text } });
    return (await done) - sent;
  }

  async close(): Promise<void> {
    await this.connection.sendNotification('textDocument/didClose', { textDocument: { uri: this.uri } });
  }

  /** Sends one change, then a hover: milliseconds to the hover's answer and to the diagnostics. */
  async edit(change: Change, hoverAt: Position): Promise<{ hover: number; diagnostics: number }> {
    this.apply(change);
    this.version++;
    const done = this.published(this.version);
    const sent = performance.now();
    void this.connection.sendNotification('textDocument/didChange', { textDocument: { uri: this.uri, version: this.version }, contentChanges: [change] });
    await this.connection.sendRequest('textDocument/hover', { textDocument: { uri: this.uri }, position: hoverAt });
    const hover = performance.now() - sent;
    this.slowest = Math.max(this.slowest, hover);
    const diagnostics = (await done) - sent - DEBOUNCE;
    return { hover, diagnostics };
  }

  async hover(at: Position): Promise<number> {
    const sent = performance.now();
    await this.connection.sendRequest('textDocument/hover', { textDocument: { uri: this.uri }, position: at });
    const ms = performance.now() - sent;
    this.slowest = Math.max(this.slowest, ms);
    return ms;
  }

  async stats(): Promise<ServerStats> {
    return (await this.connection.sendRequest(StatsRequest.method, {})) as ServerStats;
  }

  private apply(change: Change): void {
    const text = this.lines.join('\n');
    const offset = (p: Position) => {
      let o = 0;
      for (let i = 0; i < p.line; i++) o += this.lines[i].length + 1;
      return o + p.character;
    };
    const next = text.slice(0, offset(change.range.start)) + change.text + text.slice(offset(change.range.end));
    this.lines = next.split('\n');
  }

  async stop(): Promise<void> {
    try {
      await Promise.race([this.connection.sendRequest('shutdown'), new Promise((r) => setTimeout(r, 2000))]);
      await this.connection.sendNotification('exit').catch(() => undefined);
      await new Promise((r) => setTimeout(r, 50));
    } finally {
      this.connection.dispose();
      this.child.kill();
    }
  }
}

const idOf = (n: number) => `TASK_${String(n).padStart(4, '0')}`;
const at = (line: number, character: number): Position => ({ line, character });
const insert = (p: Position, text: string): Change => ({ range: { start: p, end: p }, text });
const remove = (from: Position, to: Position): Change => ({ range: { start: from, end: to }, text: '' });

/** An edit kind: the changes it sends (applied in turn, one notification each) and those that undo it. */
interface EditKind {
  name: string;
  changes: (lines: string[], size: number) => Change[];
}

function rowLine(lines: string[], n: number): number {
  return lines.findIndex((l) => l.startsWith(`| ${idOf(n)} |`));
}

function typeChars(p: Position, text: string): Change[] {
  return [...text].map((c, i) => insert(at(p.line, p.character + i), c));
}

const EDIT_KINDS: EditKind[] = [
  {
    name: 'type in a Depends On cell',
    changes: (lines, size) => {
      const row = rowLine(lines, Math.floor(size / 2));
      return typeChars(at(row, lines[row].lastIndexOf('|', lines[row].length - 2) - 1), ', TASK_0001');
    },
  },
  {
    name: 'type in prose',
    changes: (lines) => {
      const line = lines.findIndex((l) => l.startsWith('## Overview')) + 2;
      return typeChars(at(line, 0), 'More words ');
    },
  },
  {
    name: 'type in the mermaid graph',
    changes: (lines) => {
      const line = lines.findIndex((l) => l.startsWith('graph TD')) + 2;
      return typeChars(at(line, lines[line].length), ' & TASK_0002');
    },
  },
  {
    name: 'type a date',
    changes: (lines) => {
      const line = lines.findIndex((l) => /\d{4}-\d\d-\d\d/.test(l));
      const c = lines[line].search(/\d{4}-\d\d-\d\d/) + 9;
      return [remove(at(line, c), at(line, c + 1)), insert(at(line, c), '9')];
    },
  },
  {
    name: 'type **x** in a cell',
    changes: (lines, size) => {
      const row = rowLine(lines, Math.floor(size / 3));
      return typeChars(at(row, lines[row].length - 2), ' **x**');
    },
  },
  {
    name: 'type a disable comment in a row',
    changes: (lines, size) => {
      const row = rowLine(lines, Math.floor(size / 3) + 1);
      return typeChars(at(row, lines[row].length), ' <!-- planmark-disable-line unknown-task -->');
    },
  },
  {
    name: 'insert a row mid-table',
    changes: (lines, size) => [insert(at(rowLine(lines, Math.floor(size / 2)), 0), `| TASK_9${String(size).padStart(5, '0')} | ${idOf(1)} | 2 |\n`)],
  },
  {
    name: 'delete a row mid-table',
    changes: (lines, size) => {
      const row = rowLine(lines, Math.floor(size / 2) + 2);
      return [remove(at(row, 0), at(row + 1, 0))];
    },
  },
  {
    name: 'Enter mid-table (split it), then `|`',
    changes: (lines, size) => {
      const row = rowLine(lines, Math.floor(size / 2) - 3);
      return [insert(at(row, lines[row].length), '\n'), insert(at(row + 1, 0), '|')];
    },
  },
  {
    name: 'paste 50 rows mid-table',
    changes: (lines, size) => {
      let rows = '';
      for (let i = 0; i < 50; i++) rows += `| TASK_8${String(i).padStart(5, '0')} | ${idOf(1)} | 2 |\n`;
      return [insert(at(rowLine(lines, Math.floor(size / 2) - 5), 0), rows)];
    },
  },
  {
    name: 'paste a row after the last row',
    changes: (lines, size) => {
      const row = rowLine(lines, size);
      return [insert(at(row, lines[row].length), `\n| TASK_7${String(size).padStart(5, '0')} | ${idOf(size)} | 2 |`)];
    },
  },
];

/** One edit kind at one size: the median keystroke's figures and the worst one's, in ms. */
interface KindFigures {
  hover: number;
  diagnostics: number;
  worstHover: number;
  worstDiagnostics: number;
}

export interface MatrixResult {
  lines: string[];
  budgets: Budget[];
  /** The figures in ms by plan size, for bench/run.ts's JSON output and chart. */
  data: {
    sizes: number[];
    markdownIt: Record<number, number>;
    remark: Record<number, number>;
    firstDiagnostics: Record<number, number>;
    kinds: { name: string; hover: Record<number, number>; diagnostics: Record<number, number> }[];
  };
}

const fmt = (v: number | undefined) => (v === undefined || Number.isNaN(v) ? '—' : v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));

export async function benchEditMatrix(sizes: number[], log: (line: string) => void = console.log): Promise<MatrixResult> {
  const budgets: Budget[] = [];
  // The growth 1,000 → 5,000 tasks of each figure (linear is 5×), when both sizes are measured.
  const hasGrowth = sizes.includes(1000) && sizes.includes(5000);
  const grow = (figure: Map<number, number>) => (hasGrowth ? ` ${(figure.get(5000)! / figure.get(1000)!).toFixed(1)}× |` : '');
  const header = `| edit (median keystroke: hover ms / diagnostics ms beyond the debounce; × one markdown-it parse; worst keystroke) | ${sizes.map((s) => `${s.toLocaleString('en')} tasks`).join(' | ')} |${hasGrowth ? ' growth 1,000 → 5,000 (hover / diagnostics) |' : ''}`;
  const table: string[] = [header, `|---|${sizes.map(() => '---').join('|')}|${hasGrowth ? '---|' : ''}`];
  const perSize = new Map<number, Map<string, KindFigures>>();
  const mdit = new Map<number, number>();
  const remark = new Map<number, number>();
  const first = new Map<number, number>();
  let slowest = 0;
  for (const size of sizes) {
    const { text } = generatePlan(size);
    mdit.set(size, time(size >= 5000 ? 5 : 11, () => markdownIt.parse(text, {})));
    if (size <= 5000) remark.set(size, time(size >= 5000 ? 1 : 3, () => parseMarkdown(text)));
    log(`matrix: ${size} tasks (${(text.length / 1024).toFixed(0)} KiB), markdown-it ${fmt(mdit.get(size))} ms`);
    const server = await BenchServer.start();
    try {
      first.set(size, (await server.open(text)) - DEBOUNCE);
      const kinds = new Map<string, KindFigures>();
      for (const kind of EDIT_KINDS) {
        const hovers: number[] = [];
        const diagnostics: number[] = [];
        // At least three keystrokes of every kind, so that the median is not one sample.
        const perRep = kind.changes(server.lines, size).length;
        const reps = Math.max(size >= 20000 ? 1 : size >= 5000 ? 2 : 3, Math.ceil(3 / perRep));
        for (let r = 0; r < reps; r++) {
          // Each rep on the same growing document, as a user's edits accumulate.
          for (const change of kind.changes(server.lines, size)) {
            const hoverLine = rowLine(server.lines, 2);
            const result = await server.edit(change, at(Math.max(0, hoverLine), 3));
            hovers.push(result.hover);
            diagnostics.push(result.diagnostics);
          }
        }
        // The median keystroke of the kind, as the issue measured; the worst one is printed beside it
        // (and the slowest request of the whole run has its own budget).
        kinds.set(kind.name, { hover: median(hovers), diagnostics: median(diagnostics), worstHover: Math.max(...hovers), worstDiagnostics: Math.max(...diagnostics) });
        log(`  ${kind.name}: hover ${fmt(median(hovers))} ms (worst ${fmt(Math.max(...hovers))}), diagnostics ${fmt(median(diagnostics))} ms (worst ${fmt(Math.max(...diagnostics))}), ${hovers.length} keystrokes`);
      }
      perSize.set(size, kinds);
      if (size === 5000) {
        const before = await server.stats();
        log(`  memory with the 5,000-task plan open: RSS ${fmt(before.rss / 1048576)} MiB, heap ${fmt(before.heapUsed / 1048576)} MiB`);
      }
      slowest = Math.max(slowest, server.slowest);
    } finally {
      await server.stop();
    }
  }
  for (const kind of EDIT_KINDS) {
    const cells = sizes.map((s) => {
      const r = perSize.get(s)?.get(kind.name);
      if (!r) return '—';
      const m = mdit.get(s)!;
      return `${fmt(r.hover)} / ${fmt(r.diagnostics)} (${(r.hover / m).toFixed(2)}× / ${(r.diagnostics / m).toFixed(2)}×; worst ${fmt(r.worstHover)} / ${fmt(r.worstDiagnostics)})`;
    });
    const a = perSize.get(1000)?.get(kind.name);
    const b = perSize.get(5000)?.get(kind.name);
    const kindGrowth = hasGrowth && a && b ? ` ${(b.hover / a.hover).toFixed(1)}× / ${(b.diagnostics / a.diagnostics).toFixed(1)}× |` : hasGrowth ? ' — |' : '';
    table.push(`| ${kind.name} | ${cells.join(' | ')} |${kindGrowth}`);
    for (const s of sizes.filter((x) => x >= 1000)) {
      const r = perSize.get(s)?.get(kind.name);
      if (!r) continue;
      budgets.push({ name: `${s.toLocaleString('en')} tasks, ${kind.name}: next hover within 0.5× markdown-it`, value: r.hover, limit: mdit.get(s)! / 2, unit: 'ms' });
      budgets.push({ name: `${s.toLocaleString('en')} tasks, ${kind.name}: diagnostics within 1× markdown-it beyond the debounce`, value: r.diagnostics, limit: mdit.get(s)!, unit: 'ms' });
    }
  }
  table.push(`| one markdown-it parse | ${sizes.map((s) => fmt(mdit.get(s))).join(' | ')} |${grow(mdit)}`);
  table.push(`| one remark-parse + remark-gfm parse | ${sizes.map((s) => fmt(remark.get(s))).join(' | ')} |${grow(remark)}`);
  table.push(`| first diagnostics after opening (beyond the debounce) | ${sizes.map((s) => fmt(first.get(s))).join(' | ')} |${grow(first)}`);
  if (first.has(1000) && remark.has(1000)) {
    budgets.push({ name: '1,000 tasks: first diagnostics within 1.5× one remark parse', value: first.get(1000)!, limit: remark.get(1000)! * 1.5, unit: 'ms' });
  }
  const growth: string[] = [];
  if (perSize.has(1000) && perSize.has(5000)) {
    for (const kind of EDIT_KINDS) {
      const a = perSize.get(1000)!.get(kind.name)!;
      const b = perSize.get(5000)!.get(kind.name)!;
      growth.push(`${kind.name} ${(b.hover / a.hover).toFixed(1)}×`);
    }
    growth.push(`first diagnostics ${(first.get(5000)! / first.get(1000)!).toFixed(1)}×`, `markdown-it ${(mdit.get(5000)! / mdit.get(1000)!).toFixed(1)}×`);
  }

  // Memory: a 5,000-task plan open, then 50 structural edits.
  const memory: string[] = [];
  {
    const { text } = generatePlan(5000);
    const server = await BenchServer.start();
    try {
      await server.open(text);
      const open = await server.stats();
      let peak = open.rss;
      for (let i = 0; i < 50; i++) {
        const kind = EDIT_KINDS[6 + (i % 5)];
        const changes = kind.changes(server.lines, 5000);
        await server.edit(changes[0], at(3, 0));
        peak = Math.max(peak, (await server.stats()).rss);
      }
      const afterEdits = await server.stats();
      const reference = await markdownLanguageServiceHolding(text);
      const heap = (s: ServerStats) => `${fmt(s.heapUsed / 1048576)} MiB (of ${fmt((s.heapTotal ?? NaN) / 1048576)} reserved)`;
      memory.push(
        `| 5,000-task plan open | ${fmt(open.rss / 1048576)} MiB | ${heap(open)} |`,
        `| after 50 structural edits | ${fmt(afterEdits.rss / 1048576)} MiB (high-water ${fmt(peak / 1048576)}) | ${heap(afterEdits)} |`,
        `| VS Code's Markdown language service (vscode-markdown-languageservice + markdown-it) holding the same text, after symbols, folding, links and link diagnostics | ${fmt(reference / 1048576)} MiB | |`,
      );
      budgets.push({ name: '5,000 tasks open: server RSS', value: open.rss / 1048576, limit: 150, unit: 'MiB' });
      budgets.push({ name: '5,000 tasks: RSS after 50 structural edits within 1.2× of the open plan', value: afterEdits.rss / open.rss, limit: 1.2, unit: '×' });
      slowest = Math.max(slowest, server.slowest);
    } finally {
      await server.stop();
    }
  }

  // Hostile sizes.
  const hostile: string[] = [];
  {
    const server = await BenchServer.start();
    try {
      const unit = '| TASK_0001 | TASK_0002 | 3 | 😀 中文 ';
      const line = '# Implementation Plan: one line ' + unit.repeat(Math.ceil((4.8 * 1024 * 1024) / unit.length));
      const openMs = await Promise.race([server.open(line), new Promise<number>((r) => setTimeout(() => r(NaN), 30_000))]);
      const hover = await server.hover(at(0, 40));
      hostile.push(`| 4.8 MB plan on one line (over planmark.maxFileSize): first (empty) diagnostics ${fmt(openMs)} ms, hover ${fmt(hover)} ms |`);
      await server.close();
      const chain = generateChain(20000, true);
      const firstMs = (await server.open(chain)) - DEBOUNCE;
      const hover2 = await server.hover(at(10, 3));
      hostile.push(`| 20,000-task plan with a cycle: first diagnostics ${fmt(firstMs)} ms, then hover ${fmt(hover2)} ms |`);
      budgets.push({ name: '20,000-task plan with a cycle: first diagnostics within 2 s', value: firstMs, limit: 2000, unit: 'ms' });
      slowest = Math.max(slowest, server.slowest);
    } finally {
      await server.stop();
    }
  }
  budgets.push({ name: 'no request (hover) answered later than 2 s, at any size', value: slowest, limit: 2000, unit: 'ms' });

  const lines = [
    ...table,
    '',
    growth.length ? `Growth 1,000 → 5,000 tasks (hover; linear is 5×): ${growth.join(', ')}.` : '',
    '',
    '| memory | server RSS | server heap |',
    '|---|---|---|',
    ...memory,
    '',
    '| hostile input |',
    '|---|',
    ...hostile,
  ];
  const bySize = (figure: (s: number) => number | undefined) => Object.fromEntries(sizes.flatMap((s) => (figure(s) === undefined ? [] : [[s, figure(s)!]])));
  const data: MatrixResult['data'] = {
    sizes,
    markdownIt: bySize((s) => mdit.get(s)),
    remark: bySize((s) => remark.get(s)),
    firstDiagnostics: bySize((s) => first.get(s)),
    kinds: EDIT_KINDS.map((kind) => ({
      name: kind.name,
      hover: bySize((s) => perSize.get(s)?.get(kind.name)?.hover),
      diagnostics: bySize((s) => perSize.get(s)?.get(kind.name)?.diagnostics),
    })),
  };
  return { lines, budgets, data };
}

/**
 * RSS of VS Code's Markdown language service (vscode-markdown-languageservice with markdown-it, as
 * VS Code runs it) holding `text` after answering what an editor asks on open: the reference the
 * server's memory is compared with. Run in its own process (bench/markdownLanguageService.mjs).
 */
async function markdownLanguageServiceHolding(text: string): Promise<number> {
  const child = spawn(process.execPath, [path.join(__dirname, 'markdownLanguageService.mjs')], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stdin!.end(text);
  await new Promise((r) => child.once('exit', r));
  return (JSON.parse(out) as { rss: number }).rss;
}

if (require.main === module) {
  const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
  benchEditMatrix(sizes.length ? sizes : [100, 600, 1000, 5000, 20000]).then(({ lines, budgets }) => {
    console.log('\n' + lines.join('\n') + '\n');
    for (const b of budgets) console.log(`${b.value <= b.limit ? 'PASS' : 'FAIL'} ${b.name}: ${fmt(b.value)} ${b.unit} (limit ${fmt(b.limit)} ${b.unit})`);
    process.exit(0);
  });
}

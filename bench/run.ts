// `npm run bench`: the speed and memory of planmark on generated plans of 10 to 5,000 tasks,
// with three references measured on the same text in the same run (remark alone, markdown-it
// alone, a plain line scan) so figures compare across noisy machines. Prints a table, the
// growth from 1,000 to 5,000 tasks, the budgets with PASS/FAIL, and writes docs/performance.md,
// every figure to docs/performance.json and the charts drawn from it (bench/chart.ts).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import MarkdownIt from 'markdown-it';
import { createProtocolConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-languageserver-protocol/node';
import { generatePlan } from './generatePlan';
import { measureActivationDetails } from './activation';
import { benchLayout, layoutReport } from './layout';
import { benchEditMatrix } from './editMatrix';
import { benchCheckCli } from './checkCli';
import { writeCharts, type BenchJson } from './chart';
import { PlanDocument, mentionAt, type Plan } from '../server/src/plan';
import { parseMarkdown } from '../server/src/plan/blocks';
import { computeDiagnostics } from '../server/src/features/diagnostics';
import { complete } from '../server/src/features/completion';
import { hoverTask } from '../server/src/features/hover';
import { findDefinition } from '../server/src/features/definition';
import { renameTask } from '../server/src/features/rename';
import { documentSymbols } from '../server/src/features/documentSymbols';
import { buildTaskGraph } from '../server/src/features/taskGraph';
import { DEFAULT_SETTINGS } from '../shared/settings';
import { StatsRequest, type ServerStats } from '../shared/protocol';

const ROOT = path.resolve(__dirname, '..');
const quick = process.argv.includes('--quick');
const SIZES = quick ? [10, 100, 1000] : [10, 100, 1000, 5000];
const GRAPH_SIZES = [10, 100, 500, 1000];
const markdownIt = new MarkdownIt();

type Row = Record<string, number>;
const results = new Map<number, Row>();
const set = (size: number, key: string, value: number) => {
  const row = results.get(size) ?? {};
  row[key] = value;
  results.set(size, row);
};

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Median milliseconds of `fn`, after warm-up; `prepare` runs untimed before each call. */
function measure(runs: number, fn: () => unknown, prepare?: () => void, warmup = 2): number {
  for (let i = 0; i < warmup; i++) {
    prepare?.();
    fn();
  }
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    prepare?.();
    const t = performance.now();
    fn();
    times.push(performance.now() - t);
  }
  return median(times);
}

function runsFor(size: number, heavy = false): number {
  if (heavy) return size >= 5000 ? 3 : size >= 1000 ? 5 : 9;
  return size >= 5000 ? 15 : 25;
}

const idOf = (n: number) => `TASK_${String(n).padStart(4, '0')}`;

function benchCore(size: number): void {
  const { text } = generatePlan(size);
  set(size, 'kib', text.length / 1024);
  const heavyRuns = runsFor(size, true);
  set(size, 'ref.remark', measure(heavyRuns, () => parseMarkdown(text), undefined, 1));
  set(size, 'ref.markdownIt', measure(runsFor(size), () => markdownIt.parse(text, {})));
  set(
    size,
    'ref.lineScan',
    measure(runsFor(size), () => {
      let count = 0;
      for (const line of text.split('\n')) if (/TASK_\d+/.test(line)) count++;
      return count;
    }),
  );
  set(size, 'parse', measure(heavyRuns, () => new PlanDocument('file:///bench.plan.md', text, 1).plan, undefined, 1));

  // One document edited in place, as the server keeps it.
  const doc = new PlanDocument('file:///bench.plan.md', text, 1);
  let version = 1;
  let plan: Plan = doc.plan;
  // A fresh Plan (new version, same text) with cold analysis caches, as after an edit.
  const fresh = () => {
    doc.applyEdits([], ++version);
    plan = doc.plan;
  };
  const middle = idOf(Math.max(2, Math.floor(size / 2)));
  const rowStart = doc.text.indexOf(`| ${middle} |`);
  const cellOffset = doc.text.indexOf('|', rowStart + 2) + 2; // start of the Depends On cell
  const posIn = (p: Plan, offset: number) => p.lines.positionAt(offset);
  set(size, 'diagnostics', measure(runsFor(size), () => computeDiagnostics(plan, DEFAULT_SETTINGS), fresh));
  set(size, 'completion', measure(runsFor(size), () => complete(plan, posIn(plan, cellOffset + 4), DEFAULT_SETTINGS), fresh));
  set(size, 'hover', measure(runsFor(size), () => hoverTask(plan, posIn(plan, cellOffset + 2)), fresh));
  set(size, 'definition', measure(runsFor(size), () => findDefinition(plan, posIn(plan, cellOffset + 2)), fresh));
  set(size, 'rename', measure(runsFor(size), () => renameTask(plan, posIn(plan, rowStart + 4), 'TASK_9999'), fresh));
  set(size, 'symbols', measure(runsFor(size), () => documentSymbols(plan), fresh));
  set(size, 'graphPayload', measure(runsFor(size), () => buildTaskGraph(plan, []), fresh));

  // The headline: an edit, then the next request answered on the new text.
  let toggle = false;
  const editThen = (request: (p: Plan) => unknown) => () => {
    toggle = !toggle;
    const at = cellOffset + 2;
    doc.applyEdits([{ start: at, end: toggle ? at : at + 1, text: toggle ? ' ' : '' }], ++version);
    const p = doc.plan;
    request(p);
  };
  set(size, 'edit+hover', measure(runsFor(size), editThen((p) => hoverTask(p, posIn(p, cellOffset + 3)))));
  set(size, 'edit+completion', measure(runsFor(size), editThen((p) => complete(p, posIn(p, cellOffset + 3), DEFAULT_SETTINGS))));
  // An edit in prose and one in the mermaid graph, answered by a hover.
  const prose = doc.text.indexOf('## Objectives') + '## Objectives\n'.length;
  set(
    size,
    'proseEdit+hover',
    measure(runsFor(size), () => {
      toggle = !toggle;
      doc.applyEdits([{ start: prose, end: toggle ? prose : prose + 1, text: toggle ? 'x' : '' }], ++version);
      const p = doc.plan;
      const m = mentionAt(p, p.lines.offsetAt(posIn(p, cellOffset + 3)));
      return m && hoverTask(p, posIn(p, m.span.start));
    }),
  );
  const graphLine = doc.text.indexOf('graph TD\n') + 'graph TD\n'.length;
  set(
    size,
    'graphEdit+hover',
    measure(runsFor(size), () => {
      toggle = !toggle;
      doc.applyEdits([{ start: graphLine, end: toggle ? graphLine : graphLine + 1, text: toggle ? ' ' : '' }], ++version);
      const p = doc.plan;
      return hoverTask(p, posIn(p, cellOffset + 3));
    }),
  );
}

async function benchServer(size: number): Promise<void> {
  const { text } = generatePlan(size);
  const child = spawn(process.execPath, [path.join(ROOT, 'dist/server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const connection = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  const debounce = 50;
  const waiting = new Map<number, (t: number) => void>();
  connection.onNotification('textDocument/publishDiagnostics', (p: { version?: number }) => {
    if (p.version !== undefined) waiting.get(p.version)?.(performance.now());
  });
  connection.onRequest('workspace/configuration', () => [{ diagnosticsDelay: debounce }]);
  connection.onRequest('window/workDoneProgress/create', () => null);
  connection.onNotification('window/logMessage', () => undefined);
  connection.listen();
  try {
    await connection.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: { workspace: { configuration: true } } });
    connection.sendNotification('initialized', {});
    const uri = 'file:///bench/plans/bench.plan.md';
    const published = (version: number) => new Promise<number>((resolve) => waiting.set(version, resolve));
    let version = 1;
    const first = published(version);
    connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'markdown', version, text } });
    await first;
    const lines = text.split('\n');
    const row = lines.findIndex((l) => l.startsWith(`| ${idOf(Math.max(2, Math.floor(size / 2)))} |`));
    const column = lines[row].indexOf('|', 2) + 2;
    const times: number[] = [];
    for (let i = 0; i < runsFor(size) + 2; i++) {
      version++;
      const insert = i % 2 === 0;
      const done = published(version);
      const sent = performance.now();
      connection.sendNotification('textDocument/didChange', {
        textDocument: { uri, version },
        contentChanges: [
          {
            range: { start: { line: row, character: column }, end: { line: row, character: insert ? column : column + 1 } },
            text: insert ? ' ' : '',
          },
        ],
      });
      const at = await done;
      if (i >= 2) times.push(at - sent - debounce);
    }
    set(size, 'server.editToDiagnostics', median(times));
    const stats = (await connection.sendRequest(StatsRequest.method, {})) as ServerStats;
    set(size, 'server.rssMiB', stats.rss / 1048576);
    set(size, 'server.heapMiB', stats.heapUsed / 1048576);
    await connection.sendRequest('shutdown');
    const exited = new Promise((resolve) => child.once('exit', resolve));
    await connection.sendNotification('exit');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 2000))]);
  } finally {
    connection.dispose();
    child.kill();
  }
}

interface GraphFigures {
  editToPayload: number;
  render: number;
}

/** Edit -> diagnostics -> graph payload on the server, then the drawing in the webview page. */
async function benchGraphRender(): Promise<Map<number, GraphFigures> | string> {
  try {
    const { renderInChromium } = await import('../test/webview/renderHarness');
    const editToPayload = new Map<number, number>();
    const payloads = GRAPH_SIZES.map((n) => {
      const doc = new PlanDocument('file:///bench.plan.md', generatePlan(n).text, 1);
      const row = doc.text.indexOf(`| ${idOf(Math.max(2, Math.floor(n / 2)))} |`);
      const at = doc.text.indexOf('|', row + 2) + 2;
      let version = 1;
      let toggle = false;
      editToPayload.set(
        n,
        measure(runsFor(n), () => {
          toggle = !toggle;
          doc.applyEdits([{ start: at, end: toggle ? at : at + 1, text: toggle ? ' ' : '' }], ++version);
          return buildTaskGraph(doc.plan, computeDiagnostics(doc.plan, DEFAULT_SETTINGS));
        }),
      );
      return buildTaskGraph(doc.plan, computeDiagnostics(doc.plan, DEFAULT_SETTINGS));
    });
    // Warm the page once with another plan (an identical payload would keep its drawing), then measure.
    const warm = new PlanDocument('file:///warm.plan.md', generatePlan(20).text, 1);
    const measured = await renderInChromium([buildTaskGraph(warm.plan, []), ...payloads]);
    const out = new Map<number, GraphFigures>();
    GRAPH_SIZES.forEach((n, i) => out.set(n, { editToPayload: editToPayload.get(n)!, render: measured[i + 1].wallMs }));
    return out;
  } catch (error) {
    return `graph render not measured: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`;
  }
}

/** The webview's first paint at 10 and 500 tasks (plans of bench/generatePlan.ts, the server's payload). */
async function benchFirstPaint(): Promise<import('../test/webview/renderHarness').FirstPaint[] | string> {
  try {
    process.stdout.write('measuring the graph webview\'s first paint...\n');
    const { measureFirstPaint } = await import('../test/webview/renderHarness');
    const payloads = [10, 500].map((n) => {
      const doc = new PlanDocument(`file:///first-paint-${n}.plan.md`, generatePlan(n).text, 1);
      return buildTaskGraph(doc.plan, computeDiagnostics(doc.plan, DEFAULT_SETTINGS));
    });
    return await measureFirstPaint(payloads);
  } catch (error) {
    return `first paint not measured: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`;
  }
}

function fileSize(file: string): number | undefined {
  try {
    return fs.statSync(path.join(ROOT, file)).size;
  } catch {
    return undefined;
  }
}

const fmt = (v: number | undefined) => (v === undefined ? '—' : v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));

async function main() {
  const started = new Date();
  const startLoad = os.loadavg().map((l) => l.toFixed(1)).join(', ');
  console.log(`planmark bench — ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}`);
  for (const size of SIZES) {
    process.stdout.write(`measuring ${size} tasks...\n`);
    benchCore(size);
    await benchServer(size);
  }
  const graph = await benchGraphRender();
  const firstPaint = await benchFirstPaint();
  const layoutRows = await benchLayout([150, 500, 1000], (line) => process.stdout.write(line + '\n'));
  process.stdout.write('measuring extension activation in VS Code...\n');
  const activation = await measureActivationDetails();
  process.stdout.write('measuring the edit matrix over stdio...\n');
  const matrix = await benchEditMatrix(quick ? [100, 1000] : [100, 600, 1000, 5000, 20000], (line) => process.stdout.write(line + '\n'));
  process.stdout.write('measuring planmark check against markdownlint-cli2...\n');
  const check = await benchCheckCli(3, (line) => process.stdout.write(line + '\n'));

  const ops = [
    'parse',
    'diagnostics',
    'completion',
    'hover',
    'definition',
    'rename',
    'symbols',
    'graphPayload',
    'edit+hover',
    'edit+completion',
    'proseEdit+hover',
    'graphEdit+hover',
    'server.editToDiagnostics',
  ];
  const refs = ['ref.remark', 'ref.markdownIt', 'ref.lineScan'];
  const lines: string[] = [];
  const header = ['operation (median ms)', ...SIZES.map((s) => `${s} tasks`), 'growth 1k→5k'];
  lines.push(`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`);
  const big = SIZES[SIZES.length - 1];
  const growth = (key: string) => {
    const a = results.get(1000)?.[key];
    const b = results.get(big)?.[key];
    return a && b && big !== 1000 ? `${(b / a).toFixed(1)}×` : '—';
  };
  lines.push(`| plan size (KiB) | ${SIZES.map((s) => fmt(results.get(s)!.kib)).join(' | ')} | |`);
  for (const key of [...refs, ...ops]) {
    lines.push(`| ${key} | ${SIZES.map((s) => fmt(results.get(s)![key])).join(' | ')} | ${growth(key)} |`);
  }
  lines.push(`| server RSS (MiB) | ${SIZES.map((s) => fmt(results.get(s)!['server.rssMiB'])).join(' | ')} | ${growth('server.rssMiB')} |`);
  lines.push(`| server heap (MiB) | ${SIZES.map((s) => fmt(results.get(s)!['server.heapMiB'])).join(' | ')} | ${growth('server.heapMiB')} |`);

  const ratioLines: string[] = ['| operation | ' + SIZES.map((s) => `${s}: ×markdown-it`).join(' | ') + ' |', `|---|${SIZES.map(() => '---').join('|')}|`];
  for (const key of ['parse', 'diagnostics', 'edit+hover', 'edit+completion', 'proseEdit+hover', 'graphEdit+hover', 'server.editToDiagnostics']) {
    ratioLines.push(`| ${key} | ${SIZES.map((s) => (results.get(s)![key] / results.get(s)!['ref.markdownIt']).toFixed(2)).join(' | ')} |`);
  }
  const remarkRatio = SIZES.map((s) => `${s}: ${(results.get(s)!['ref.remark'] / results.get(s)!['ref.markdownIt']).toFixed(1)}×`).join(', ');

  const graphLines: string[] = [];
  if (typeof graph === 'string') graphLines.push(graph);
  else {
    graphLines.push(
      '| tasks | edit → graph payload (server, ms) | drawing in headless Chromium (ms) | edit → redrawn graph, without the debounce (ms) |',
      '|---|---|---|---|',
    );
    for (const [n, g] of graph) graphLines.push(`| ${n} | ${fmt(g.editToPayload)} | ${fmt(g.render)} | ${fmt(g.editToPayload + g.render)} |`);
  }
  if (typeof firstPaint === 'string') graphLines.push('', firstPaint);
  else {
    graphLines.push(
      '',
      'First paint of the graph webview (fresh page, graph posted on `ready`; from navigation start to the drawing, median of 3 pages):',
      '',
      '| tasks | first paint (ms) | drawn by | engine bundle (mermaid, ELK) loaded |',
      '|---|---|---|---|',
      ...firstPaint.map((f) => `| ${f.tasks} | ${fmt(f.ms)} | ${f.engine} | ${f.enginesLoaded ? 'yes' : 'no'} |`),
    );
  }
  const sizes = ['dist/server.js', 'dist/extension.js', 'dist/webview.js', 'dist/webview-engines.js', 'dist/cli.js', 'planmark.vsix'].map(
    (f) => `| ${f} | ${fileSize(f) === undefined ? 'not built' : `${(fileSize(f)! / 1024).toFixed(0)} KiB`} |`,
  );

  // Budgets.
  const budgets: { name: string; value: number; limit: number; unit: string }[] = [];
  const r1k = results.get(1000);
  if (r1k) {
    budgets.push({ name: '1,000 tasks: edit to diagnostics beyond the debounce', value: r1k['server.editToDiagnostics'], limit: 100, unit: 'ms' });
    for (const k of ['completion', 'hover', 'definition']) budgets.push({ name: `1,000 tasks: ${k}`, value: r1k[k], limit: 20, unit: 'ms' });
  }
  const r5k = results.get(5000);
  if (r5k) {
    const half = r5k['ref.markdownIt'] / 2;
    budgets.push({ name: '5,000 tasks: edit then hover, within half a markdown-it parse', value: r5k['edit+hover'], limit: half, unit: 'ms' });
    budgets.push({ name: '5,000 tasks: edit then completion, within half a markdown-it parse', value: r5k['edit+completion'], limit: half, unit: 'ms' });
    for (const k of ['diagnostics', 'completion', 'hover', 'rename', 'symbols', 'graphPayload', 'proseEdit+hover', 'graphEdit+hover', 'server.editToDiagnostics']) {
      budgets.push({ name: `5,000 tasks: ${k} blocks the server under 250 ms`, value: r5k[k], limit: 250, unit: 'ms' });
    }
  }
  if (typeof graph !== 'string' && graph.has(500)) budgets.push({ name: 'graph of 500 tasks drawn', value: graph.get(500)!.render, limit: 1000, unit: 'ms' });
  budgets.push(...matrix.budgets);
  budgets.push(...check.budgets);
  const budgetLines = budgets.map((b) => `| ${b.value <= b.limit ? 'PASS' : 'FAIL'} | ${b.name} | ${fmt(b.value)} ${b.unit} | ≤ ${fmt(b.limit)} ${b.unit} |`);

  const report = [
    '## Operations',
    '',
    ...lines,
    '',
    `remark-parse + remark-gfm against markdown-it on the same text: ${remarkRatio}.`,
    '',
    '## Ratios to one full markdown-it parse of the same text',
    '',
    ...ratioLines,
    '',
    '## Edit matrix: every edit kind through the server over stdio',
    '',
    'Each edit is sent as didChange, immediately followed by a hover; figures are the slowest keystroke of the kind',
    '(hover answered on the new text / diagnostics of the new version published, beyond a 50 ms debounce), and',
    'in brackets the same as multiples of one markdown-it parse of the same text measured in the same run (bench/editMatrix.ts).',
    '',
    ...matrix.lines,
    '',
    '## planmark check against markdownlint-cli2',
    '',
    'Both run end to end as a user runs them, on the same generated plans (each plan its own phase), alternating;',
    'planmark checks many files in worker threads, one per CPU (bench/checkCli.ts).',
    '',
    ...check.lines,
    '',
    '## Graph view',
    '',
    ...graphLines,
    '',
    '## Graph layout quality (built-in layered layout beside elkjs layered, same graphs)',
    '',
    ...layoutReport(layoutRows).lines,
    '',
    '## Extension activation (in a real VS Code)',
    '',
    typeof activation === 'string'
      ? activation
      : `${activation.backend}, VS Code ${activation.vscodeVersion}: activate() ${fmt(activation.activateMs)} ms; from opening a plan to its first planmark diagnostic (server start, parse, publish) ${fmt(activation.firstDiagnosticMs)} ms.`,
    '',
    '## Bundle sizes',
    '',
    '| file | size |',
    '|---|---|',
    ...sizes,
    '',
    '## Budgets',
    '',
    '| result | budget | measured | limit |',
    '|---|---|---|---|',
    ...budgetLines,
  ].join('\n');
  console.log('\n' + report + '\n');

  if (!quick) {
    const machine = `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Node ${process.version}, ${os.type()} ${os.release()}`;
    const load = os.loadavg().map((l) => l.toFixed(1)).join(', ');
    fs.mkdirSync(path.join(ROOT, 'docs'), { recursive: true });
    // Every figure as JSON; the charts are drawn from it (bench/chart.ts).
    const json: BenchJson & Record<string, unknown> = {
      date: started.toISOString(),
      machine,
      loadAverage: { atStart: startLoad, atEnd: load },
      sizes: SIZES,
      operations: Object.fromEntries([...refs, ...ops, 'server.rssMiB', 'server.heapMiB', 'kib'].map((k) => [k, Object.fromEntries(SIZES.map((size) => [size, results.get(size)![k]]))])),
      matrix: matrix.data,
      check: check.figures,
      budgets: budgets.map((b) => ({ ...b, pass: b.value <= b.limit })),
    };
    fs.writeFileSync(path.join(ROOT, 'docs/performance.json'), JSON.stringify(json, null, 1) + '\n');
    const charts = writeCharts(path.join(ROOT, 'docs/performance.json'));
    fs.writeFileSync(
      path.join(ROOT, 'docs/performance.md'),
      [
        '# Performance',
        '',
        `Measured by \`npm run bench\` on ${started.toISOString().slice(0, 16).replace('T', ' ')} UTC: ${machine}; load average ${startLoad} at the start, ${load} at the end`,
        '(the machine\'s other work slows every figure alike, so compare the ratios to the references measured in the same run).',
        'All figures are in docs/performance.json, and the charts are drawn from it (bench/chart.ts).',
        'Each figure is the median of repeated runs after warm-up, in milliseconds. Plans are generated by',
        '`bench/generatePlan.ts`: the template\'s prose sections, a task table, a mermaid graph of the same edges, and steps of ten tasks.',
        '"edit+hover" is the headline: apply an edit to the document, then answer a hover on the new text.',
        'Feature rows (diagnostics, completion, ...) run on a fresh model with cold analysis caches, as after an edit.',
        '',
        '![time against plan size](performance-chart.svg)',
        '',
        '![edit matrix: next hover and diagnostics against plan size, per edit kind](performance-matrix.svg)',
        '',
        report,
        '',
      ].join('\n'),
    );
    console.log(`wrote docs/performance.md, docs/performance.json, ${charts.map((c) => path.relative(ROOT, c)).join(', ')}`);
  }
  const failed = budgets.filter((b) => b.value > b.limit);
  console.log(failed.length ? `${failed.length} budget(s) missed.` : 'All budgets met.');
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

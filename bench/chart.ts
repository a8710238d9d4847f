// The charts of docs/performance.md, drawn from the figures `npm run bench` writes to
// docs/performance.json (never by hand): time against plan size on log-log axes.
//   docs/performance-chart.svg   operations in-process, with the references dashed
//   docs/performance-matrix.svg  the edit matrix over stdio: next hover and diagnostics per edit
//                                kind, with one markdown-it parse and the budgets (0.5× and 1× of it)
// Run alone with `tsx bench/chart.ts [docs/performance.json]`.
import fs from 'node:fs';
import path from 'node:path';

export interface BenchJson {
  sizes: number[];
  /** In-process operations: figure name → ms by plan size. */
  operations: Record<string, Record<number, number>>;
  matrix?: {
    sizes: number[];
    markdownIt: Record<number, number>;
    remark: Record<number, number>;
    firstDiagnostics: Record<number, number>;
    kinds: { name: string; hover: Record<number, number>; diagnostics: Record<number, number> }[];
  };
}

const COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf', '#393b79', '#637939', '#8c6d31', '#843c39', '#e6550d', '#31a354', '#756bb1'];

interface Series {
  label: string;
  points: Record<number, number>;
  color: string;
  dash?: string;
  width?: number;
}

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** One log-log panel at (ox, oy) of the given size; the legend is drawn by the caller. */
function panel(title: string, sizes: number[], series: Series[], ox: number, oy: number, w: number, h: number): string[] {
  const m = { l: 56, r: 10, t: 24, b: 40 };
  const values = series.flatMap((s) => Object.values(s.points)).filter((v) => v > 0 && Number.isFinite(v));
  const yMin = Math.floor(Math.log10(Math.min(...values)));
  const yMax = Math.ceil(Math.log10(Math.max(...values)));
  const x0 = Math.log10(sizes[0]);
  const x1 = Math.log10(sizes[sizes.length - 1]);
  const x = (v: number) => ox + m.l + ((Math.log10(v) - x0) / (x1 - x0 || 1)) * (w - m.l - m.r);
  const y = (v: number) => oy + h - m.b - ((Math.log10(Math.max(v, 10 ** yMin)) - yMin) / (yMax - yMin || 1)) * (h - m.t - m.b);
  const out = [`<text x="${ox + m.l}" y="${oy + 16}" font-weight="bold">${escape(title)}</text>`];
  for (let e = yMin; e <= yMax; e++) {
    const v = 10 ** e;
    out.push(`<line x1="${ox + m.l}" x2="${ox + w - m.r}" y1="${y(v)}" y2="${y(v)}" stroke="#ddd"/>`);
    out.push(`<text x="${ox + m.l - 6}" y="${y(v) + 4}" text-anchor="end">${v >= 1000 ? `${v / 1000} s` : v >= 1 ? `${v} ms` : `${v.toFixed(-e)} ms`}</text>`);
  }
  for (const s of sizes) {
    out.push(`<line x1="${x(s)}" x2="${x(s)}" y1="${oy + m.t}" y2="${oy + h - m.b}" stroke="#eee"/>`);
    out.push(`<text x="${x(s)}" y="${oy + h - m.b + 16}" text-anchor="middle">${s.toLocaleString('en')}</text>`);
  }
  out.push(`<text x="${ox + (w + m.l) / 2}" y="${oy + h - 8}" text-anchor="middle">tasks in the plan (log scale)</text>`);
  for (const s of series) {
    const pts = sizes.filter((n) => s.points[n] > 0).map((n) => `${x(n).toFixed(1)},${y(s.points[n]).toFixed(1)}`);
    if (pts.length === 0) continue;
    out.push(`<polyline points="${pts.join(' ')}" fill="none" stroke="${s.color}" stroke-width="${s.width ?? 1.5}"${s.dash ? ` stroke-dasharray="${s.dash}"` : ''}/>`);
    for (const p of pts) out.push(`<circle cx="${p.split(',')[0]}" cy="${p.split(',')[1]}" r="2" fill="${s.color}"/>`);
  }
  return out;
}

function legend(series: Series[], ox: number, oy: number): string[] {
  return series.flatMap((s, i) => [
    `<line x1="${ox}" x2="${ox + 26}" y1="${oy + i * 18}" y2="${oy + i * 18}" stroke="${s.color}" stroke-width="${s.width ?? 1.5}"${s.dash ? ` stroke-dasharray="${s.dash}"` : ''}/>`,
    `<text x="${ox + 32}" y="${oy + i * 18 + 4}">${escape(s.label)}</text>`,
  ]);
}

function svg(width: number, height: number, body: string[]): string {
  return [`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`, `<rect width="${width}" height="${height}" fill="white"/>`, ...body, '</svg>', ''].join('\n');
}

/** Operations in-process against plan size, the references dashed. */
export function operationsChart(json: BenchJson): string {
  const keys = ['parse', 'diagnostics', 'edit+hover', 'edit+completion', 'server.editToDiagnostics', 'ref.remark', 'ref.markdownIt', 'ref.lineScan'];
  const series: Series[] = keys
    .filter((k) => json.operations[k])
    .map((k, i) => ({ label: k.replace('ref.', 'reference: '), points: json.operations[k], color: COLORS[i], dash: k.startsWith('ref.') ? '6 4' : undefined }));
  return svg(760, 440, [...panel('In-process operations (median ms)', json.sizes, series, 0, 0, 560, 440), ...legend(series, 580, 40)]);
}

/** The edit matrix: hover and diagnostics per edit kind, with markdown-it and the budgets. */
export function matrixChart(json: BenchJson): string | undefined {
  const m = json.matrix;
  if (!m || m.sizes.length < 2) return undefined;
  const half = Object.fromEntries(Object.entries(m.markdownIt).map(([s, v]) => [s, v / 2]));
  const kinds: Series[] = m.kinds.map((k, i) => ({ label: k.name, points: {}, color: COLORS[i % COLORS.length] }));
  const refs = (budget: Record<number, number>, budgetLabel: string): Series[] => [
    { label: 'one markdown-it parse', points: m.markdownIt, color: '#000', dash: '6 4', width: 2 },
    { label: budgetLabel, points: budget, color: '#c00', dash: '2 3', width: 2 },
  ];
  const hover = [...m.kinds.map((k, i) => ({ ...kinds[i], points: k.hover })), ...refs(half, 'budget: 0.5× markdown-it')];
  const diagnostics = [...m.kinds.map((k, i) => ({ ...kinds[i], points: k.diagnostics })), ...refs(m.markdownIt, 'budget: 1× markdown-it')];
  const legendSeries = [...kinds, { label: 'one markdown-it parse', points: {}, color: '#000', dash: '6 4', width: 2 }, { label: 'budget (0.5× / 1× markdown-it)', points: {}, color: '#c00', dash: '2 3', width: 2 }];
  return svg(1160, 460, [
    ...panel('Edit, then the next hover answered (slowest keystroke, ms)', m.sizes, hover, 0, 0, 440, 460),
    ...panel('Edit, then its diagnostics published (beyond the debounce, ms)', m.sizes, diagnostics, 450, 0, 440, 460),
    ...legend(legendSeries, 905, 40),
  ]);
}

/** Writes the charts beside the JSON file; returns the files written. */
export function writeCharts(jsonFile: string): string[] {
  const json = JSON.parse(fs.readFileSync(jsonFile, 'utf8')) as BenchJson;
  const dir = path.dirname(jsonFile);
  const written = [path.join(dir, 'performance-chart.svg')];
  fs.writeFileSync(written[0], operationsChart(json));
  const matrix = matrixChart(json);
  if (matrix) {
    written.push(path.join(dir, 'performance-matrix.svg'));
    fs.writeFileSync(written[1], matrix);
  }
  return written;
}

if (require.main === module) {
  const file = process.argv[2] ?? path.join(__dirname, '..', 'docs', 'performance.json');
  console.log(`wrote ${writeCharts(file).join(', ')}`);
}

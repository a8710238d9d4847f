// `planmark check` against markdownlint-cli2 on the same files, each run end to end as a user runs
// it (`node bin/planmark.js check <dir>`, `npx markdownlint-cli2 "<dir>/**/*.md"` with its default
// configuration): 100 generated plans of 100 tasks, and one plan of 5,000 tasks. Runs of the two
// alternate, so that both see the same load; figures are medians of wall-clock times.
// Run alone with `tsx bench/checkCli.ts [runs]` (needs dist/cli.js: `npm run build`).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generatePlan } from './generatePlan';
import type { Budget } from './editMatrix';

const ROOT = path.resolve(__dirname, '..');
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Writes `count` plans of `tasks` tasks into a new folder; each plan is its own phase. */
function writePlans(dir: string, count: number, tasks: number): number {
  fs.mkdirSync(dir, { recursive: true });
  const { text } = generatePlan(tasks);
  let bytes = 0;
  for (let i = 1; i <= count; i++) {
    const plan = text
      .replace('# Implementation Plan: Phase 3 - Generated', `# Implementation Plan: Phase ${i} - Generated ${i}`)
      .replace('- **Phase:** 3', `- **Phase:** ${i}`);
    fs.writeFileSync(path.join(dir, `phase-${String(i).padStart(3, '0')}.plan.md`), plan);
    bytes += Buffer.byteLength(plan);
  }
  return bytes;
}

interface Tool {
  name: string;
  command: string;
  args: (dir: string) => string[];
  /** Exit statuses of a run that checked the files (problems found or not). */
  ok: number[];
}

const PLANMARK: Tool = { name: 'planmark check', command: process.execPath, args: (dir) => [path.join(ROOT, 'bin/planmark.js'), 'check', dir], ok: [0, 1] };
const MARKDOWNLINT: Tool = { name: 'markdownlint-cli2', command: npx, args: (dir) => ['markdownlint-cli2', `${dir}/**/*.md`], ok: [0, 1] };

function runOnce(tool: Tool, dir: string): number {
  const started = performance.now();
  const r = spawnSync(tool.command, tool.args(dir), { cwd: ROOT, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const ms = performance.now() - started;
  if (r.error || !tool.ok.includes(r.status ?? -1)) {
    throw new Error(`${tool.name} failed (status ${r.status}): ${r.error?.message ?? ''}${r.stderr.slice(0, 2000)}`);
  }
  return ms;
}

/** Median wall-clock ms of each tool on `dir`, runs alternating, after one untimed run of each. */
function compare(dir: string, runs: number): { planmark: number; markdownlint: number } {
  runOnce(PLANMARK, dir);
  runOnce(MARKDOWNLINT, dir);
  const p: number[] = [];
  const m: number[] = [];
  for (let i = 0; i < runs; i++) {
    p.push(runOnce(PLANMARK, dir));
    m.push(runOnce(MARKDOWNLINT, dir));
  }
  return { planmark: median(p), markdownlint: median(m) };
}

export interface CheckCliResult {
  lines: string[];
  budgets: Budget[];
  /** Medians in ms, for the JSON output and the chart. */
  figures: { name: string; files: number; kib: number; planmark: number; markdownlint: number }[];
}

const fmt = (v: number) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));

export async function benchCheckCli(runs = 5, log: (line: string) => void = console.log): Promise<CheckCliResult> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'planmark-bench-check-'));
  try {
    const cases = [
      { name: '100 plans of 100 tasks', dir: path.join(work, 'plans-100x100'), count: 100, tasks: 100 },
      { name: 'one plan of 5,000 tasks', dir: path.join(work, 'plan-5000'), count: 1, tasks: 5000 },
    ];
    const figures: CheckCliResult['figures'] = [];
    for (const c of cases) {
      const bytes = writePlans(c.dir, c.count, c.tasks);
      log(`check: ${c.name} (${(bytes / 1024).toFixed(0)} KiB), ${runs} runs of each tool...`);
      const r = compare(c.dir, runs);
      figures.push({ name: c.name, files: c.count, kib: bytes / 1024, ...r });
      log(`  planmark check ${fmt(r.planmark)} ms, markdownlint-cli2 ${fmt(r.markdownlint)} ms (${(r.planmark / r.markdownlint).toFixed(2)}×)`);
    }
    const lines = [
      `| files (\`planmark check <dir>\` against \`npx markdownlint-cli2 "<dir>/**/*.md"\`, wall clock, median of ${runs}) | planmark check | markdownlint-cli2 | ratio |`,
      '|---|---|---|---|',
      ...figures.map((f) => `| ${f.name} (${fmt(f.kib)} KiB) | ${fmt(f.planmark)} ms | ${fmt(f.markdownlint)} ms | ${(f.planmark / f.markdownlint).toFixed(2)}× |`),
    ];
    const many = figures[0];
    const budgets: Budget[] = [
      { name: 'planmark check over 100 plans of 100 tasks within 0.5× markdownlint-cli2 on the same files', value: many.planmark / many.markdownlint, limit: 0.5, unit: '×' },
    ];
    return { lines, budgets, figures };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const runs = Number(process.argv[2]) || 5;
  void benchCheckCli(runs).then(({ lines, budgets }) => {
    console.log('\n' + lines.join('\n') + '\n');
    for (const b of budgets) console.log(`${b.value <= b.limit ? 'PASS' : 'FAIL'} ${b.name}: ${fmt(b.value)} ${b.unit} (limit ${fmt(b.limit)} ${b.unit})`);
  });
}

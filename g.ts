import { parsePlan } from './server/src/plan';
import { computeDiagnostics } from './server/src/features/diagnostics';
import { DEFAULT_SETTINGS } from './shared/settings';
import { generateChain } from './bench/generatePlan';
import { findDependencyCycles, criticalPath } from './server/src/plan';
const which = process.argv[2];
const cases: Record<string, () => string> = {
  quotes: () => '# Implementation Plan\n' + '>'.repeat(10000) + ' x\n',
  lists: () => '# Implementation Plan\n' + Array.from({ length: 10000 }, (_, i) => ' '.repeat(i * 2) + '- a').join('\n'),
  line5mb: () => '# Implementation Plan\n' + 'TASK_001 '.repeat(580000),
  nul: () => '# Implementation Plan\n| Task | Depends On | Estimated Hours |\n|--|--|--|\n| TASK_001 | \u0000\ud800 | 3 |\n',
  chain: () => generateChain(20000),
  cycle: () => generateChain(20000, true),
};
const text = cases[which]();
const t = performance.now();
try {
  const plan = parsePlan(text);
  const d = computeDiagnostics(plan, DEFAULT_SETTINGS);
  console.log(which, 'ok', (performance.now() - t).toFixed(0), 'ms', d.length, 'diags', findDependencyCycles(plan).length, criticalPath(plan).hours);
} catch (e) { console.log(which, 'THREW', String(e).slice(0, 200), (performance.now() - t).toFixed(0)); }

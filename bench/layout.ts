// Layout quality and speed of the direct engine's layered layout (webview/src/layeredLayout.ts)
// beside elkjs's layered algorithm (the settings the webview uses for ELK), on the same graphs:
// "wide" (levels of 25 parallel tasks) and "deep" (a long chain with skip edges) of 150, 500 and
// 1,000 tasks, with node sizes from real labels. Prints crossings (pairs of edge routes that
// cross, edges sharing an end excluded), edges through nodes (routes passing through a node box
// that is not one of their ends) and the time (median of runs after a warm-up, same process).
// Run alone: npx tsx bench/layout.ts; `npm run bench` runs it too (bench/run.ts).
import { layoutWithLayered, type DirectLayout } from '../webview/src/directRenderer';
import { layoutWithElk } from '../webview/src/heavyLayouts';
import type { GraphModel } from '../webview/src/graphToMermaid';
import { routePolyline } from '../webview/src/layeredLayout';
import { benchGraph, countCrossings, edgesThroughNodes, type DrawnEdge, type NodeBox } from '../test/webview/layoutGeometry';

const WORDS = ['Set up', 'Design', 'Implement', 'Test', 'Document', 'Review', 'Migrate', 'Deploy'];
const THINGS = ['schema', 'API', 'parser', 'cache', 'auth', 'UI', 'CLI', 'metrics', 'queue', 'docs'];

/** Model and node sizes like the webview's (13 px font: ~7 px per character, 2 lines, padding 24/12). */
export function benchModel(shape: 'wide' | 'deep', n: number): { model: GraphModel; sizes: Map<string, { width: number; height: number }> } {
  const g = benchGraph(shape, n);
  const sizes = new Map<string, { width: number; height: number }>();
  const model: GraphModel = {
    direction: 'TD',
    nodes: g.nodes.map((task, i) => {
      const lines = [`${task} \u00b7 ${(i % 8) + 1}h`, `${WORDS[i % WORDS.length]} ${THINGS[(i * 7) % THINGS.length]}`];
      sizes.set(`n${i}`, { width: Math.ceil(Math.max(...lines.map((l) => l.length)) * 7) + 48, height: 2 * 19.5 + 24 });
      return { key: `n${i}`, task, lines, classes: [] };
    }),
    clusters: [],
    edges: g.edges.map(([a, b], index) => ({
      index,
      fromNode: `n${a}`,
      toNode: `n${b}`,
      from: g.nodes[a]!,
      to: g.nodes[b]!,
      source: 'both' as const,
      critical: false,
      inCycle: false,
    })),
    colors: { error: '#e51400', warning: '#bf8803', critical: '#d18616', match: '#3794ff' },
  };
  return { model, sizes };
}

/** The routes as the SVG draws them (curves flattened) and the node boxes. */
export function drawnGeometry(model: GraphModel, layout: DirectLayout): { edges: DrawnEdge[]; nodes: NodeBox[] } {
  const edges: DrawnEdge[] = model.edges.map((e) => ({
    from: e.fromNode,
    to: e.toNode,
    points: routePolyline(layout.edges[e.index] ?? [], layout.bands),
  }));
  const nodes: NodeBox[] = [...layout.nodes].map(([key, b]) => ({ key, ...b }));
  return { edges, nodes };
}

export interface LayoutRow {
  shape: 'wide' | 'deep';
  tasks: number;
  edges: number;
  layered: { crossings: number; through: number; ms: number };
  elk: { crossings: number; through: number; ms: number };
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

async function timed<T>(runs: number, fn: () => T | Promise<T>): Promise<{ value: T; ms: number }> {
  let value = await fn(); // warm-up
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    value = await fn();
    times.push(performance.now() - t0);
  }
  return { value, ms: median(times) };
}

export async function benchLayout(sizes = [150, 500, 1000], log: (line: string) => void = () => {}): Promise<LayoutRow[]> {
  const rows: LayoutRow[] = [];
  for (const shape of ['wide', 'deep'] as const) {
    for (const n of sizes) {
      log(`layout: ${shape} ${n} tasks...`);
      const { model, sizes: nodeSizes } = benchModel(shape, n);
      const runs = n >= 1000 ? 3 : 5;
      const ours = await timed(runs, () => layoutWithLayered(model, nodeSizes));
      const elk = await timed(runs, () => layoutWithElk(model, nodeSizes));
      const measure = (layout: DirectLayout) => {
        const geo = drawnGeometry(model, layout);
        return { crossings: countCrossings(geo.edges), through: edgesThroughNodes(geo.edges, geo.nodes).length };
      };
      rows.push({
        shape,
        tasks: n,
        edges: model.edges.length,
        layered: { ...measure(ours.value), ms: ours.ms },
        elk: { ...measure(elk.value), ms: elk.ms },
      });
    }
  }
  return rows;
}

const ratio = (a: number, b: number) => (b === 0 ? (a === 0 ? '1.00' : '∞') : (a / b).toFixed(2));

/** Markdown table of the rows, and whether the goal is met (<= 1.2x ELK's crossings, 0 through nodes, >= 10x faster). */
export function layoutReport(rows: LayoutRow[]): { lines: string[]; met: boolean } {
  const lines = [
    '| graph | tasks | edges | crossings: layered / ELK (ratio) | edges through nodes: layered / ELK | time ms: layered / ELK (speed-up) |',
    '|---|---|---|---|---|---|',
  ];
  let met = true;
  for (const r of rows) {
    const ok = r.layered.crossings <= 1.2 * r.elk.crossings && r.layered.through === 0 && r.elk.ms >= 10 * r.layered.ms;
    if (!ok) met = false;
    lines.push(
      `| ${r.shape} | ${r.tasks} | ${r.edges} | ${r.layered.crossings} / ${r.elk.crossings} (${ratio(r.layered.crossings, r.elk.crossings)}) | ${r.layered.through} / ${r.elk.through} | ${r.layered.ms.toFixed(1)} / ${r.elk.ms.toFixed(0)} (${(r.elk.ms / r.layered.ms).toFixed(0)}×) |`,
    );
  }
  lines.push('', `Goal (crossings <= 1.2× ELK's, no edge through a node, >= 10× faster than ELK): ${met ? 'met' : 'NOT met'}.`);
  return { lines, met };
}

if (require.main === module) {
  benchLayout([150, 500, 1000], (l) => process.stderr.write(l + '\n'))
    .then((rows) => console.log(layoutReport(rows).lines.join('\n')))
    .catch((e) => {
      console.error(e);
      process.exitCode = 1;
    });
}

// Prints webview render times (dagre vs ELK) for synthetic plans of 10, 100, 500 and 1,000 tasks.
// Run: npx tsx test/webview/measureRender.ts [repeats=3] [sizes=10,100,500,1000]
// dagre and ELK renders are interleaved in one page; each is repeated (min and median shown).
import type { GraphPayload } from '../../shared/protocol';
import { makePayload } from './payloads';
import { renderInChromium, type RenderMeasurement } from './renderHarness';

export interface LayoutTiming {
  layout: 'dagre' | 'elk' | 'auto';
  tasks: number;
  nodes: number;
  edges: number;
  minMs: number;
  medianMs: number;
  usedLayout: string;
}

export async function measureRenderTimes(sizes = [10, 100, 500, 1000], repeats = 3): Promise<LayoutTiming[]> {
  // One page; dagre and ELK runs are interleaved so both see the same machine load.
  const payloads: GraphPayload[] = [];
  const layouts: ('dagre' | 'elk')[] = [];
  for (let r = 0; r < repeats; r++) {
    for (const n of sizes) {
      for (const layout of ['dagre', 'elk'] as const) {
        payloads.push(makePayload(n, { version: payloads.length + 1 }));
        layouts.push(layout);
      }
    }
  }
  const results = await renderInChromium(payloads, { layouts });
  const out: LayoutTiming[] = [];
  for (const layout of ['dagre', 'elk'] as const) {
    for (const n of sizes) {
      const runs: RenderMeasurement[] = results.filter((x, i) => layouts[i] === layout && payloads[i]!.nodes.length === n);
      const ms = runs.map((x) => x.ms).sort((a, b) => a - b);
      out.push({
        layout,
        tasks: n,
        nodes: runs[0]!.nodes,
        edges: runs[0]!.edges,
        minMs: ms[0]!,
        medianMs: ms[Math.floor(ms.length / 2)]!,
        usedLayout: runs[0]!.layout,
      });
    }
  }
  return out;
}

if (require.main === module) {
  const repeats = Number(process.argv[2] ?? 3);
  const sizes = (process.argv[3] ?? '10,100,500,1000').split(',').map(Number);
  measureRenderTimes(sizes, repeats)
    .then((rows) => {
      console.log('| layout | tasks | nodes | edges | min ms | median ms |');
      console.log('|---|---:|---:|---:|---:|---:|');
      for (const r of rows) console.log(`| ${r.usedLayout} | ${r.tasks} | ${r.nodes} | ${r.edges} | ${r.minMs} | ${r.medianMs} |`);
    })
    .catch((e) => {
      console.error(e);
      process.exitCode = 1;
    });
}

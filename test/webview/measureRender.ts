// Prints webview render times for synthetic plans of 10, 100, 500 and 1,000 tasks, for each
// engine (mermaid, direct SVG) and layout (built-in layered, dagre, ELK), plus 'auto' (what the
// view picks). Run: npx tsx test/webview/measureRender.ts [repeats=3] [sizes=10,100,500,1000] [variants]
// variants: comma-separated engine/layout pairs, default
//   mermaid/dagre,mermaid/elk,direct/layered,direct/dagre,direct/elk,auto/auto
// All variants are interleaved in one page (each repeat renders every size with every variant),
// so they see the same machine load; min and median are shown. The first render of a layout in
// the page includes its start-up (ELK: ~0.3-1 s), which lands in the slowest repeat.
import type { GraphPayload } from '../../shared/protocol';
import { makePayload } from './payloads';
import { renderInChromium, type EngineOption, type LayoutOption, type RenderMeasurement } from './renderHarness';

export interface Variant {
  engine: EngineOption;
  layout: LayoutOption;
}

export interface LayoutTiming {
  engine: EngineOption;
  layout: LayoutOption;
  tasks: number;
  nodes: number;
  edges: number;
  minMs: number;
  medianMs: number;
  /** What the page used (for 'auto'). */
  usedEngine: string;
  usedLayout: string;
}

export const DEFAULT_VARIANTS: Variant[] = [
  { engine: 'mermaid', layout: 'dagre' },
  { engine: 'mermaid', layout: 'elk' },
  { engine: 'direct', layout: 'layered' },
  { engine: 'direct', layout: 'dagre' },
  { engine: 'direct', layout: 'elk' },
  { engine: 'auto', layout: 'auto' },
];

export async function measureRenderTimes(
  sizes = [10, 100, 500, 1000],
  repeats = 3,
  variants: Variant[] = DEFAULT_VARIANTS,
): Promise<LayoutTiming[]> {
  const payloads: GraphPayload[] = [];
  const layouts: LayoutOption[] = [];
  const engines: EngineOption[] = [];
  const variantOf: Variant[] = [];
  for (let r = 0; r < repeats; r++) {
    for (const n of sizes) {
      for (const v of variants) {
        // A new version and a different first label: an unchanged graph would not be redrawn.
        const p = makePayload(n, { version: payloads.length + 1 });
        if (p.nodes[0]) p.nodes[0].label = `Run ${payloads.length}`;
        payloads.push(p);
        layouts.push(v.layout);
        engines.push(v.engine);
        variantOf.push(v);
      }
    }
  }
  const results = await renderInChromium(payloads, { layouts, engines });
  const out: LayoutTiming[] = [];
  for (const v of variants) {
    for (const n of sizes) {
      const runs: RenderMeasurement[] = results.filter((_, i) => variantOf[i] === v && payloads[i]!.nodes.length === n);
      const ms = runs.map((x) => x.ms).sort((a, b) => a - b);
      out.push({
        engine: v.engine,
        layout: v.layout,
        tasks: n,
        nodes: runs[0]!.nodes,
        edges: runs[0]!.edges,
        minMs: ms[0]!,
        medianMs: ms[Math.floor(ms.length / 2)]!,
        usedEngine: runs[0]!.engine,
        usedLayout: runs[0]!.layout,
      });
    }
  }
  return out;
}

if (require.main === module) {
  const repeats = Number(process.argv[2] ?? 3);
  const sizes = (process.argv[3] ?? '10,100,500,1000').split(',').map(Number);
  const variants = process.argv[4]
    ? process.argv[4].split(',').map((s) => {
        const [engine, layout] = s.split('/') as [EngineOption, LayoutOption];
        return { engine, layout: layout ?? 'auto' };
      })
    : DEFAULT_VARIANTS;
  measureRenderTimes(sizes, repeats, variants)
    .then((rows) => {
      console.log('| engine/layout | used | tasks | nodes | edges | min ms | median ms |');
      console.log('|---|---|---:|---:|---:|---:|---:|');
      for (const r of rows) {
        console.log(
          `| ${r.engine}/${r.layout} | ${r.usedEngine}/${r.usedLayout} | ${r.tasks} | ${r.nodes} | ${r.edges} | ${r.minMs} | ${r.medianMs} |`,
        );
      }
    })
    .catch((e) => {
      console.error(e);
      process.exitCode = 1;
    });
}

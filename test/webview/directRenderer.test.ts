// The DOM-free parts of the direct SVG renderer: layouts, path data, CSS-safe theme values.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { layoutWithLayered, pathData, themeFont, type DirectLayout } from '../../webview/src/directRenderer';
import { layoutWithDagre, layoutWithElk } from '../../webview/src/heavyLayouts';
import { layeredLayout } from '../../webview/src/layeredLayout';
import { graphToMermaid, type GraphModel } from '../../webview/src/graphToMermaid';
import type { ThemeInfo } from '../../webview/src/theme';
import { makePayload } from './payloads';

const theme = (fontFamily: string, fontSize: string): ThemeInfo => ({
  kind: 'dark',
  mermaidTheme: 'base',
  themeVariables: { fontFamily, fontSize },
  colors: { error: '#f14c4c', warning: '#cca700', critical: '#d18616', match: '#3794ff' },
  background: '#1e1e1e',
});

function model(n: number, groupBySteps = false, direction: 'TD' | 'LR' = 'TD'): GraphModel {
  return graphToMermaid(makePayload(n, { cycle: true, undefinedTask: true, perStep: 6 }), { direction, groupBySteps, filter: '' }).model;
}

const sizes = (m: GraphModel) => new Map(m.nodes.map((n) => [n.key, { width: 120 + n.lines[0]!.length, height: 54 }]));

/** Every route starts on its source's border and ends on its target's; boxes do not overlap. */
function assertConsistent(m: GraphModel, layout: DirectLayout): void {
  assert.equal(layout.nodes.size, m.nodes.length);
  const onBorder = (p: { x: number; y: number }, key: string) => {
    const b = layout.nodes.get(key)!;
    const dx = Math.abs(p.x - b.x) - b.width / 2;
    const dy = Math.abs(p.y - b.y) - b.height / 2;
    return Math.max(dx, dy) > -1.5 && Math.max(dx, dy) < 1.5;
  };
  for (const e of m.edges) {
    const route = layout.edges[e.index]!;
    assert.ok(route && route.length >= 2, `edge ${e.index} routed`);
    assert.ok(onBorder(route[0]!, e.fromNode), `edge ${e.fromNode}->${e.toNode} starts on ${e.fromNode}: ${JSON.stringify(route[0])}`);
    assert.ok(onBorder(route.at(-1)!, e.toNode), `edge ${e.fromNode}->${e.toNode} ends on ${e.toNode}: ${JSON.stringify(route.at(-1))}`);
  }
  const boxes = [...layout.nodes.values()];
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i]!;
      const b = boxes[j]!;
      const overlap = Math.abs(a.x - b.x) < (a.width + b.width) / 2 - 1 && Math.abs(a.y - b.y) < (a.height + b.height) / 2 - 1;
      assert.ok(!overlap, 'nodes do not overlap');
    }
  }
  for (const cl of m.clusters) {
    const c = layout.clusters.get(cl.key)!;
    for (const k of cl.nodes) {
      const b = layout.nodes.get(k)!;
      assert.ok(Math.abs(b.x - c.x) + b.width / 2 <= c.width / 2 + 1 && Math.abs(b.y - c.y) + b.height / 2 <= c.height / 2 + 1, `${k} inside ${cl.key}`);
    }
  }
}

describe('direct renderer layouts', () => {
  for (const groupBySteps of [false, true]) {
    for (const direction of ['TD', 'LR'] as const) {
      it(`ELK routes every edge between its nodes (grouped: ${groupBySteps}, ${direction})`, async () => {
        const m = model(40, groupBySteps, direction);
        assertConsistent(m, await layoutWithElk(m, sizes(m)));
      });
      it(`dagre routes every edge between its nodes (grouped: ${groupBySteps}, ${direction})`, () => {
        const m = model(40, groupBySteps, direction);
        const layout = layoutWithDagre(m, sizes(m));
        assert.equal(layout.nodes.size, m.nodes.length);
        for (const e of m.edges) assert.ok((layout.edges[e.index]?.length ?? 0) >= 2, `edge ${e.index} routed`);
      });
    }
  }
});

describe('built-in layered layout', () => {
  for (const direction of ['TD', 'LR'] as const) {
    it(`routes every edge between its nodes without overlapping nodes (${direction})`, () => {
      const m = model(60, false, direction);
      const layout = layoutWithLayered(m, sizes(m));
      assertConsistent(m, layout);
      // Edges that close no cycle run forward (down, or right for LR).
      const along = (k: string) => (direction === 'LR' ? layout.nodes.get(k)!.x : layout.nodes.get(k)!.y);
      const forward = m.edges.filter((e) => !e.inCycle);
      assert.ok(forward.every((e) => along(e.fromNode) < along(e.toNode)), 'dependencies above (left of) their dependents');
    });
  }

  for (const direction of ['TD', 'LR'] as const) {
    it(`stacks step boxes in step order without overlaps (${direction})`, () => {
      const m = model(60, true, direction);
      const layout = layoutWithLayered(m, sizes(m));
      assertConsistent(m, layout);
      assert.equal(layout.clusters.size, m.clusters.length);
      const boxes = m.clusters.map((c) => layout.clusters.get(c.key)!);
      for (let i = 1; i < boxes.length; i++) {
        const a = boxes[i - 1]!;
        const b = boxes[i]!;
        if (direction === 'TD') assert.ok(a.y + a.height / 2 <= b.y - b.height / 2, `box ${i} below box ${i - 1}`);
        else assert.ok(a.x + a.width / 2 <= b.x - b.width / 2, `box ${i} right of box ${i - 1}`);
      }
      // The undefined task has no step: outside every box.
      const loose = m.nodes.find((n) => n.cluster === undefined)!;
      const p = layout.nodes.get(loose.key)!;
      assert.ok(boxes.every((b) => Math.abs(p.x - b.x) > b.width / 2 || Math.abs(p.y - b.y) > b.height / 2), 'loose node outside the boxes');
    });
  }

  it('handles self-loops, two-cycles, isolated nodes and an empty graph', () => {
    const nodes = ['a', 'b', 'c', 'd'].map((key) => ({ key, width: 100, height: 40 }));
    const edges = [
      { index: 0, from: 'a', to: 'b' },
      { index: 1, from: 'b', to: 'a' },
      { index: 2, from: 'c', to: 'c' },
      { index: 3, from: 'b', to: 'missing' },
    ];
    const r = layeredLayout(nodes, edges, { direction: 'TD', nodeSep: 40, rankSep: 50, edgeSep: 10 });
    assert.equal(r.nodes.size, 4);
    assert.equal(r.edges[0]!.length >= 2 && r.edges[1]!.length >= 2, true);
    assert.equal(r.edges[2]!.length, 4, 'self-loop drawn beside its node');
    assert.equal(r.edges[3], undefined, 'edge to an unknown node skipped');
    const a = r.nodes.get('a')!;
    const b = r.nodes.get('b')!;
    assert.ok(a.y < b.y, 'a above b (b -> a closes the cycle)');
    assert.deepEqual(r.edges[1]!.at(-1), { x: a.x + 8, y: a.y + a.height / 2 }, 'the back edge enters a from below, beside the forward one');
    const empty = layeredLayout([], [], { direction: 'LR', nodeSep: 40, rankSep: 50, edgeSep: 10 });
    assert.equal(empty.nodes.size, 0);
  });

  // A hang guard in CPU time (wall time on a loaded CI machine is no measure), with far more
  // than 10x headroom over the idle figure; speed itself is measured by bench/layout.ts.
  it('lays out a 1,000-task chain with skip edges (1,000 ranks) without running away', () => {
    const nodes = Array.from({ length: 1000 }, (_, i) => ({ key: `n${i}`, width: 150, height: 54 }));
    const edges: { index: number; from: string; to: string }[] = [];
    for (let i = 1; i < 1000; i++) {
      edges.push({ index: edges.length, from: `n${i - 1}`, to: `n${i}` });
      if (i > 12 && i % 3 === 0) edges.push({ index: edges.length, from: `n${i - 11}`, to: `n${i}` });
    }
    const cpu0 = process.cpuUsage();
    const r = layeredLayout(nodes, edges, { direction: 'TD', nodeSep: 40, rankSep: 50, edgeSep: 12 });
    const cpu = process.cpuUsage(cpu0);
    const cpuMs = (cpu.user + cpu.system) / 1000;
    assert.equal(r.nodes.size, 1000);
    assert.ok(cpuMs < 30_000, `${Math.round(cpuMs)} ms of CPU time (hang guard: 30 s)`);
  });
});

describe('direct renderer output helpers', () => {
  it('writes straight or B-spline path data', () => {
    const pts = [{ x: 0, y: 0 }, { x: 0, y: 10 }, { x: 10, y: 10 }];
    assert.equal(pathData(pts, false), 'M0,0L0,10L10,10');
    const curved = pathData(pts, true);
    assert.match(curved, /^M0,0L0,1\.7C.*L10,10$/);
    assert.equal(pathData([], true), '');
  });

  it('keeps only CSS-safe characters of the theme font and falls back on odd sizes', () => {
    assert.deepEqual(themeFont(theme('"Segoe UI", Ubuntu, sans-serif', '13px')), { family: '"Segoe UI", Ubuntu, sans-serif', size: 13 });
    const hostile = themeFont(theme('x;}</style><script>alert(1)</script>{', '12px;color:red'));
    assert.ok(!/[;{}<>()\\/]/.test(hostile.family), hostile.family);
    assert.equal(hostile.size, 13);
    assert.equal(themeFont(theme('', '')).family, 'sans-serif');
  });
});

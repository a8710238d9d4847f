// The DOM-free parts of the direct SVG renderer: layouts, path data, CSS-safe theme values.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { layoutWithDagre, layoutWithElk, pathData, themeFont, type DirectLayout } from '../../webview/src/directRenderer';
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

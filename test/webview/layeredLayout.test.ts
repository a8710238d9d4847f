// The built-in layered layout's drawing quality: no edge passes through a node box that is not
// one of its ends (as drawn: curves flattened), and crossings stay near ELK's on the same graph.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { benchModel, drawnGeometry } from '../../bench/layout';
import { layoutWithLayered } from '../../webview/src/directRenderer';
import { layoutWithElk } from '../../webview/src/heavyLayouts';
import { graphToMermaid } from '../../webview/src/graphToMermaid';
import { bandPathData, layeredLayout, routePolyline } from '../../webview/src/layeredLayout';
import { countCrossings, edgesThroughNodes, segmentHitsBox } from './layoutGeometry';
import { makePayload } from './payloads';

describe('layered layout: edges keep out of node boxes', () => {
  it('detects a segment through a box (the check itself can fail)', () => {
    const box = { key: 'b', x: 50, y: 50, width: 20, height: 10 };
    assert.equal(segmentHitsBox({ x: 0, y: 50 }, { x: 100, y: 50 }, box), true);
    assert.equal(segmentHitsBox({ x: 0, y: 0 }, { x: 100, y: 0 }, box), false);
    assert.equal(segmentHitsBox({ x: 43, y: 40 }, { x: 43, y: 60 }, box), true, 'near the border is inside');
    const through = edgesThroughNodes([{ from: 'a', to: 'c', points: [{ x: 0, y: 50 }, { x: 100, y: 50 }] }], [box]);
    assert.deepEqual(through, [{ from: 'a', to: 'c', node: 'b' }]);
  });

  for (const shape of ['wide', 'deep'] as const) {
    for (const direction of ['TD', 'LR'] as const) {
      it(`routes no edge through a node: ${shape} graph of 1,000 tasks, ${direction}`, () => {
        const { model, sizes } = benchModel(shape, 1000);
        model.direction = direction;
        const layout = layoutWithLayered(model, sizes);
        const geo = drawnGeometry(model, layout);
        assert.equal(geo.edges.length, model.edges.length);
        assert.deepEqual(edgesThroughNodes(geo.edges, geo.nodes).slice(0, 5), []);
      });
    }
  }

  for (const groupBySteps of [false, true]) {
    it(`routes no edge through a node with cycles, undefined tasks${groupBySteps ? ' and step boxes' : ''} (500 tasks)`, () => {
      const payload = makePayload(500, { cycle: true, undefinedTask: true, perStep: 7 });
      const { model } = graphToMermaid(payload, { direction: 'TD', groupBySteps, filter: '' });
      const sizes = new Map(model.nodes.map((n, i) => [n.key, { width: 120 + (i % 5) * 30, height: 40 + (i % 3) * 20 }]));
      const layout = layoutWithLayered(model, sizes);
      const geo = drawnGeometry(model, layout);
      assert.deepEqual(edgesThroughNodes(geo.edges, geo.nodes).slice(0, 5), []);
    });
  }

  it('draws straight runs inside ranks and curves between them', () => {
    const nodes = ['a', 'b', 'c', 'd'].map((key) => ({ key, width: 100, height: 40 }));
    const edges = [
      { index: 0, from: 'a', to: 'b' },
      { index: 1, from: 'b', to: 'c' },
      { index: 2, from: 'a', to: 'c' },
      { index: 3, from: 'a', to: 'd' },
    ];
    const r = layeredLayout(nodes, edges, { direction: 'TD', nodeSep: 40, rankSep: 50, edgeSep: 12 });
    const long = r.edges[2]!;
    assert.equal(long.length, 6, 'a -> c passes one dummy: source run, dummy run, target run');
    assert.equal(long[2]!.x, long[3]!.x, 'the run through the middle rank is straight');
    const d = bandPathData(long, 'TD');
    assert.match(d, /^M[^C]*C[^C]*L[^C]*C/);
    const flat = routePolyline(long, 'TD');
    assert.ok(flat.length > long.length, 'curves are flattened');
    assert.deepEqual(flat.at(-1), long.at(-1));
  });
});

describe('layered layout: crossings', () => {
  it('has at most 1.2 times the crossings of ELK layered on a wide 150-task graph and on a plan-like graph', async () => {
    const cases = [benchModel('wide', 150)];
    const payload = makePayload(300, { cycle: true });
    const { model } = graphToMermaid(payload, { direction: 'TD', groupBySteps: false, filter: '' });
    cases.push({ model, sizes: new Map(model.nodes.map((n) => [n.key, { width: 150, height: 63 }])) });
    for (const { model: m, sizes } of cases) {
      const ours = drawnGeometry(m, layoutWithLayered(m, sizes));
      const elk = drawnGeometry(m, await layoutWithElk(m, sizes));
      const a = countCrossings(ours.edges);
      const b = countCrossings(elk.edges);
      assert.ok(a <= 1.2 * b, `layered ${a} crossings, ELK ${b}`);
    }
  });
});

// Renders the real webview bundle in headless chromium (playwright-core + /usr/bin/chromium).
// Fails, never skips, when chromium is missing.
import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { parseWebviewMessage } from '../../client/src/graph/messages';
import type { GraphPayload, WebviewToExtensionMessage } from '../../shared/protocol';
import { hostilePayload, makePayload, taskId } from './payloads';
import { generatedPayload } from './screenshots';
import { launchChromium, openWebview, startWebviewServer, type WebviewPage, type WebviewServer } from './renderHarness';

let server: WebviewServer;
let browser: Browser;

let launchError: unknown;

before(async () => {
  server = await startWebviewServer();
  try {
    browser = await launchChromium();
  } catch (error) {
    // Reported by the test below as a failure (a failing hook would only cancel the tests).
    launchError = error;
  }
});

it('launches headless chromium', () => {
  if (launchError) throw launchError;
  assert.ok(browser.isConnected());
});

after(async () => {
  await browser?.close();
  await server?.close();
});

interface DomNode {
  index: number;
  text: string;
  classes: string[];
  x: number;
  y: number;
}

/** Nodes of the rendered SVG: mermaid index (nK), label text, classes, centre in page coordinates. */
function domNodes(wp: WebviewPage): Promise<DomNode[]> {
  return wp.page.evaluate(() =>
    Array.from(document.querySelectorAll('.pm-canvas svg g.node')).map((g) => {
      const r = g.getBoundingClientRect();
      return {
        index: Number(/-flowchart-n(\d+)-/.exec(g.id)?.[1] ?? -1),
        text: g.textContent ?? '',
        classes: Array.from(g.classList),
        x: r.left + r.width / 2,
        y: r.top + r.height / 2,
      };
    }),
  );
}

interface DomEdge {
  from: number;
  to: number;
  classes: string[];
  dash: string;
}

function domEdges(wp: WebviewPage): Promise<DomEdge[]> {
  return wp.page.evaluate(() =>
    Array.from(document.querySelectorAll<SVGPathElement>('.pm-canvas svg path.flowchart-link')).map((p) => {
      const m = /L_n(\d+)_n(\d+)_/.exec(p.getAttribute('data-id') ?? p.id);
      return {
        from: Number(m?.[1] ?? -1),
        to: Number(m?.[2] ?? -1),
        classes: Array.from(p.classList),
        dash: getComputedStyle(p).strokeDasharray,
      };
    }),
  );
}

const lastOf = async <T extends WebviewToExtensionMessage['type']>(wp: WebviewPage, type: T) =>
  (await wp.posted()).filter((m) => m.type === type).pop() as Extract<WebviewToExtensionMessage, { type: T }> | undefined;

describe('graph webview in chromium', () => {
  let wp: WebviewPage;
  let payload: GraphPayload;

  before(async () => {
    wp = await openWebview(browser, server);
    payload = makePayload(30, { cycle: true, undefinedTask: true });
  });
  after(async () => {
    await wp?.close();
  });

  it('posts ready, then renders as many nodes and edges as the payload has', async () => {
    assert.equal((await wp.posted())[0]?.type, 'ready');
    const r = await wp.renderPayload(payload);
    assert.equal(r.nodes, payload.nodes.length);
    assert.equal(r.edges, payload.edges.length);
    assert.ok(r.ms > 0);
    assert.equal((await domNodes(wp)).length, payload.nodes.length);
    assert.equal((await domEdges(wp)).length, payload.edges.length);
    assert.deepEqual(wp.errors, []);
  });

  it('gives cycle and undefined nodes the error class', async () => {
    const nodes = await domNodes(wp);
    for (const n of nodes) {
      const task = payload.nodes[n.index]!;
      assert.ok(n.text.startsWith(task.id + ' '), `${n.text} is ${task.id}`);
      const isError = task.inCycle || !task.defined;
      assert.equal(n.classes.includes('pmError'), isError, `${task.id} error class`);
      if (task.inCycle) assert.ok(n.classes.includes('pmCycle'));
      if (task.critical && !task.inCycle) assert.ok(n.classes.includes('pmCritical'), `${task.id} critical`);
    }
    assert.ok(nodes.some((n) => n.classes.includes('pmCycle')));
  });

  it('draws edges stated in one source only dashed, agreed edges solid', async () => {
    const edges = await domEdges(wp);
    let dashed = 0;
    for (const e of edges) {
      const from = payload.nodes[e.from]!.id;
      const to = payload.nodes[e.to]!.id;
      const edge = payload.edges.find((x) => x.from === from && x.to === to)!;
      assert.ok(edge, `${from} -> ${to}`);
      if (edge.source === 'both') {
        assert.ok(!e.classes.includes('pm-edge-single'));
        assert.ok(e.dash === 'none' || /^0(px)?(, 0(px)?)*$/.test(e.dash), `solid ${from}->${to}: ${e.dash}`);
      } else {
        dashed++;
        assert.ok(e.classes.includes('pm-edge-single'));
        assert.ok(e.classes.includes('edge-pattern-dotted'), 'mermaid -.-> edge');
        assert.notEqual(e.dash, 'none');
      }
      if (edge.critical && !edge.inCycle) assert.ok(e.classes.includes('pm-edge-critical'));
    }
    assert.ok(dashed >= 3);
  });

  it('posts reveal with the task ID when a node is clicked, and shows a tooltip on hover', async () => {
    const nodes = await domNodes(wp);
    const target = nodes.find((n) => payload.nodes[n.index]!.id === taskId(2))!;
    await wp.page.mouse.move(target.x, target.y);
    const tooltip = await wp.page.locator('.pm-tooltip').textContent();
    assert.match(tooltip ?? '', /TASK_003/);
    assert.match(tooltip ?? '', /Depends on:/);
    assert.match(tooltip ?? '', /TASK_002/);
    await wp.page.mouse.click(target.x, target.y);
    assert.deepEqual(await lastOf(wp, 'reveal'), { type: 'reveal', taskId: taskId(2) });
  });

  it('highlights the node named by a highlight message', async () => {
    await wp.send({ type: 'highlight', taskId: taskId(4) });
    await wp.page.waitForSelector('.pm-canvas g.node.pm-highlight');
    const highlighted = (await domNodes(wp)).filter((n) => n.classes.includes('pm-highlight'));
    assert.deepEqual(highlighted.map((n) => payload.nodes[n.index]!.id), [taskId(4)]);
    await wp.send({ type: 'highlight', taskId: null });
    await wp.page.waitForFunction(() => !document.querySelector('.pm-canvas g.node.pm-highlight'));
  });

  it('keeps zoom and pan across redraws and reports them as state', async () => {
    const stateZoom = () => wp.page.evaluate(() => (window as unknown as { __state?: { zoom: number } }).__state?.zoom ?? 0);
    const fitted = await stateZoom();
    assert.ok(fitted > 0, 'the automatic fit is stored as state');
    const box = (await wp.page.locator('.pm-viewport').boundingBox())!;
    await wp.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await wp.page.mouse.wheel(0, -300);
    await wp.page.keyboard.press('ArrowLeft');
    const before = await wp.page.locator('.pm-canvas').evaluate((e) => (e as HTMLElement).style.transform);
    assert.match(before, /scale\(/);
    const zoomed = await stateZoom();
    assert.ok(zoomed > fitted * 1.2, `wheel zoomed in (${fitted} -> ${zoomed})`);
    const next = makePayload(31, { cycle: true, undefinedTask: true, version: 2 });
    const r = await wp.renderPayload(next);
    assert.equal(r.nodes, next.nodes.length);
    const afterRedraw = await wp.page.locator('.pm-canvas').evaluate((e) => (e as HTMLElement).style.transform);
    assert.equal(afterRedraw, before, 'transform preserved');
    await wp.page.waitForFunction(
      (z) =>
        (window as unknown as { __posted: { type: string; state?: { zoom: number } }[] }).__posted.some(
          (m) => m.type === 'state' && m.state!.zoom === z,
        ),
      zoomed,
    );
    const state = (await lastOf(wp, 'state'))!.state;
    assert.equal(state.zoom, zoomed);
    assert.deepEqual(await wp.page.evaluate(() => (window as unknown as { __state: unknown }).__state), state);
    // Keyboard: + zooms, 0 fits again.
    await wp.page.keyboard.press('+');
    assert.ok((await stateZoom()) > zoomed);
    await wp.page.keyboard.press('0');
    assert.ok((await stateZoom()) < zoomed);
    payload = next;
  });

  it('updates the graph when a second payload arrives', async () => {
    const other = makePayload(5, { prefix: 'STEP_' });
    const r = await wp.renderPayload(other);
    assert.equal(r.nodes, 5);
    assert.equal(r.edges, other.edges.length);
    const texts = (await domNodes(wp)).map((n) => n.text);
    assert.equal(texts.length, 5);
    assert.ok(texts.every((t) => t.startsWith('STEP_')));
    payload = other;
  });

  it('fits the view when a different plan arrives', async () => {
    const transform = () => wp.page.locator('.pm-canvas').evaluate((e) => (e as HTMLElement).style.transform);
    await wp.page.keyboard.press('+');
    await wp.page.keyboard.press('+');
    const zoomed = await transform();
    await wp.renderPayload(makePayload(5, { prefix: 'STEP_', version: 3 }));
    assert.equal(await transform(), zoomed, 'same plan: kept');
    await wp.renderPayload(makePayload(5, { prefix: 'STEP_', uri: 'file:///other.md' }));
    assert.notEqual(await transform(), zoomed, 'other plan: fitted');
  });

  it('toolbar: direction, grouping and the filter re-render and are persisted', async () => {
    const big = makePayload(20, { perStep: 5 });
    await wp.renderPayload(big);
    let r = await wp.waitForRender(() => wp.page.getByRole('button', { name: /Direction: Top-down/ }).click());
    assert.equal(r.nodes, 20);
    assert.equal((await lastOf(wp, 'state'))!.state.direction, 'LR');
    r = await wp.waitForRender(() => wp.page.getByRole('button', { name: 'Group by step' }).click());
    assert.equal(await wp.page.locator('.pm-canvas svg g.cluster').count(), 4);
    assert.equal((await lastOf(wp, 'state'))!.state.groupBySteps, true);
    // The filter narrows to the matches; with the neighbours button, their direct neighbours too.
    r = await wp.waitForRender(() => wp.page.getByRole('searchbox').fill('TASK_020'));
    assert.equal(r.nodes, 1);
    assert.equal((await lastOf(wp, 'state'))!.state.filter, 'TASK_020');
    r = await wp.waitForRender(() => wp.page.getByRole('button', { name: '\u00b11' }).click());
    assert.ok(r.nodes < 20 && r.nodes > 1, `filtered to ${r.nodes}`);
    r = await wp.waitForRender(() => wp.page.getByRole('button', { name: '\u00b11' }).click());
    assert.equal(r.nodes, 1);
    r = await wp.waitForRender(() => wp.page.getByRole('searchbox').fill('nothing matches this'));
    assert.equal(r.nodes, 0);
    assert.match((await wp.page.locator('.pm-empty').textContent()) ?? '', /No task matches/);
    r = await wp.waitForRender(async () => {
      await wp.page.getByRole('searchbox').fill('');
      await wp.page.getByRole('searchbox').press('Enter');
    });
    assert.equal(r.nodes, 20);
    await wp.waitForRender(() => wp.page.getByRole('button', { name: 'Group by step' }).click());
    r = await wp.waitForRender(() => wp.page.getByRole('button', { name: /Direction: Left-right/ }).click());
    assert.equal(r.nodes, 20);
    assert.equal(await wp.page.locator('.pm-canvas svg g.cluster').count(), 0);
    payload = big;
  });

  it('exports SVG, PNG and the mermaid source through messages', async () => {
    await wp.page.getByRole('button', { name: 'SVG' }).click();
    const svg = (await lastOf(wp, 'exportSvg'))!.svg;
    assert.match(svg, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<svg[\s>]/);
    assert.ok(svg.includes('TASK_001'));
    await wp.page.getByRole('button', { name: 'PNG' }).click();
    await wp.page.waitForFunction(() =>
      (window as unknown as { __posted: { type: string }[] }).__posted.some((m) => m.type === 'exportPng'),
    );
    const png = (await lastOf(wp, 'exportPng'))!.dataUrl;
    assert.match(png, /^data:image\/png;base64,[A-Za-z0-9+/]+=*$/);
    assert.ok(png.length > 5000);
    assert.equal(parseWebviewMessage({ type: 'exportPng', dataUrl: png }).ok, true, 'the extension accepts the PNG the page exports');
    await wp.page.getByRole('button', { name: 'Copy source' }).click();
    assert.match((await lastOf(wp, 'copySource'))!.source, /^flowchart (TD|LR)\n/);
    assert.equal((await wp.page.locator('.pm-banner').isHidden()), true, 'no export error banner');
  });

  it('shows a one-line banner on stale and keeps the last graph', async () => {
    const nodesBefore = (await domNodes(wp)).length;
    await wp.send({ type: 'stale', reason: 'plan.md was closed.\nSecond line <b>x</b>' });
    const banner = wp.page.locator('.pm-banner');
    await banner.waitFor({ state: 'visible' });
    assert.equal(await banner.textContent(), 'plan.md was closed. Second line <b>x</b>');
    assert.equal(await wp.page.locator('.pm-banner b').count(), 0);
    assert.equal((await domNodes(wp)).length, nodesBefore);
    await wp.renderPayload(payload);
    assert.equal(await banner.isHidden(), true);
  });

  it('re-renders with the new colours when the VS Code theme changes', async () => {
    const fill = () =>
      wp.page.evaluate(() => getComputedStyle(document.querySelector('.pm-canvas svg g.node rect')!).fill);
    assert.equal(await fill(), 'rgb(32, 32, 32)', 'dark editorWidget-background');
    const r = await wp.waitForRender(async () => {
      // Like VS Code: new variables first, then the body class and the theme message.
      await wp.page.evaluate(
        () =>
          new Promise<void>((resolve) => {
            const link = document.querySelector<HTMLLinkElement>('link[href$="theme-dark.css"]')!;
            link.addEventListener('load', () => resolve(), { once: true });
            link.href = link.href.replace('theme-dark', 'theme-light');
          }),
      );
      await wp.page.evaluate(() => (document.body.className = 'vscode-light'));
      await wp.send({ type: 'theme', kind: 'light' });
    });
    assert.equal(r.nodes, payload.nodes.length);
    assert.equal(await fill(), 'rgb(248, 248, 248)', 'light editorWidget-background');
    const exported = await wp.page.evaluate(() => document.querySelector('.pm-canvas svg style')?.textContent ?? '');
    assert.match(exported, /#f8f8f8/i, 'mermaid theme variables follow the theme too');
  });

  it('ignores malformed and unknown messages with a warning', async () => {
    const warnings: string[] = [];
    wp.page.on('console', (m) => {
      if (m.type() === 'warning') warnings.push(m.text());
    });
    await wp.send({ type: 'bogus' });
    await wp.send({ type: 'graph', payload: { nodes: 'x' } });
    await wp.page.waitForTimeout(100);
    assert.equal(warnings.length, 2, warnings.join('\n'));
    assert.equal((await domNodes(wp)).length, payload.nodes.length, 'graph unchanged');
    assert.deepEqual(wp.errors, []);
  });
});

describe('hostile plan text in chromium', () => {
  // 'mermaid': mermaid draws (the default below DIRECT_THRESHOLD nodes); 'direct': the SVG is
  // built without mermaid (the default for large graphs), forced here on the small hostile plan.
  for (const engine of ['mermaid', 'direct'] as const) {
    it(`renders hostile labels as text: no script runs, no element is injected, no CSP violation (${engine})`, async () => {
      const wp = await openWebview(browser, server);
      try {
        await wp.setEngine(engine);
        const p = hostilePayload();
        const r = await wp.renderPayload(p);
        assert.equal(r.nodes, p.nodes.length);
        assert.equal(r.edges, p.edges.length);
        // Group by step too (hostile step titles become subgraph labels).
        await wp.waitForRender(() => wp.page.getByRole('button', { name: 'Group by step' }).click());
        // The ELK layout builds its labels through the same path; render it there too.
        await wp.setLayout('elk');
        const elk = await wp.renderPayload(p);
        assert.equal(elk.layout, 'elk');
        assert.equal(elk.engine, engine);
        // Hover every node so each tooltip (dependencies, problems) is built.
        for (const n of await domNodes(wp)) await wp.page.mouse.move(n.x, n.y);
        await wp.send({ type: 'stale', reason: '<img src=x onerror="window.__pwned=11">' });
        const none = await wp.waitForRender(() => wp.page.getByRole('searchbox').fill('<img src=x onerror=window.__pwned=12>'));
        assert.equal(none.nodes, 0);
        const all = await wp.waitForRender(async () => {
          await wp.page.getByRole('searchbox').fill('');
          await wp.page.getByRole('searchbox').press('Enter');
        });
        assert.equal(all.nodes, p.nodes.length);
        const result = await wp.page.evaluate(() => ({
          pwned: (window as unknown as { __pwned?: unknown }).__pwned,
          imgs: document.querySelectorAll('img').length,
          scripts: Array.from(document.querySelectorAll('script')).map((e) => `${new URL(e.src || 'inline:', location.href).pathname} ${e.nonce ? 'nonce' : 'no nonce'}`),
          foreignScripts: document.querySelectorAll('svg script, foreignObject script, svg iframe').length,
          handlers: Array.from(document.querySelectorAll('*')).filter((e) =>
            Array.from(e.attributes).some((a) => a.name.toLowerCase().startsWith('on')),
          ).length,
          text: document.querySelector('.pm-canvas')?.textContent ?? '',
        }));
        assert.equal(result.pwned, undefined, 'no injected script ran');
        assert.equal(result.imgs, 0, 'no <img> created');
        // Only our bundle, and the engine bundle (mermaid, ELK) it loads on demand, both with the page's nonce.
        assert.deepEqual(result.scripts.sort(), ['/webview-engines.js nonce', '/webview.js nonce'], 'only our bundles');
        assert.equal(result.foreignScripts, 0);
        assert.equal(result.handlers, 0, 'no on* attributes anywhere');
        assert.ok(result.text.includes('<img src=x onerror="window.__pwned=1">'), 'hostile label shown as text');
        assert.ok(result.text.includes('"]; click TASK_001 call evil()'));
        assert.ok(result.text.includes('%%{init: {"securityLevel":"loose"}}%%'));
        assert.ok(result.text.includes('<img src=x onerror="window.__pwned=7"> step'), 'step title as text');
        const violations = await wp.cspViolations();
        assert.equal(violations.filter((v) => v.directive.startsWith('script-src')).length, 0, JSON.stringify(violations));
        assert.deepEqual(violations, []);
        assert.deepEqual(wp.errors, []);
      } finally {
        await wp.close();
      }
    });
  }
});

/** A saved view state with every step of `p` expanded: the whole graph, as after "Expand all". */
function allExpanded(p: GraphPayload) {
  return { direction: 'TD', groupBySteps: false, filter: '', zoom: 1, panX: 0, panY: 0, expanded: p.steps.map((s) => s.title) };
}

describe('large graphs in chromium', () => {
  it('draws large graphs without mermaid, with the same classes, dashes, clicks, hovers and exports', async () => {
    const p = makePayload(160, { cycle: true, undefinedTask: true });
    // Large plans open as an overview of collapsed steps; this test looks at every task.
    const wp = await openWebview(browser, server, { state: allExpanded(p) });
    try {
      const r = await wp.renderPayload(p);
      await wp.page.getByRole('button', { name: 'Fit' }).click();
      assert.equal(r.engine, 'direct');
      assert.equal(r.layout, 'layered');
      assert.equal(r.nodes, p.nodes.length);
      assert.equal(r.edges, p.edges.length);
      const nodes = await domNodes(wp);
      assert.equal(nodes.length, p.nodes.length);
      for (const n of nodes) {
        const task = p.nodes[n.index]!;
        assert.ok(n.text.startsWith(task.id + ' '), `${n.text} is ${task.id}`);
        assert.equal(n.classes.includes('pmError'), task.inCycle || !task.defined, `${task.id} error class`);
        if (task.inCycle) assert.ok(n.classes.includes('pmCycle'));
        if (!task.defined) assert.ok(n.classes.includes('pmUndefined'));
        if (task.critical && !task.inCycle) assert.ok(n.classes.includes('pmCritical'), `${task.id} critical`);
      }
      const stroke = (cls: string) =>
        wp.page.evaluate((c) => getComputedStyle(document.querySelector(`.pm-canvas svg g.node.${c} rect`)!).stroke, cls);
      assert.equal(await stroke('pmError'), 'rgb(248, 81, 73)', 'error nodes in the theme error colour');
      const edges = await domEdges(wp);
      assert.equal(edges.length, p.edges.length);
      let dashed = 0;
      for (const e of edges) {
        const edge = p.edges.find((x) => x.from === p.nodes[e.from]!.id && x.to === p.nodes[e.to]!.id)!;
        assert.ok(edge, `${e.from} -> ${e.to}`);
        if (edge.source === 'both') {
          assert.ok(!e.classes.includes('pm-edge-single'));
          assert.ok(e.dash === 'none' || /^0(px)?(, 0(px)?)*$/.test(e.dash), `solid: ${e.dash}`);
        } else {
          dashed++;
          assert.ok(e.classes.includes('pm-edge-single') && e.classes.includes('edge-pattern-dotted'));
          assert.notEqual(e.dash, 'none');
        }
        if (edge.critical && !edge.inCycle) assert.ok(e.classes.includes('pm-edge-critical'));
        if (edge.inCycle) assert.ok(e.classes.includes('pm-edge-cycle'));
      }
      assert.ok(dashed >= 10);

      // A new version that does not change the graph keeps the drawing; a changed label redraws.
      const svgId = () => wp.page.evaluate(() => document.querySelector('.pm-canvas svg')!.id);
      const drawn = await svgId();
      const same = await wp.renderPayload({ ...p, version: p.version + 1, title: 'Renamed plan' });
      assert.equal(same.nodes, p.nodes.length);
      assert.equal(await svgId(), drawn, 'drawing kept');
      assert.equal(await wp.page.evaluate(() => document.querySelector('.pm-canvas svg')!.getAttribute('aria-label')), 'Task graph: Renamed plan');
      const relabelled = structuredClone(p);
      relabelled.version += 2;
      relabelled.nodes[5]!.label = 'A new label';
      await wp.renderPayload(relabelled);
      assert.notEqual(await svgId(), drawn, 'redrawn');
      assert.match((await wp.page.locator('.pm-canvas svg').textContent()) ?? '', /A new label/);

      // Positions after the redraw (a wider label may move nodes).
      const target = (await domNodes(wp)).find((n) => p.nodes[n.index]!.id === taskId(2))!;
      await wp.page.mouse.move(target.x, target.y);
      assert.match((await wp.page.locator('.pm-tooltip').textContent()) ?? '', /TASK_003[\s\S]*Depends on:[\s\S]*TASK_002/);
      assert.ok(await wp.page.locator('.pm-canvas svg.pm-has-hover g.node.pm-related').count() >= 2, 'related nodes marked');
      await wp.page.mouse.click(target.x, target.y);
      assert.deepEqual(await lastOf(wp, 'reveal'), { type: 'reveal', taskId: taskId(2) });
      await wp.send({ type: 'highlight', taskId: taskId(100) });
      await wp.page.waitForSelector('.pm-canvas g.node.pm-highlight');

      await wp.page.getByRole('button', { name: 'SVG' }).click();
      const svg = (await lastOf(wp, 'exportSvg'))!.svg;
      assert.match(svg, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<svg[\s>]/);
      assert.ok(svg.includes('TASK_160'));
      assert.match(svg, /\.node\.pmError rect\{stroke:#f85149/, 'class colours travel with the export');

      // Grouped by step and left-right: step boxes, every node still drawn.
      await wp.waitForRender(() => wp.page.getByRole('button', { name: 'Group by step' }).click());
      const grouped = await wp.waitForRender(() => wp.page.getByRole('button', { name: /Direction: Top-down/ }).click());
      assert.equal(grouped.engine, 'direct');
      assert.equal(grouped.layout, 'layered');
      assert.equal(grouped.nodes, p.nodes.length);
      assert.equal(await wp.page.locator('.pm-canvas svg g.cluster').count(), p.steps.length);
      assert.deepEqual(wp.errors, []);
      assert.deepEqual(await wp.cspViolations(), []);
    } finally {
      await wp.close();
    }
  });

  it('renders 1,000 tasks', async (t) => {
    const p = makePayload(1000);
    const wp = await openWebview(browser, server, { state: allExpanded(p) });
    try {
      const t0 = Date.now();
      const r = await wp.renderPayload(p);
      t.diagnostic(`1,000 tasks: ${r.ms} ms in the webview (${Date.now() - t0} ms wall), ${r.engine}, layout ${r.layout}`);
      assert.equal(r.nodes, 1000);
      assert.equal(r.engine, 'direct');
      assert.equal(r.edges, p.edges.length);
      assert.equal(r.layout, 'layered');
      // Grouped by step (step boxes stacked in step order).
      const grouped = await wp.waitForRender(() => wp.page.getByRole('button', { name: 'Group by step' }).click());
      t.diagnostic(`1,000 tasks grouped by step: ${grouped.ms} ms, ${grouped.engine}, layout ${grouped.layout}`);
      assert.equal(grouped.nodes, 1000);
      assert.equal(grouped.layout, 'layered');
      assert.equal(await wp.page.locator('.pm-canvas svg g.cluster').count(), p.steps.length);
      assert.deepEqual(wp.errors, []);
    } finally {
      await wp.close();
    }
  });
});

describe('engine bundle loaded on demand', () => {
  it('draws a large plan without loading mermaid, and loads it (under the nonce) for a small one', async () => {
    const before = server.enginesRequests();
    const wp = await openWebview(browser, server);
    try {
      const big = await wp.renderPayload(makePayload(400));
      assert.equal(big.engine, 'direct');
      assert.equal(server.enginesRequests(), before, 'no engine bundle for the direct engine');
      assert.equal(await wp.page.evaluate(() => document.querySelectorAll('script').length), 1);
      const small = await wp.renderPayload(makePayload(8, { uri: 'file:///small.md' }));
      assert.equal(small.engine, 'mermaid');
      assert.equal(server.enginesRequests(), before + 1);
      assert.deepEqual(await wp.cspViolations(), []);
      assert.deepEqual(wp.errors, []);
    } finally {
      await wp.close();
    }
  });
});

describe('overview, focus and find in chromium', () => {
  it('opens a large plan as collapsed steps (ranges of steps when there are many); a click or Enter expands; Expand all draws every task', async () => {
    const p = makePayload(300);
    const wp = await openWebview(browser, server);
    try {
      const r = await wp.renderPayload(p);
      const groups = wp.page.locator('.pm-canvas svg g.node.pm-group-node');
      // 1200x800: ten ranges would be drawn at about 5 px when fitted, so five ranges of six.
      assert.equal(await groups.count(), 5, '30 steps: five ranges of six');
      assert.equal(r.nodes, 0, 'no task node drawn');
      assert.match((await groups.first().textContent()) ?? '', /Steps 1\u20136[\s\S]*Step 1: Phase 1[\s\S]*60 tasks/);
      // A range opens into its steps, a step into its tasks.
      await wp.waitForRender(() => groups.first().click());
      assert.equal(await groups.count(), 10, 'six steps and four ranges');
      assert.match((await groups.first().textContent()) ?? '', /^(?:.*: click or Enter to expand)?Step 1: Phase 1[\s\S]*10 tasks/);
      const expanded = await wp.waitForRender(() => groups.first().click());
      assert.equal(expanded.nodes, 10, 'the first step\u2019s tasks are drawn');
      assert.equal(await wp.page.locator('.pm-canvas svg g.cluster').count(), 1);
      assert.deepEqual((await lastOf(wp, 'state'))!.state.expanded, ['Steps 1\u20136', 'Step 1: Phase 1']);
      // Keyboard: focus the next collapsed step and press Enter.
      await groups.first().focus();
      const two = await wp.waitForRender(() => wp.page.keyboard.press('Enter'));
      assert.equal(two.nodes, 20);
      const all = await wp.waitForRender(() => wp.page.getByRole('button', { name: 'Expand all' }).click());
      assert.equal(all.nodes, 300);
      assert.deepEqual(wp.errors, []);
    } finally {
      await wp.close();
    }
  });

  it('gives a long chain without steps an overview of chunks of tasks, and says once that every task is critical', async () => {
    const p = generatedPayload(60);
    const wp = await openWebview(browser, server);
    try {
      const r = await wp.renderPayload(p);
      assert.equal(r.nodes, 0);
      assert.equal(await wp.page.locator('.pm-canvas svg g.node.pm-group-node').count(), 6);
      assert.match((await wp.page.locator('.pm-status').textContent()) ?? '', /every task is on the critical path/);
      assert.equal(await wp.page.locator('.pm-canvas svg g.node.pmCritical').count(), 0, 'not painted');
    } finally {
      await wp.close();
    }
  });

  it('opens focused on the cursor\u2019s task above planmark.graphFocusThreshold, follows the cursor, and goes back to the overview', async () => {
    const p = makePayload(120);
    const wp = await openWebview(browser, server);
    try {
      await wp.send({ type: 'settings', focusThreshold: 100 });
      await wp.send({ type: 'highlight', taskId: taskId(50) });
      const r = await wp.renderPayload(p);
      assert.ok(r.nodes > 1 && r.nodes < 20, `focused: ${r.nodes} tasks`);
      assert.match((await wp.page.locator('.pm-crumbs').textContent()) ?? '', /Focus: TASK_051/);
      const moved = await wp.waitForRender(() => wp.send({ type: 'highlight', taskId: taskId(80) }));
      assert.ok(moved.nodes > 1);
      assert.match((await wp.page.locator('.pm-crumbs').textContent()) ?? '', /Focus: TASK_081/);
      const deeper = await wp.waitForRender(() => wp.page.locator('.pm-crumbs').getByRole('button', { name: '+' }).click());
      assert.ok(deeper.nodes > moved.nodes, `depth 3: ${deeper.nodes} > ${moved.nodes}`);
      const back = await wp.waitForRender(() => wp.page.getByRole('button', { name: 'Overview' }).click());
      assert.equal(back.nodes, 0, 'overview of collapsed steps');
      assert.equal((await lastOf(wp, 'state'))!.state.mode, 'overview');
      // Below the threshold the same plan opens in the overview.
      const small = await openWebview(browser, server);
      await small.send({ type: 'settings', focusThreshold: 500 });
      await small.send({ type: 'highlight', taskId: taskId(50) });
      await small.renderPayload(p);
      assert.match((await small.page.locator('.pm-crumbs').textContent()) ?? '', /^Overview/);
      await small.close();
    } finally {
      await wp.close();
    }
  });

  for (const n of [300, 1000]) {
    it(`draws the overview of ${n} tasks legibly at its fitted zoom: group text at least 10 px on screen, every group in view`, async () => {
      const p = generatedPayload(n);
      const wp = await openWebview(browser, server, { viewport: { width: 1200, height: 760 } });
      try {
        await wp.renderPayload(p);
        await wp.page.getByRole('button', { name: 'Fit' }).click();
        const m = await wp.page.evaluate(() => {
          const v = document.querySelector('.pm-viewport')!.getBoundingClientRect();
          const groups = Array.from(document.querySelectorAll('.pm-canvas svg g.node.pm-group-node'));
          const texts = groups.flatMap((g) => Array.from(g.querySelectorAll('text tspan, text')).filter((t) => (t.textContent ?? '').trim() !== ''));
          const heights = texts.map((t) => parseFloat(getComputedStyle(t).fontSize) * (t.getBoundingClientRect().height / Math.max(1e-6, (t as SVGGraphicsElement).getBBox().height)));
          const boxes = groups.map((g) => g.getBoundingClientRect());
          return {
            groups: groups.length,
            smallest: Math.min(...heights),
            inView: boxes.every((b) => b.left >= v.left - 1 && b.top >= v.top - 1 && b.right <= v.right + 1 && b.bottom <= v.bottom + 1),
          };
        });
        assert.ok(m.groups >= 2, `an overview of groups: ${m.groups}`);
        assert.ok(m.smallest >= 10, `smallest group text ${m.smallest.toFixed(1)} px on screen`);
        assert.ok(m.inView, 'every group inside the view after Fit');
        assert.deepEqual(wp.errors, []);
      } finally {
        await wp.close();
      }
    });
  }

  it('offers the steps view when an expanded graph is zoomed out below legible task labels, and not at 100 %', async () => {
    const p = makePayload(300);
    const wp = await openWebview(browser, server, { state: allExpanded(p) });
    try {
      const r = await wp.renderPayload(p);
      assert.equal(r.nodes, 300);
      const hint = wp.page.getByRole('button', { name: /Labels too small/ });
      assert.equal(await hint.isVisible(), false, 'labels are legible at 100 %');
      await wp.page.locator('.pm-viewport').focus();
      for (let i = 0; i < 8; i++) await wp.page.keyboard.press('-');
      const zoom = await wp.page.evaluate(() => {
        const m = /scale\(([\d.]+)\)/.exec(document.querySelector<HTMLElement>('.pm-canvas')!.style.transform);
        return m ? Number(m[1]) : NaN;
      });
      assert.ok(zoom * 13 < 7, `zoomed out to ${zoom}`);
      assert.equal(await hint.isVisible(), true, 'the steps view is offered');
      const collapsed = await wp.waitForRender(() => hint.click());
      assert.equal(collapsed.nodes, 0, 'no task node drawn');
      assert.ok((await wp.page.locator('.pm-canvas svg g.node.pm-group-node').count()) >= 2);
      assert.deepEqual(wp.errors, []);
    } finally {
      await wp.close();
    }
  });

  it('Fit fits 1,000 tasks into the view (a deep plan: about 1,000 ranks)', async () => {
    const p = generatedPayload(1000);
    const wp = await openWebview(browser, server, { state: allExpanded(p) });
    try {
      await wp.renderPayload(p);
      await wp.page.getByRole('button', { name: 'Fit' }).click();
      const { svg, view } = await wp.page.evaluate(() => {
        const s = document.querySelector('.pm-canvas svg')!.getBoundingClientRect();
        const v = document.querySelector('.pm-viewport')!.getBoundingClientRect();
        return { svg: { l: s.left, t: s.top, r: s.right, b: s.bottom }, view: { l: v.left, t: v.top, r: v.right, b: v.bottom } };
      });
      assert.ok(svg.l >= view.l - 1 && svg.t >= view.t - 1 && svg.r <= view.r + 1 && svg.b <= view.b + 1, `${JSON.stringify(svg)} inside ${JSON.stringify(view)}`);
      assert.ok(svg.r - svg.l > (view.r - view.l) * 0.5 || svg.b - svg.t > (view.b - view.t) * 0.5, 'and fills it');
    } finally {
      await wp.close();
    }
  });
});

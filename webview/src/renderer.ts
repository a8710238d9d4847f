// Mermaid rendering: configuration (strict security, theme, limits, layout choice), the
// render call, inert parsing + scrubbing of the returned SVG and tagging of nodes/edges.
import type { Mermaid, MermaidConfig } from 'mermaid' with { 'resolution-mode': 'import' };
import type { GraphPayload } from '../../shared/protocol';
import { renderDirect } from './directRenderer';
import { loadEngines } from './engines';
import { graphToMermaid, type GraphView, type MermaidEdgeInfo, type MermaidGraph } from './graphToMermaid';
import type { ThemeInfo } from './theme';

/** 'layered': the built-in layout of the direct engine (layeredLayout.ts). */
export type LayoutName = 'layered' | 'dagre' | 'elk';
export type LayoutChoice = LayoutName | 'auto';
/** Who draws: mermaid (render + sanitise + re-parse) or the direct SVG builder (directRenderer.ts). */
export type EngineName = 'mermaid' | 'direct';
export type EngineChoice = EngineName | 'auto';

/**
 * Mermaid engine only (graphs under DIRECT_THRESHOLD, or mermaid forced): node count from which
 * mermaid uses ELK instead of dagre. Measured in headless chromium with
 * test/webview/measureRender.ts (dagre vs ELK interleaved, min of 3, busy 2-core machine):
 * 100 tasks 476 vs 498 ms, 500 tasks 2.7 vs 2.5 s, 1,000 tasks 5.5 vs 5.9 s.
 */
export const ELK_THRESHOLD = 150;

/**
 * Node count from which the graph is drawn by the direct engine (built-in layered layout +
 * DOM-built SVG, directRenderer.ts) instead of mermaid. Same run, headless chromium, busy 2-core
 * machine, min of 3: mermaid 500 tasks 1.9-3.9 s, 1,000 tasks 5-7 s (mostly its per-element
 * overhead, see directRenderer.ts); direct 0.13-0.2 s and 0.2-0.3 s. Smaller graphs keep
 * mermaid's drawing (HTML labels, its dagre layout), ~0.3-0.6 s at 100 tasks.
 */
export const DIRECT_THRESHOLD = 150;

/** Loads mermaid (with its ELK layout registered) from the engine bundle, once. */
export async function loadMermaid(): Promise<Mermaid> {
  return (await loadEngines()).mermaid;
}

export function mermaidConfig(theme: ThemeInfo, layout: 'dagre' | 'elk'): MermaidConfig {
  return {
    startOnLoad: false,
    securityLevel: 'strict',
    theme: theme.mermaidTheme,
    themeVariables: theme.themeVariables,
    fontFamily: theme.themeVariables.fontFamily,
    maxTextSize: 50_000_000,
    maxEdges: 500_000,
    suppressErrorRendering: true,
    logLevel: 'fatal',
    layout,
    htmlLabels: true,
    flowchart: { useMaxWidth: false, nodeSpacing: 40, rankSpacing: 50, padding: 12 },
    elk: { mergeEdges: false, nodePlacementStrategy: 'BRANDES_KOEPF', considerModelOrder: 'NODES_AND_EDGES' },
  };
}

export interface RenderedGraph {
  /** Null when nothing is drawn (empty plan or a filter matching nothing). */
  svg: SVGSVGElement | null;
  graph: MermaidGraph;
  layout: LayoutName;
  engine: EngineName;
  width: number;
  height: number;
  /** Task ID -> node element. */
  nodes: Map<string, SVGGElement>;
  /** Node element -> task ID. */
  taskOf: WeakMap<Element, string>;
  /** Collapsed step node or expanded step box -> step title (direct engine). */
  groupOf: WeakMap<Element, string>;
  /** Edge path elements with what they stand for. */
  edges: { el: SVGPathElement; info: MermaidEdgeInfo }[];
  /** Milliseconds spent drawing: mermaid.render, or layout + SVG building for the direct engine. */
  mermaidMs: number;
  /** What the drawing depends on: source, layout, engine, theme (equal keys draw the same SVG). */
  key: string;
  /** True when the previous drawing was kept because nothing it shows changed. */
  reused: boolean;
}

let renderCounter = 0;
/** The configuration mermaid was last initialised with (re-initialise only when it changes). */
let initializedWith = '';

const DANGEROUS_ELEMENTS = 'script, iframe, object, embed, img, image, video, audio, source, link, meta, base, form, input, button, textarea, a, use';

/**
 * Parses mermaid's SVG markup in an inert document (no script runs, no resource loads), removes
 * anything that could execute or load (defence in depth; mermaid already ran DOMPurify) and
 * adopts the result into this document.
 */
export function parseSvg(markup: string, doc: Document = document): SVGSVGElement {
  const inert = new DOMParser().parseFromString(markup, 'text/html');
  const svg = inert.querySelector('svg');
  if (!svg) throw new Error('mermaid returned no SVG');
  svg.querySelectorAll(DANGEROUS_ELEMENTS).forEach((el) => el.remove());
  for (const el of [svg, ...Array.from(svg.querySelectorAll('*'))]) {
    for (const attr of Array.from(el.attributes)) {
      const name = attr.name.toLowerCase();
      const value = attr.value.trim().toLowerCase();
      if (name.startsWith('on')) el.removeAttribute(attr.name);
      else if ((name === 'href' || name.endsWith(':href') || name === 'src') && !value.startsWith('#')) {
        el.removeAttribute(attr.name);
      } else if (/(?:javascript|vbscript|data):/i.test(value) && name !== 'd' && name !== 'data-points') {
        el.removeAttribute(attr.name);
      }
    }
  }
  return doc.importNode(svg, true) as unknown as SVGSVGElement;
}

/**
 * The layout for 'auto'. Mermaid: dagre, ELK from ELK_THRESHOLD nodes. Direct: the built-in
 * layered layout (layeredLayout.ts), or ELK when there are step boxes. Measured on 500 tasks
 * (headless chromium, same run): dagre ~0.35-0.5 s on wide plans but 1.4-2.3 s on deep ones (its
 * ordering step is O(ranks x nodes); a 500-task chain has 500 ranks) and fails on step boxes at
 * 1,000 tasks; ELK 0.2-0.5 s wide and 0.9-1.3 s deep when warm, plus ~0.8 s on its first use in
 * the page. The built-in layout takes tens of milliseconds on both.
 */
function autoLayout(engine: EngineName, graph: MermaidGraph): LayoutName {
  if (engine === 'direct') return 'layered';
  return graph.nodeCount >= ELK_THRESHOLD ? 'elk' : 'dagre';
}

export async function renderGraph(
  payload: GraphPayload,
  view: GraphView,
  theme: ThemeInfo,
  layoutChoice: LayoutChoice = 'auto',
  engineChoice: EngineChoice = 'auto',
  previous: RenderedGraph | null = null,
  /** Awaited before a real drawing (not when the previous one is kept), e.g. to paint a status. */
  beforeDraw?: (nodeCount: number) => Promise<void>,
): Promise<RenderedGraph> {
  const graph = graphToMermaid(payload, view, theme.colors);
  const engine: EngineName =
    engineChoice === 'auto' || graph.groupNodes.size > 0
      ? // The overview's step nodes and the focus view (redrawn as the cursor moves) are drawn directly.
        graph.nodeCount >= DIRECT_THRESHOLD || graph.groupNodes.size > 0 || view.focus
        ? 'direct'
        : 'mermaid'
      : engineChoice;
  let layout: LayoutName = layoutChoice !== 'auto' ? layoutChoice : autoLayout(engine, graph);
  if (engine === 'mermaid' && layout === 'layered') layout = 'dagre';
  const key = JSON.stringify([graph.source, layout, engine, theme.mermaidTheme, theme.themeVariables]);
  if (graph.nodeCount === 0) {
    return { svg: null, graph, layout, engine, width: 0, height: 0, nodes: new Map(), taskOf: new WeakMap(), groupOf: new WeakMap(), edges: [], mermaidMs: 0, key, reused: false };
  }
  const ariaLabel = payload.title ? `Task graph: ${payload.title}` : 'Task graph';
  // The server sends a new payload after every edit of the plan, most of which do not change
  // the graph (prose, dates, descriptions): keep the drawing (and the user's zoom) then.
  if (previous?.svg && previous.key === key) {
    previous.svg.setAttribute('aria-label', ariaLabel);
    return { ...previous, graph, mermaidMs: 0, reused: true };
  }
  await beforeDraw?.(graph.nodeCount);
  const id = `pm-graph-${++renderCounter}`;

  if (engine === 'direct') {
    const t0 = performance.now();
    const d = await renderDirect(graph.model, theme, layout, id);
    d.svg.setAttribute('aria-label', ariaLabel);
    return { ...d, graph, engine, mermaidMs: performance.now() - t0, key, reused: false };
  }

  const mermaid = await loadMermaid();
  const config = mermaidConfig(theme, layout === 'elk' ? 'elk' : 'dagre');
  const configKey = JSON.stringify(config);
  if (configKey !== initializedWith) {
    mermaid.initialize(config);
    initializedWith = configKey;
  }
  const t0 = performance.now();
  let markup: string;
  try {
    ({ svg: markup } = await mermaid.render(id, graph.source));
  } finally {
    // mermaid leaves its scratch element behind when rendering fails.
    document.getElementById(`d${id}`)?.remove();
  }
  const mermaidMs = performance.now() - t0;
  const svg = parseSvg(markup);

  const vb = svg.viewBox?.baseVal;
  const width = vb && vb.width > 0 ? vb.width : Number.parseFloat(svg.getAttribute('width') ?? '') || 100;
  const height = vb && vb.height > 0 ? vb.height : Number.parseFloat(svg.getAttribute('height') ?? '') || 100;
  svg.setAttribute('width', String(width));
  svg.setAttribute('height', String(height));
  svg.style.removeProperty('max-width');
  svg.setAttribute('aria-label', ariaLabel);

  const nodes = new Map<string, SVGGElement>();
  const taskOf = new WeakMap<Element, string>();
  const nodePattern = /-flowchart-(n\d+)-\d+$/;
  for (const g of Array.from(svg.querySelectorAll<SVGGElement>('g.node'))) {
    const m = nodePattern.exec(g.id);
    const task = m ? graph.nodeIds.get(m[1]) : undefined;
    if (task === undefined) continue;
    nodes.set(task, g);
    taskOf.set(g, task);
  }

  const edgeByKey = new Map(graph.edges.map((e) => [`${e.fromNode}>${e.toNode}`, e]));
  const edges: RenderedGraph['edges'] = [];
  for (const p of Array.from(svg.querySelectorAll<SVGPathElement>('path.flowchart-link'))) {
    const key = p.getAttribute('data-id') ?? p.id.replace(/^.*?-(?=L_)/, '');
    const m = /^L_(n\d+)_(n\d+)_\d+$/.exec(key);
    const info = m ? edgeByKey.get(`${m[1]}>${m[2]}`) : undefined;
    if (!info) continue;
    if (info.source !== 'both') p.classList.add('pm-edge-single');
    if (info.critical) p.classList.add('pm-edge-critical');
    if (info.inCycle) p.classList.add('pm-edge-cycle');
    edges.push({ el: p, info });
  }

  return { svg, graph, layout, engine, width, height, nodes, taskOf, groupOf: new WeakMap(), edges, mermaidMs, key, reused: false };
}

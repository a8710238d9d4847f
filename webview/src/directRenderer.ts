// Direct SVG drawing of large graphs. On a 500-task flowchart mermaid spends almost all of its
// time in per-element overhead, not in the layout: every node, edge and label deep-copies
// mermaid's whole configuration (getConfig: ~900 keys, the defaults of all diagram types plus
// ~320 theme variables; about 9 copies per node and edge, half of mermaid's time), every label
// is an HTML <foreignObject> measured with a forced layout, and labels and the result go through
// DOMPurify and our inert re-parse. The layouts mermaid uses, dagre and ELK, are slow on deep
// plans themselves (see layeredLayout.ts). So from DIRECT_THRESHOLD nodes (renderer.ts) the
// view lays the graph out with its own layered layout (dagre and ELK stay selectable for
// comparisons) and builds the SVG with DOM calls, in the structure and with the classes and IDs
// of mermaid's output (g.node#<id>-flowchart-n0-0, path.flowchart-link[data-id=L_n0_n1_0],
// g.cluster, edge-pattern-dotted, pmError, ...), so graph.css, click/hover, highlight and the
// SVG/PNG export work unchanged. "Copy source" still copies the mermaid source.
//
// Security: plan text only ever reaches this SVG as `textContent` of <tspan> elements (never
// markup, never an attribute value), so it cannot create elements or attributes; nothing here
// parses markup and no mermaid directive or click statement exists on this path. Colours and the
// font written into the <style> element are validated (hex colours, a character whitelist).
import type { ElkPoint } from 'elkjs/lib/elk-api';
import { loadEngines } from './engines';
import type { GraphModel, MermaidEdgeInfo } from './graphToMermaid';
import { bandPathData, layeredLayout } from './layeredLayout';
import type { ThemeInfo } from './theme';

const SVG_NS = 'http://www.w3.org/2000/svg';

export { CLUSTER_PAD, MARGIN, NODE_SPACING, PAD_X, PAD_Y, RANK_SPACING, TITLE_BAND, type Box, type DirectLayout, type DirectLayoutName } from './layoutTypes';
import { CLUSTER_PAD, MARGIN, NODE_SPACING, PAD_X, PAD_Y, RANK_SPACING, TITLE_BAND, type Box, type DirectLayout, type DirectLayoutName } from './layoutTypes';

export interface DirectRendered {
  svg: SVGSVGElement;
  width: number;
  height: number;
  /** Task ID -> node element. */
  nodes: Map<string, SVGGElement>;
  taskOf: WeakMap<Element, string>;
  /** Collapsed step node, or an expanded step's box -> the step's title. */
  groupOf: WeakMap<Element, string>;
  edges: { el: SVGPathElement; info: MermaidEdgeInfo }[];
}

// ---- measuring ----

const FONT_SIZE = /^\d+(?:\.\d+)?px$/;

/** Font size in px and a CSS-safe font family from the theme. */
export function themeFont(theme: ThemeInfo): { family: string; size: number } {
  const rawSize = (theme.themeVariables.fontSize ?? '').trim();
  const size = FONT_SIZE.test(rawSize) ? Number.parseFloat(rawSize) : 13;
  // A font list only needs names, quotes, commas, spaces and hyphens; anything else (`;`, `{`,
  // `<`, `\`) could end the declaration in the <style> element, so it is dropped.
  const family = (theme.themeVariables.fontFamily ?? '').replace(/[^\p{L}\p{N} "',._-]/gu, '').trim() || 'sans-serif';
  return { family, size };
}

let measureCtx: CanvasRenderingContext2D | null | undefined;

/** Width of one line of text in px (canvas measureText; a rough estimate without canvas). */
function textWidth(text: string, font: string, size: number): number {
  if (measureCtx === undefined) measureCtx = document.createElement('canvas').getContext('2d');
  if (!measureCtx) return text.length * size * 0.6;
  if (measureCtx.font !== font) measureCtx.font = font;
  return measureCtx.measureText(text).width;
}

/** The text, cut with an ellipsis to fit `width` px in the theme's font. */
function fitText(text: string, width: number, theme: ThemeInfo): string {
  const { family, size } = themeFont(theme);
  const font = `600 ${size}px ${family}`;
  if (textWidth(text, font, size) <= width) return text;
  const chars = Array.from(text);
  let lo = 0;
  let hi = chars.length;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (textWidth(chars.slice(0, mid).join('') + '\u2026', font, size) <= width) lo = mid;
    else hi = mid - 1;
  }
  return chars.slice(0, lo).join('') + '\u2026';
}

function nodeSizes(model: GraphModel, theme: ThemeInfo): Map<string, { width: number; height: number }> {
  const { family, size } = themeFont(theme);
  const font = `${size}px ${family}`;
  const lineHeight = size * 1.5;
  const sizes = new Map<string, { width: number; height: number }>();
  for (const n of model.nodes) {
    let w = 0;
    for (const line of n.lines) w = Math.max(w, textWidth(line, font, size));
    sizes.set(n.key, { width: Math.ceil(w) + 2 * PAD_X, height: n.lines.length * lineHeight + 2 * PAD_Y });
  }
  return sizes;
}

// ---- layout ----

/** The built-in layered layout (layeredLayout.ts): step boxes stacked in step order. */
export function layoutWithLayered(model: GraphModel, sizes: Map<string, { width: number; height: number }>): DirectLayout {
  const r = layeredLayout(
    model.nodes.map((n) => ({ key: n.key, ...sizes.get(n.key)!, group: n.cluster })),
    model.edges.map((e) => ({ index: e.index, from: e.fromNode, to: e.toNode })),
    {
      direction: model.direction,
      nodeSep: NODE_SPACING,
      rankSep: RANK_SPACING,
      edgeSep: 12,
      groups: model.clusters.length ? { order: model.clusters.map((c) => c.key), padding: CLUSTER_PAD, title: TITLE_BAND } : undefined,
    },
  );
  return { width: r.width, height: r.height, nodes: r.nodes, clusters: r.groups, edges: r.edges, curved: true, bands: r.bands };
}

/** Moves the drawing so that everything (boxes, titles, routes) starts at MARGIN, and sizes it. */
function fitToContent(layout: DirectLayout): DirectLayout {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  const add = (x: number, y: number) => {
    if (x < minX) minX = x;
    if (x > maxX) maxX = x;
    if (y < minY) minY = y;
    if (y > maxY) maxY = y;
  };
  for (const b of [...layout.nodes.values(), ...layout.clusters.values()]) {
    add(b.x - b.width / 2, b.y - b.height / 2);
    add(b.x + b.width / 2, b.y + b.height / 2);
  }
  for (const route of layout.edges) for (const p of route ?? []) add(p.x, p.y);
  if (minX === Infinity) return layout;
  const dx = MARGIN - minX;
  const dy = MARGIN - minY;
  const move = (b: Box): Box => ({ ...b, x: b.x + dx, y: b.y + dy });
  return {
    width: maxX - minX + 2 * MARGIN,
    height: maxY - minY + 2 * MARGIN,
    nodes: new Map([...layout.nodes].map(([k, b]) => [k, move(b)])),
    clusters: new Map([...layout.clusters].map(([k, b]) => [k, move(b)])),
    edges: layout.edges.map((route) => (route ?? []).map((p) => ({ x: p.x + dx, y: p.y + dy }))),
    curved: layout.curved,
    bands: layout.bands,
  };
}

// ---- SVG ----

const round = (v: number) => Math.round(v * 10) / 10;

/** Path data through the points: straight segments, or a B-spline like mermaid's curveBasis. */
export function pathData(points: ElkPoint[], curved: boolean): string {
  if (points.length === 0) return '';
  const p = (x: number, y: number) => `${round(x)},${round(y)}`;
  let d = `M${p(points[0]!.x, points[0]!.y)}`;
  if (!curved || points.length < 3) {
    for (const q of points.slice(1)) d += `L${p(q.x, q.y)}`;
    return d;
  }
  // d3.curveBasis: uniform cubic B-spline through the end points.
  let x0 = points[0]!.x;
  let y0 = points[0]!.y;
  let x1 = points[1]!.x;
  let y1 = points[1]!.y;
  d += `L${p((5 * x0 + x1) / 6, (5 * y0 + y1) / 6)}`;
  const seg = (x: number, y: number) => {
    d += `C${p((2 * x0 + x1) / 3, (2 * y0 + y1) / 3)} ${p((x0 + 2 * x1) / 3, (y0 + 2 * y1) / 3)} ${p((x0 + 4 * x1 + x) / 6, (y0 + 4 * y1 + y) / 6)}`;
  };
  for (const q of points.slice(2)) {
    seg(q.x, q.y);
    x0 = x1;
    y0 = y1;
    x1 = q.x;
    y1 = q.y;
  }
  seg(x1, y1);
  d += `L${p(x1, y1)}`;
  return d;
}

const HEX = /^#(?:[0-9a-f]{3,4}|[0-9a-f]{6}|[0-9a-f]{8})$/i;
const hex = (v: string | undefined, fallback: string) => (v && HEX.test(v.trim()) ? v.trim() : fallback);

/**
 * The diagram's own stylesheet (scoped to its ID like mermaid's), so an exported SVG looks like
 * the view: theme colours, class colours, dashed single-source edges.
 */
function diagramCss(id: string, theme: ThemeInfo): string {
  const v = theme.themeVariables;
  const c = theme.colors;
  const { family, size } = themeFont(theme);
  const fg = hex(v.primaryTextColor, '#cccccc');
  const line = hex(v.lineColor, '#858585');
  const s = `#${id}`;
  return [
    `${s}{font-family:${family};font-size:${size}px;fill:${fg};}`,
    `${s} .node rect{fill:${hex(v.mainBkg, '#252526')};stroke:${hex(v.nodeBorder, '#6b6b6b')};stroke-width:1px;}`,
    `${s} .node text,${s} .cluster text{fill:${fg};}`,
    `${s} .cluster rect{fill:${hex(v.clusterBkg, '#252526')};stroke:${hex(v.clusterBorder, '#3c3c3c')};stroke-width:1px;}`,
    `${s} .cluster-label text{font-weight:600;}`,
    `${s} .flowchart-link{stroke:${line};stroke-width:1px;fill:none;}`,
    `${s} .edge-pattern-dotted{stroke-dasharray:2;}`,
    `${s} .flowchart-link.pm-edge-single{stroke-dasharray:6 4;}`,
    `${s} .flowchart-link.pm-edge-critical{stroke:${hex(c.critical, '#d18616')};stroke-width:3px;}`,
    `${s} .flowchart-link.pm-edge-cycle{stroke:${hex(c.error, '#e51400')};stroke-width:2px;}`,
    `${s} .marker{fill:${line};stroke:${line};}`,
    // Same order as the classDefs of the mermaid source: later classes win.
    `${s} .node.pmDone{opacity:0.5;}`,
    `${s} .node.pmNext rect{stroke:${hex(c.match, '#3794ff')};stroke-width:3px;}`,
    `${s} .node.pmExternal rect{stroke-dasharray:2 3;}`,
    `${s} .node.pmMatch rect{stroke:${hex(c.match, '#3794ff')};stroke-width:4px;}`,
    `${s} .node.pmCritical rect{stroke:${hex(c.critical, '#d18616')};stroke-width:3px;}`,
    `${s} .node.pmProblem rect{stroke:${hex(c.warning, '#bf8803')};stroke-width:2px;}`,
    `${s} .node.pmError rect{stroke:${hex(c.error, '#e51400')};stroke-width:3px;}`,
    `${s} .node.pmUndefined rect{stroke-dasharray:5 3;}`,
    `${s} .node.pmCycle rect{stroke:${hex(c.error, '#e51400')};stroke-width:3px;}`,
  ].join('');
}

function el<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number> = {}): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG_NS, tag);
  for (const k in attrs) e.setAttribute(k, String(attrs[k]));
  return e;
}

/** Multi-line centred text; each line through textContent. */
function textBlock(lines: string[], lineHeight: number): SVGTextElement {
  const text = el('text', { 'text-anchor': 'middle' });
  const top = -(lines.length * lineHeight) / 2;
  lines.forEach((line, i) => {
    const t = el('tspan', { x: 0, y: round(top + lineHeight * (i + 0.5)), 'dominant-baseline': 'central' });
    t.textContent = line;
    text.append(t);
  });
  return text;
}

/** Builds the SVG for a laid-out model. `id` must be unique in the page. */
export function buildSvg(model: GraphModel, layout: DirectLayout, theme: ThemeInfo, id: string): DirectRendered {
  const { size } = themeFont(theme);
  const lineHeight = size * 1.5;
  const width = Math.max(1, Math.ceil(layout.width));
  const height = Math.max(1, Math.ceil(layout.height));
  const svg = el('svg', {
    id,
    class: 'flowchart pm-direct',
    width,
    height,
    viewBox: `0 0 ${width} ${height}`,
    role: 'graphics-document document',
    'aria-roledescription': 'flowchart-v2',
  });
  const style = el('style');
  style.textContent = diagramCss(id, theme);
  const defs = el('defs');
  const marker = el('marker', {
    id: `${id}_flowchart-v2-pointEnd`,
    class: 'marker flowchart-v2',
    viewBox: '0 0 10 10',
    refX: 9,
    refY: 5,
    markerUnits: 'userSpaceOnUse',
    markerWidth: 8,
    markerHeight: 8,
    orient: 'auto',
  });
  marker.append(el('path', { d: 'M 0 0 L 10 5 L 0 10 z', class: 'arrowMarkerPath', style: 'stroke-width: 1; stroke-dasharray: 1, 0;' }));
  defs.append(marker);
  const root = el('g', { class: 'root' });
  const gClusters = el('g', { class: 'clusters' });
  const gEdges = el('g', { class: 'edgePaths' });
  const gNodes = el('g', { class: 'nodes' });
  const gWeights = el('g', { class: 'pm-edge-weights' });
  root.append(gClusters, gEdges, gWeights, gNodes);
  svg.append(style, defs, root);

  const groupOf = new WeakMap<Element, string>();
  for (const cl of model.clusters) {
    const b = layout.clusters.get(cl.key);
    if (!b) continue;
    const g = el('g', { class: 'cluster', id: `${id}-${cl.key}` });
    g.append(el('rect', { x: round(b.x - b.width / 2), y: round(b.y - b.height / 2), width: round(b.width), height: round(b.height) }));
    const label = el('g', { class: 'cluster-label', transform: `translate(${round(b.x)}, ${round(b.y - b.height / 2 + TITLE_BAND / 2 + 2)})` });
    // A title wider than its box ends in an ellipsis; the full title shows on hover.
    label.append(textBlock([fitText(cl.title, b.width - 16, theme)], lineHeight));
    const full = el('title');
    full.textContent = cl.title;
    g.append(full, label);
    gClusters.append(g);
    groupOf.set(g, cl.title);
  }

  const edges: DirectRendered['edges'] = [];
  const markerRef = `url(#${id}_flowchart-v2-pointEnd)`;
  for (const e of model.edges) {
    const key = `L_${e.fromNode}_${e.toNode}_0`;
    let cls = `edge-thickness-normal ${e.source === 'both' ? 'edge-pattern-solid' : 'edge-pattern-dotted pm-edge-single'} flowchart-link`;
    if (e.critical) cls += ' pm-edge-critical';
    if (e.inCycle) cls += ' pm-edge-cycle';
    const p = el('path', {
      d: layout.bands ? bandPathData(layout.edges[e.index] ?? [], layout.bands) : pathData(layout.edges[e.index] ?? [], layout.curved),
      id: `${id}-${key}`,
      class: cls,
      'data-edge': 'true',
      'data-id': key,
      'marker-end': markerRef,
    });
    const weight = e.weight ?? 1;
    if (weight > 1) {
      // Edges between collapsed steps stand for several task edges: thicker, with the count.
      p.classList.add('pm-edge-weighted');
      p.style.strokeWidth = `${Math.min(6, 1 + Math.log2(weight))}px`;
      const route = layout.edges[e.index] ?? [];
      const mid = route[Math.floor(route.length / 2)];
      if (mid) {
        const t = el('text', { class: 'pm-edge-weight', x: round(mid.x + 4), y: round(mid.y), 'dominant-baseline': 'central' });
        t.textContent = String(weight);
        gWeights.append(t);
      }
    }
    gEdges.append(p);
    edges.push({ el: p, info: e });
  }

  const nodes = new Map<string, SVGGElement>();
  const taskOf = new WeakMap<Element, string>();
  model.nodes.forEach((n, i) => {
    const b = layout.nodes.get(n.key);
    if (!b) return;
    const g = el('g', {
      class: ['node', 'default', ...n.classes].join(' '),
      id: `${id}-flowchart-${n.key}-${i}`,
      transform: `translate(${round(b.x)}, ${round(b.y)})`,
    });
    g.append(
      el('rect', { class: 'basic label-container', x: round(-b.width / 2), y: round(-b.height / 2), width: round(b.width), height: round(b.height) }),
    );
    const label = el('g', { class: 'label' });
    label.append(textBlock(n.lines, lineHeight));
    g.append(label);
    gNodes.append(g);
    if (n.group !== undefined) {
      // A collapsed step: focusable, Enter or a click expands it (main.ts).
      g.classList.add('pm-group-node');
      g.setAttribute('tabindex', '0');
      g.setAttribute('role', 'button');
      const title = el('title');
      title.textContent = `${n.group}: click or Enter to expand`;
      g.prepend(title);
      groupOf.set(g, n.group);
      return;
    }
    nodes.set(n.task, g);
    taskOf.set(g, n.task);
  });

  return { svg, width, height, nodes, taskOf, groupOf, edges };
}

/**
 * Measures, lays out and draws `model` without mermaid. With step boxes, 'dagre' becomes ELK:
 * dagre's compound layout takes 2.5 s for 500 grouped tasks and fails at 1,000. A failing dagre
 * or built-in layout falls back to ELK.
 */
export async function renderDirect(
  model: GraphModel,
  theme: ThemeInfo,
  layout: DirectLayoutName,
  id: string,
): Promise<DirectRendered & { layout: DirectLayoutName }> {
  const sizes = nodeSizes(model, theme);
  let used: DirectLayoutName = layout === 'dagre' && model.clusters.length > 0 ? 'elk' : layout;
  let laid: DirectLayout | undefined;
  if (used !== 'elk') {
    try {
      laid = used === 'dagre' ? (await loadEngines()).layoutWithDagre(model, sizes) : layoutWithLayered(model, sizes);
    } catch (error) {
      console.warn(`planmark graph: ${used} layout failed, using ELK`, error);
      used = 'elk';
    }
  }
  laid ??= await (await loadEngines()).layoutWithElk(model, sizes);
  return { ...buildSvg(model, fitToContent(laid), theme, id), layout: used };
}

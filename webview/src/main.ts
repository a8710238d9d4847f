// Entry point of the task graph webview. Receives GraphPayloads from the extension and draws
// them with mermaid; it never parses plans. All plan text reaches the DOM either through
// mermaid (entity-escaped labels, DOMPurify, inert re-parse in renderer.ts) or through
// textContent. No innerHTML, no inline handlers.
import type {
  ExtensionToWebviewMessage,
  GraphPayload,
  GraphViewState,
  WebviewToExtensionMessage,
} from '../../shared/protocol';
import { pngDataUrl, svgDocument } from './exporter';
import { DEFAULT_VIEW_STATE, parseExtensionMessage, parseViewState } from './messages';
import { Minimap, type MinimapNode } from './minimap';
import { PanZoom } from './panzoom';
import { chunkSteps, estimateExtent, type GraphView } from './graphToMermaid';
import { themeFont } from './directRenderer';
import { renderGraph, type EngineChoice, type LayoutChoice, type RenderedGraph } from './renderer';
import { readTheme, toHex, type ThemeInfo, type ThemeKind } from './theme';
import { Tooltip } from './tooltip';

/** Graphs of at most this many tasks are always drawn in full. */
const COLLAPSE_MIN = 40;
/** Zoom below which 13 px labels are too small to read: a graph needing less to fit gets a minimap. */
const LEGIBLE_ZOOM = 0.6;
/** Smallest on-screen text size (px) of the fitted overview: below it, fewer groups are shown. */
const LEGIBLE_OVERVIEW_PX = 10;
/** On-screen size (px) of task labels below which the expanded graph offers its steps instead. */
const LEGIBLE_TASK_PX = 7;
/** Default depth of the focus view (dependency steps each way). */
const FOCUS_DEPTH = 2;

/** A highlighted node's own inline stroke, restored when the highlight moves on. */
const savedStrokes = new WeakMap<SVGElement, (readonly [string, string, string])[]>();

interface VsCodeApi {
  postMessage(message: WebviewToExtensionMessage): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: { className?: string; text?: string; title?: string; attrs?: Record<string, string> } = {},
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (props.className) e.className = props.className;
  if (props.text !== undefined) e.textContent = props.text;
  if (props.title) e.title = props.title;
  for (const [k, v] of Object.entries(props.attrs ?? {})) e.setAttribute(k, v);
  return e;
}

/** What a render depends on (the kind alone does not change any colour). */
function themeKey(t: ThemeInfo): string {
  return JSON.stringify([t.mermaidTheme, t.themeVariables, t.colors, t.background]);
}

function readInitialState(): GraphViewState | undefined {
  const meta = document.querySelector<HTMLMetaElement>('meta[name="planmark-initial-state"]');
  if (!meta) return undefined;
  try {
    return parseViewState(JSON.parse(meta.content));
  } catch {
    return undefined;
  }
}

class GraphApp {
  private readonly vscode: VsCodeApi;
  private state: GraphViewState;
  /** True when the zoom/pan came from a saved state rather than defaults. */
  private hasSavedTransform: boolean;
  private payload: GraphPayload | null = null;
  private rendered: RenderedGraph | null = null;
  private theme: ThemeInfo;
  private themeKey = '';
  private highlighted: string | null = null;
  private rendering = false;
  private dirty = false;
  private fitNext = false;
  /** Fewer groups for the overview of one plan in one pane size, so that its fitted text is legible. */
  private overviewLimit: { key: string; maxGroups: number } | null = null;
  private statePostTimer: ReturnType<typeof setTimeout> | undefined;
  private layoutChoice: LayoutChoice = 'auto';
  /** planmark.graphFocusThreshold, sent by the extension. */
  private focusThreshold = 300;
  /** What the last render showed. */
  private shownMode: 'overview' | 'focus' = 'overview';
  private shownFocus: string | null = null;
  private shownSteps: GraphPayload['steps'] = [];
  /** Find: index of the match Enter centres next. */
  private matchIndex = -1;
  private readonly crumbs: HTMLDivElement;
  private readonly minimap: Minimap;
  private readonly menu: HTMLDivElement;
  private readonly moreButton: HTMLButtonElement;
  /** The cursor's task, marked in screen space so it shows at every zoom. */
  private readonly ring: HTMLDivElement;
  private readonly neighboursButton: HTMLButtonElement;
  private engineChoice: EngineChoice = 'auto';

  private readonly viewport: HTMLDivElement;
  private readonly canvas: HTMLDivElement;
  private readonly banner: HTMLDivElement;
  private readonly empty: HTMLDivElement;
  private readonly status: HTMLSpanElement;
  private readonly filterInput: HTMLInputElement;
  private readonly dirButton: HTMLButtonElement;
  private readonly groupButton: HTMLButtonElement;
  private readonly panzoom: PanZoom;
  private readonly tooltip: Tooltip;

  constructor(root: HTMLElement) {
    this.vscode = acquireVsCodeApi();
    const saved = parseViewState(this.vscode.getState()) ?? readInitialState();
    this.state = saved ?? { ...DEFAULT_VIEW_STATE };
    this.hasSavedTransform = !!saved;
    this.theme = readTheme();
    this.themeKey = themeKey(this.theme);

    // ---- toolbar ----
    const toolbar = h('div', { className: 'pm-toolbar', attrs: { role: 'toolbar', 'aria-label': 'Graph tools' } });
    const button = (text: string, title: string, onClick: () => void) => {
      const b = h('button', { text, title, attrs: { type: 'button' } });
      b.addEventListener('click', onClick);
      return b;
    };
    const sep = () => h('span', { className: 'pm-sep', attrs: { 'aria-hidden': 'true' } });
    this.dirButton = button('', 'Layout direction: top-down or left-right', () => {
      this.updateState({ direction: this.state.direction === 'TD' ? 'LR' : 'TD' }, true);
    });
    this.groupButton = button('Group by step', 'Draw one box per plan step', () => {
      this.updateState({ groupBySteps: !this.state.groupBySteps }, true);
    });
    this.filterInput = h('input', {
      attrs: {
        type: 'search',
        placeholder: 'Filter: task ID or text',
        'aria-label': 'Show only tasks related to this task ID or text',
        maxlength: '1000',
        spellcheck: 'false',
      },
    });
    this.filterInput.value = this.state.filter;
    let filterTimer: ReturnType<typeof setTimeout> | undefined;
    this.filterInput.addEventListener('input', () => {
      clearTimeout(filterTimer);
      filterTimer = setTimeout(() => this.updateState({ filter: this.filterInput.value }, true), 250);
    });
    this.filterInput.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') {
        clearTimeout(filterTimer);
        // Same filter again: step to the next match.
        if (this.filterInput.value === this.state.filter && this.state.filter.trim()) this.nextMatch(e.shiftKey ? -1 : 1);
        else this.updateState({ filter: this.filterInput.value }, true);
      } else if (e.key === 'Escape' && this.filterInput.value) {
        this.filterInput.value = '';
        clearTimeout(filterTimer);
        this.updateState({ filter: '' }, true);
      }
    });
    this.neighboursButton = button('\u00b11', 'Filter: also show the matches\u2019 direct prerequisites and dependents', () => {
      this.updateState({ neighbours: !this.state.neighbours }, true);
    });
    this.status = h('span', { className: 'pm-status', attrs: { 'aria-live': 'polite' } });
    // The toolbar never wraps: buttons that do not fit move, last first, into the "More" menu.
    const svgButton = button('SVG', 'Export the graph as SVG', () => this.exportSvg());
    const pngButton = button('PNG', 'Export the graph as PNG', () => void this.exportPng());
    const sourceButton = button('Copy source', 'Copy the mermaid source of this view', () => this.copySource());
    const moreButton = button('\u22ef', 'More actions', () => this.toggleMenu());
    moreButton.setAttribute('aria-haspopup', 'menu');
    moreButton.setAttribute('aria-expanded', 'false');
    moreButton.setAttribute('aria-label', 'More actions');
    this.moreButton = moreButton;
    this.menu = h('div', { className: 'pm-menu', attrs: { role: 'menu', 'aria-label': 'More actions' } });
    this.menu.hidden = true;
    const sepA = sep();
    const sepB = sep();
    toolbar.append(
      button('Fit', 'Fit the graph to the view (0)', () => this.fit()),
      button('+', 'Zoom in (+)', () => this.panzoom.zoomBy(1.2)),
      button('\u2212', 'Zoom out (-)', () => this.panzoom.zoomBy(1 / 1.2)),
      sepA,
      this.filterInput,
      this.neighboursButton,
      sepB,
      this.dirButton,
      this.groupButton,
      svgButton,
      pngButton,
      sourceButton,
      this.status,
      moreButton,
    );
    // Lowest priority first.
    const overflowable = [sourceButton, pngButton, svgButton, this.groupButton, this.dirButton];
    const layoutToolbar = () => {
      for (const b of [...overflowable].reverse()) this.status.before(b);
      moreButton.hidden = true;
      for (const b of overflowable) {
        if (toolbar.scrollWidth <= toolbar.clientWidth + 1) break;
        moreButton.hidden = false;
        this.menu.prepend(b);
      }
      sepB.hidden = overflowable.every((b) => b.parentElement === this.menu);
      if (moreButton.hidden) this.closeMenu();
    };
    new ResizeObserver(layoutToolbar).observe(toolbar);
    document.addEventListener('pointerdown', (e) => {
      if (!this.menu.hidden && !this.menu.contains(e.target as Node) && e.target !== moreButton) this.closeMenu();
    });
    this.menu.addEventListener('click', (e) => {
      if ((e.target as Element).closest('button')) this.closeMenu();
    });
    this.menu.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') {
        this.closeMenu();
        moreButton.focus();
      }
    });

    this.crumbs = h('div', { className: 'pm-crumbs', attrs: { role: 'navigation', 'aria-label': 'Graph view' } });
    this.banner = h('div', { className: 'pm-banner', attrs: { role: 'status' } });
    this.banner.hidden = true;
    this.viewport = h('div', {
      className: 'pm-viewport',
      attrs: { tabindex: '0', 'aria-label': 'Graph. Drag or use arrow keys to pan, +/- to zoom, 0 to fit.' },
    });
    this.canvas = h('div', { className: 'pm-canvas' });
    this.empty = h('div', { className: 'pm-empty', text: 'Waiting for the plan\u2026' });
    const legend = h('div', { className: 'pm-legend', attrs: { 'aria-label': 'Legend' } });
    for (const [cls, text] of [
      ['pm-key-critical', 'critical path'],
      ['pm-key-single', 'in table or diagram only'],
      ['pm-key-error', 'cycle / undefined'],
    ] as const) {
      const item = h('span', { className: 'pm-legend-item' });
      item.append(h('span', { className: `pm-key ${cls}`, attrs: { 'aria-hidden': 'true' } }), document.createTextNode(text));
      legend.append(item);
    }
    this.ring = h('div', { className: 'pm-ring', attrs: { 'aria-hidden': 'true' } });
    this.ring.hidden = true;
    this.minimap = new Minimap(
      () => {
        const r = this.viewport.getBoundingClientRect();
        return { width: r.width, height: r.height };
      },
      () => this.panzoom.transform,
      (x, y) => this.panzoom.centerOn(x, y),
      () => {
        const css = getComputedStyle(document.body);
        const v = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
        return {
          bg: v('--pm-bg', '#1e1e1e'),
          plain: v('--pm-muted', '#9d9d9d'),
          group: v('--pm-fg', '#cccccc'),
          critical: v('--pm-critical', '#d18616'),
          error: v('--pm-error', '#f14c4c'),
          frame: v('--pm-match', '#3794ff'),
          highlight: v('--pm-highlight', '#007fd4'),
        };
      },
    );
    this.viewport.append(this.canvas, this.ring, this.empty, legend, this.minimap.element);
    root.replaceChildren(toolbar, this.menu, this.crumbs, this.banner, this.viewport);
    this.tooltip = new Tooltip(document.body);

    this.panzoom = new PanZoom(this.viewport, this.canvas, (t) => this.updateState({ ...t }, false));
    this.panzoom.set({ zoom: this.state.zoom, panX: this.state.panX, panY: this.state.panY }, false);
    this.panzoom.fitHandler = () => this.fit();
    this.panzoom.afterChange = () => {
      this.minimap.redraw();
      this.placeRing();
      this.updateStepsHint();
    };
    this.syncToolbar();

    // ---- interaction ----
    document.addEventListener('keydown', (e) => {
      const t = e.target as HTMLElement | null;
      if (t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'BUTTON')) return;
      if (this.panzoom.onKey(e)) this.tooltip.hide();
    });
    this.viewport.addEventListener('click', (e) => {
      if (this.panzoom.suppressClick) {
        this.panzoom.suppressClick = false;
        return;
      }
      const group = this.groupAt(e.target);
      if (group !== undefined) {
        this.toggleGroup(group);
        return;
      }
      const task = this.taskAt(e.target);
      if (task !== undefined) this.post({ type: 'reveal', taskId: task });
    });
    this.viewport.addEventListener('keydown', (e) => {
      if (e.key !== 'Enter' && e.key !== ' ') return;
      const group = this.groupAt(e.target);
      if (group === undefined) return;
      e.preventDefault();
      this.toggleGroup(group);
    });
    this.viewport.addEventListener('pointerover', (e) => {
      const task = this.taskAt(e.target);
      if (task === undefined) return;
      this.tooltip.show(task, e.clientX, e.clientY);
      this.markRelated(task);
    });
    this.viewport.addEventListener('pointermove', (e) => this.tooltip.move(e.clientX, e.clientY));
    this.viewport.addEventListener('pointerout', (e) => {
      const from = this.taskAt(e.target);
      const to = this.taskAt(e.relatedTarget);
      if (from !== undefined && from !== to) {
        this.tooltip.hide();
        this.markRelated(null);
      }
    });
    this.viewport.addEventListener('pointerdown', () => this.tooltip.hide());
    window.addEventListener('resize', () => {
      if (!this.hasSavedTransform && this.rendered?.svg) this.fit(false);
    });

    // ---- theme changes (VS Code rewrites <body> classes and <html> style variables) ----
    let themeTimer: ReturnType<typeof setTimeout> | undefined;
    const onThemeMutation = () => {
      clearTimeout(themeTimer);
      themeTimer = setTimeout(() => this.refreshTheme(), 50);
    };
    const observer = new MutationObserver(onThemeMutation);
    observer.observe(document.body, { attributes: true, attributeFilter: ['class'] });
    observer.observe(document.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });

    window.addEventListener('message', (e: MessageEvent) => this.onMessage(e.data));
    this.post({ type: 'ready' });
  }

  private post(message: WebviewToExtensionMessage): void {
    this.vscode.postMessage(message);
  }

  private onMessage(raw: unknown): void {
    const parsed = parseExtensionMessage(raw);
    if (!parsed.ok) {
      console.warn(`planmark graph: ignored a message (${parsed.reason})`);
      return;
    }
    const msg: ExtensionToWebviewMessage = parsed.value;
    switch (msg.type) {
      case 'graph':
        // Another plan: start from a fitted view. Same plan: keep the user's zoom and pan.
        if (this.payload && this.payload.uri !== msg.payload.uri) this.fitNext = true;
        this.payload = msg.payload;
        this.tooltip.setPayload(msg.payload);
        this.hideBanner();
        this.requestRender();
        break;
      case 'stale':
        this.showBanner(msg.reason, false);
        break;
      case 'highlight':
        this.highlight(msg.taskId);
        // Focus follows the cursor.
        if (this.payload && this.viewFor(this.payload).view.focus?.task !== (this.shownMode === 'focus' ? this.shownFocus : undefined)) {
          this.fitNext = true;
          this.requestRender();
        }
        break;
      case 'settings':
        if (msg.focusThreshold !== this.focusThreshold) {
          this.focusThreshold = msg.focusThreshold;
          if (this.payload) this.requestRender();
        }
        break;
      case 'theme':
        this.refreshTheme(msg.kind);
        break;
    }
  }

  // ---- state ----

  private updateState(patch: Partial<GraphViewState>, relayout: boolean): void {
    this.state = { ...this.state, ...patch };
    if (relayout) {
      this.fitNext = true;
      this.syncToolbar();
      this.requestRender();
    } else {
      this.hasSavedTransform = true;
    }
    this.vscode.setState(this.state);
    clearTimeout(this.statePostTimer);
    if (relayout) this.post({ type: 'state', state: { ...this.state } });
    else this.statePostTimer = setTimeout(() => this.post({ type: 'state', state: { ...this.state } }), 300);
  }

  private syncToolbar(): void {
    this.dirButton.textContent = this.state.direction === 'TD' ? 'Top-down' : 'Left-right';
    this.dirButton.setAttribute('aria-label', `Direction: ${this.dirButton.textContent}. Click to switch.`);
    this.groupButton.setAttribute('aria-pressed', String(this.state.groupBySteps));
    this.neighboursButton.setAttribute('aria-pressed', String(!!this.state.neighbours));
    if (this.filterInput.value !== this.state.filter) this.filterInput.value = this.state.filter;
  }

  // ---- rendering ----

  private requestRender(): void {
    this.dirty = true;
    if (!this.rendering) void this.renderLoop();
  }

  private async renderLoop(): Promise<void> {
    this.rendering = true;
    try {
      while (this.dirty) {
        this.dirty = false;
        await this.renderOnce();
      }
    } finally {
      this.rendering = false;
    }
  }

  private async renderOnce(): Promise<void> {
    const payload = this.payload;
    if (!payload) return;
    const t0 = performance.now();
    let waited = 0;
    const beforeDraw = async (nodeCount: number) => {
      if (nodeCount < 150) return;
      // Drawing blocks the page while it works; let the status line paint first.
      this.status.textContent = `Drawing ${nodeCount} tasks\u2026`;
      const w0 = performance.now();
      await new Promise<void>((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
      waited = performance.now() - w0;
    };
    let result: RenderedGraph;
    try {
      const { view, mode, steps } = this.viewFor(payload);
      this.shownMode = mode;
      this.shownFocus = view.focus?.task ?? null;
      this.shownSteps = steps ?? payload.steps;
      result = await renderGraph(
        steps ? { ...payload, steps } : payload,
        view,
        this.theme,
        this.layoutChoice,
        this.engineChoice,
        this.rendered,
        beforeDraw,
      );
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      console.error('planmark graph: render failed', error);
      this.showBanner(`The graph could not be drawn: ${message.split('\n')[0]}`, true);
      return;
    }
    if (this.dirty) return; // a newer request supersedes this result

    this.tooltip.hide();
    this.rendered = result;
    if (result.svg) {
      if (this.canvas.firstChild !== result.svg || this.canvas.childNodes.length !== 1) this.canvas.replaceChildren(result.svg);
      this.empty.hidden = true;
    } else {
      this.canvas.replaceChildren();
      this.empty.textContent =
        payload.nodes.length === 0
          ? 'This plan has no tasks yet.'
          : `No task matches \u201c${this.state.filter.trim()}\u201d.`;
      this.empty.hidden = false;
    }
    // The breadcrumb's height changes the viewport's: settle it before fitting.
    this.updateCrumbs(payload, result);
    if (this.fitNext || !this.hasSavedTransform) {
      this.fitNext = false;
      this.fit(this.hasSavedTransform);
      // Keep the persisted state equal to what is shown, even for an automatic fit.
      this.state = { ...this.state, ...this.panzoom.transform };
      this.vscode.setState(this.state);
      // An overview whose fitted text would be too small to read shows fewer, larger groups
      // (ranges of steps) instead: the pitch of a chain of groups scales with their number.
      const groups = result.graph.groupNodes.size;
      const onScreenPx = this.panzoom.transform.zoom * themeFont(this.theme).size;
      if (this.shownMode === 'overview' && groups > 2 && !this.state.expanded?.length && onScreenPx < LEGIBLE_OVERVIEW_PX) {
        const maxGroups = Math.max(2, Math.floor((groups * onScreenPx) / LEGIBLE_OVERVIEW_PX));
        if (maxGroups < groups) {
          this.overviewLimit = { key: this.overviewKey(payload), maxGroups };
          this.fitNext = true;
          this.requestRender();
          return;
        }
      }
    }
    this.updateMinimap(result);
    if (this.highlighted) this.highlight(this.highlighted, false);
    else this.placeRing();
    this.updateStatus(payload, result);
    this.matchIndex = -1;
    // Time spent drawing, without the frame waited for the status line to paint.
    const ms = Math.round(performance.now() - t0 - waited);
    this.viewport.dataset.layout = result.layout;
    this.viewport.dataset.engine = result.engine;
    this.viewport.dataset.mermaidMs = String(Math.round(result.mermaidMs));
    this.post({ type: 'rendered', nodes: result.nodes.size, edges: result.edges.length, ms });
  }

  private updateStatus(payload: GraphPayload, result: RenderedGraph): void {
    // Tasks as the status bar counts them (with a row); tasks only named somewhere are counted apart.
    const defined = payload.nodes.filter((n) => n.defined).length;
    const parts = [`${defined} task${defined === 1 ? '' : 's'}`];
    if (defined !== payload.nodes.length) parts.push(`${payload.nodes.length - defined} without a row`);
    if (result.graph.nodeCount !== payload.nodes.length) parts.push(`${result.graph.nodeCount} shown`);
    if (payload.progress && payload.progress.total > 0) parts.push(`${payload.progress.done} of ${payload.progress.total} done`);
    const unestimated = payload.criticalPath.unestimated?.length ?? 0;
    const unknown = unestimated ? ` + ${unestimated} unestimated` : '';
    if (result.graph.mostlyCritical) {
      const all = payload.criticalPath.tasks.length >= payload.nodes.filter((n) => n.defined).length;
      parts.push(
        `${all ? 'every task is' : `${payload.criticalPath.tasks.length} tasks are`} on the critical path (${Math.round(payload.criticalPath.hours * 100) / 100}h${unknown})${all ? '' : ', slack shown on the others'}`,
      );
    } else if (payload.criticalPath.tasks.length) parts.push(`critical path ${Math.round(payload.criticalPath.hours * 100) / 100}h${unknown}`);
    if (payload.cycles.length) parts.push(`${payload.cycles.length} cycle${payload.cycles.length === 1 ? '' : 's'}`);
    this.status.textContent = parts.join(' \u00b7 ');
  }

  private toggleMenu(): void {
    if (this.menu.hidden) {
      this.menu.hidden = false;
      this.moreButton.setAttribute('aria-expanded', 'true');
      this.menu.querySelector('button')?.focus();
    } else this.closeMenu();
  }

  private closeMenu(): void {
    this.menu.hidden = true;
    this.moreButton.setAttribute('aria-expanded', 'false');
  }

  /** What to draw: the overview (steps collapsed on large plans) or the focus on the cursor's task. */
  private viewFor(payload: GraphPayload): { view: GraphView; mode: 'overview' | 'focus'; steps?: GraphPayload['steps'] } {
    const base: GraphView = {
      direction: this.state.direction,
      groupBySteps: this.state.groupBySteps,
      filter: this.state.filter,
      neighbours: !!this.state.neighbours,
    };
    const n = payload.nodes.length;
    const cursor = this.highlighted !== null && payload.nodes.some((x) => x.id === this.highlighted) ? this.highlighted : null;
    const mode = this.state.mode ?? (n > this.focusThreshold && cursor ? 'focus' : 'overview');
    if (mode === 'focus' && cursor) {
      return { view: { ...base, filter: '', focus: { task: cursor, depth: this.state.focusDepth ?? FOCUS_DEPTH } }, mode: 'focus' };
    }
    // A graph that cannot be shown legibly starts with its steps collapsed (tasks of a plan
    // without steps are chunked in table order), rather than labels shrunk to dust.
    const expanded = new Set(this.state.expanded ?? []);
    const steps = this.overviewSteps(payload);
    const collapse =
      !this.state.filter.trim() && steps.length >= 2 && n > COLLAPSE_MIN && !this.fitsLegibly(payload) && !steps.every((st) => expanded.has(st.title));
    const limit = this.overviewLimit?.key === this.overviewKey(payload) ? this.overviewLimit.maxGroups : undefined;
    const collapsed = { ...base, collapse: limit === undefined ? { expanded } : { expanded, maxGroups: limit } };
    if (collapse && steps !== payload.steps) return { view: collapsed, mode: 'overview', steps };
    return { view: collapse ? collapsed : base, mode: 'overview' };
  }

  /** The plan, direction and pane size an overview limit was measured for. */
  private overviewKey(payload: GraphPayload): string {
    const v = this.viewport.getBoundingClientRect();
    return `${payload.uri} ${this.state.direction} ${Math.round(v.width)}x${Math.round(v.height)}`;
  }

  private stepsCache = new WeakMap<GraphPayload, GraphPayload['steps']>();
  private legibleCache = new WeakMap<GraphPayload, Map<string, boolean>>();

  /** The payload's steps, or chunks of ten tasks (at most ~100 chunks) when it has fewer than two. */
  private overviewSteps(payload: GraphPayload): GraphPayload['steps'] {
    if (payload.steps.length >= 2) return payload.steps;
    let steps = this.stepsCache.get(payload);
    if (!steps) {
      steps = chunkSteps(payload, Math.max(10, Math.ceil(payload.nodes.length / 100)));
      this.stepsCache.set(payload, steps);
    }
    return steps;
  }

  /** True when the whole graph fits the view at a legible zoom (estimated before drawing). */
  private fitsLegibly(payload: GraphPayload): boolean {
    const v = this.viewport.getBoundingClientRect();
    const key = `${this.state.direction} ${Math.round(v.width)} ${Math.round(v.height)}`;
    let byView = this.legibleCache.get(payload);
    if (!byView) this.legibleCache.set(payload, (byView = new Map()));
    let fits = byView.get(key);
    if (fits === undefined) {
      const e = estimateExtent(payload, this.state.direction);
      fits = Math.min((v.width - 32) / Math.max(1, e.width), (v.height - 32) / Math.max(1, e.height)) >= LEGIBLE_ZOOM;
      byView.set(key, fits);
    }
    return fits;
  }

  private groupAt(target: EventTarget | null): string | undefined {
    if (!(target instanceof Element) || !this.rendered?.svg) return undefined;
    const g = target.closest('g.node, g.cluster');
    return g ? this.rendered.groupOf.get(g) : undefined;
  }

  /** Expands a collapsed step, or collapses an expanded one (a click on its box). */
  private toggleGroup(title: string): void {
    const expanded = new Set(this.state.expanded ?? []);
    if (expanded.has(title)) expanded.delete(title);
    else expanded.add(title);
    this.updateState({ expanded: [...expanded] }, true);
  }

  /** Offered when task labels are zoomed out below a legible size: the steps view instead. */
  private readonly stepsHint = (() => {
    const b = h('button', { className: 'pm-crumb', text: 'Labels too small \u2013 show steps', title: 'Draw every step as one node', attrs: { type: 'button' } });
    b.hidden = true;
    b.addEventListener('click', () => this.updateState({ expanded: [] }, true));
    return b;
  })();

  /** Shows the steps offer while an expanded overview's task labels are drawn below a legible size. */
  private updateStepsHint(): void {
    const payload = this.payload;
    const r = this.rendered;
    const tooSmall = this.panzoom.transform.zoom * themeFont(this.theme).size < LEGIBLE_TASK_PX;
    this.stepsHint.hidden = !(
      tooSmall &&
      payload &&
      r?.svg &&
      this.shownMode === 'overview' &&
      r.nodes.size > 0 &&
      this.overviewSteps(payload).length >= 2 &&
      payload.nodes.length > COLLAPSE_MIN &&
      !this.state.filter.trim() &&
      !this.fitsLegibly(payload)
    );
  }

  /** The breadcrumb: Overview > focus task (depth - n +), or the expanded steps. */
  private updateCrumbs(payload: GraphPayload, result: RenderedGraph): void {
    const items: HTMLElement[] = [];
    const link = (text: string, title: string, onClick: () => void) => {
      const b = h('button', { className: 'pm-crumb', text, title, attrs: { type: 'button' } });
      b.addEventListener('click', onClick);
      return b;
    };
    const sepEl = () => h('span', { className: 'pm-crumb-sep', text: '\u203a', attrs: { 'aria-hidden': 'true' } });
    if (this.shownMode === 'focus' && this.shownFocus) {
      items.push(link('Overview', 'Back to the whole plan', () => this.updateState({ mode: 'overview' }, true)), sepEl());
      items.push(h('span', { className: 'pm-crumb-current', text: `Focus: ${this.shownFocus}` }));
      const depth = this.state.focusDepth ?? FOCUS_DEPTH;
      items.push(
        h('span', { className: 'pm-crumb-label', text: `depth ${depth}` }),
        link('\u2212', 'Show fewer dependency steps around the task', () => this.updateState({ focusDepth: Math.max(0, depth - 1) }, true)),
        link('+', 'Show more dependency steps around the task', () => this.updateState({ focusDepth: Math.min(50, depth + 1) }, true)),
      );
    } else {
      items.push(h('span', { className: 'pm-crumb-current', text: 'Overview' }));
      if (result.graph.groupNodes.size > 0) {
        items.push(h('span', { className: 'pm-crumb-label', text: `${this.shownSteps.length} ${payload.steps.length >= 2 ? 'steps' : 'groups of tasks'}, ${result.graph.groupNodes.size} node${result.graph.groupNodes.size === 1 ? '' : 's'} collapsed` }));
        if (result.graph.groupNodes.size > 0) {
          items.push(link('Expand all', 'Draw every task', () => this.updateState({ expanded: this.shownSteps.map((st) => st.title) }, true)));
        }
        if (this.state.expanded?.length) items.push(link('Collapse all', 'Draw every step as one node', () => this.updateState({ expanded: [] }, true)));
      }
      if (this.highlighted && payload.nodes.some((x) => x.id === this.highlighted)) {
        items.push(sepEl(), link(`Focus on ${this.highlighted}`, 'Show the neighbourhood of the task under the cursor', () => this.updateState({ mode: 'focus' }, true)));
      }
    }
    this.crumbs.replaceChildren(...items, this.stepsHint);
    this.updateStepsHint();
  }

  /** Find: centres the next (or previous) match and highlights it. */
  private nextMatch(step: number): void {
    const r = this.rendered;
    const matches = r?.graph.matches.filter((m) => r.nodes.has(m)) ?? [];
    if (!r?.svg || matches.length === 0) return;
    this.matchIndex = (this.matchIndex + step + matches.length) % matches.length;
    const id = matches[this.matchIndex]!;
    this.status.textContent = `match ${this.matchIndex + 1} of ${matches.length}: ${id}`;
    this.highlight(id, false);
    this.centreOnTask(id);
  }

  private centreOnTask(id: string): void {
    const g = this.rendered?.nodes.get(id);
    if (!g) return;
    const nb = g.getBoundingClientRect();
    const cb = this.canvas.getBoundingClientRect();
    const z = this.panzoom.transform.zoom;
    this.panzoom.centerOn((nb.left + nb.width / 2 - cb.left) / z, (nb.top + nb.height / 2 - cb.top) / z);
  }

  /** An element's box in the drawing's natural coordinates. */
  private naturalBox(el: Element): { x: number; y: number; width: number; height: number } {
    const b = el.getBoundingClientRect();
    const c = this.canvas.getBoundingClientRect();
    const z = this.panzoom.transform.zoom;
    return { x: (b.left - c.left) / z, y: (b.top - c.top) / z, width: b.width / z, height: b.height / z };
  }

  /** The minimap: shown when the whole graph only fits below a legible zoom. */
  private updateMinimap(result: RenderedGraph): void {
    if (!result.svg) {
      this.minimap.setGraph([], 1, 1, false);
      return;
    }
    const v = this.viewport.getBoundingClientRect();
    const fitZoom = Math.min((v.width - 32) / result.width, (v.height - 32) / result.height);
    const show = fitZoom < LEGIBLE_ZOOM;
    const nodes: MinimapNode[] = [];
    if (show) {
      for (const g of Array.from(result.svg.querySelectorAll('g.node'))) {
        const cl = g.classList;
        const kind = cl.contains('pmError') ? 'error' : cl.contains('pmCritical') ? 'critical' : cl.contains('pm-group-node') ? 'group' : 'plain';
        nodes.push({ ...this.naturalBox(g), kind });
      }
    }
    this.minimap.setGraph(nodes, result.width, result.height, show);
  }

  /** Places the screen-space ring around the cursor's task (at least 16 px, whatever the zoom). */
  private placeRing(): void {
    const g = this.highlighted === null ? undefined : this.rendered?.nodes.get(this.highlighted);
    if (!g || !this.rendered?.svg) {
      this.ring.hidden = true;
      return;
    }
    const b = g.getBoundingClientRect();
    const v = this.viewport.getBoundingClientRect();
    const w = Math.max(16, b.width);
    const hgt = Math.max(16, b.height);
    const left = b.left - v.left + b.width / 2 - w / 2;
    const top = b.top - v.top + b.height / 2 - hgt / 2;
    this.ring.style.left = `${left - 4}px`;
    this.ring.style.top = `${top - 4}px`;
    this.ring.style.width = `${w + 8}px`;
    this.ring.style.height = `${hgt + 8}px`;
    this.ring.hidden = false;
  }

  private fit(notify = true): void {
    const r = this.rendered;
    if (r?.svg) this.panzoom.fit(r.width, r.height, notify);
  }

  private refreshTheme(kind?: ThemeKind): void {
    const theme = readTheme(kind);
    const key = themeKey(theme);
    if (key === this.themeKey) return;
    this.theme = theme;
    this.themeKey = key;
    if (this.payload) this.requestRender();
  }

  // ---- nodes ----

  private taskAt(target: EventTarget | null): string | undefined {
    if (!(target instanceof Element) || !this.rendered?.svg) return undefined;
    const g = target.closest('g.node');
    return g ? this.rendered.taskOf.get(g) : undefined;
  }

  private markRelated(task: string | null): void {
    const r = this.rendered;
    if (!r?.svg) return;
    r.svg.querySelectorAll('.pm-related').forEach((e) => e.classList.remove('pm-related'));
    if (task === null || r.nodes.size > 400) {
      r.svg.classList.remove('pm-has-hover');
      return;
    }
    r.svg.classList.add('pm-has-hover');
    r.nodes.get(task)?.classList.add('pm-related');
    for (const { el, info } of r.edges) {
      if (info.from === task || info.to === task) {
        el.classList.add('pm-related');
        r.nodes.get(info.from === task ? info.to : info.from)?.classList.add('pm-related');
      }
    }
  }

  private highlight(taskId: string | null, reveal = true): void {
    this.highlighted = taskId;
    const r = this.rendered;
    if (!r?.svg) return;
    r.svg.querySelectorAll('.pm-highlight').forEach((e) => {
      e.classList.remove('pm-highlight');
      for (const shape of Array.from(e.querySelectorAll<SVGElement>('rect, polygon, circle, path.basic'))) {
        const saved = savedStrokes.get(shape);
        if (!saved) continue;
        for (const [name, value, priority] of saved) {
          if (value) shape.style.setProperty(name, value, priority);
          else shape.style.removeProperty(name);
        }
        savedStrokes.delete(shape);
      }
    });
    const g = taskId === null ? undefined : r.nodes.get(taskId);
    this.placeRing();
    this.minimap.setHighlight(g ? this.naturalBox(g) : null);
    if (!g) return;
    g.classList.add('pm-highlight');
    // Mermaid writes the critical and error colours inline with !important, which a stylesheet
    // cannot override; the highlight goes inline too, and the node's own stroke comes back above.
    for (const shape of Array.from(g.querySelectorAll<SVGElement>('rect, polygon, circle, path.basic'))) {
      savedStrokes.set(
        shape,
        ['stroke', 'stroke-width'].map((name) => [name, shape.style.getPropertyValue(name), shape.style.getPropertyPriority(name)] as const),
      );
      shape.style.setProperty('stroke', 'var(--pm-highlight)', 'important');
      shape.style.setProperty('stroke-width', '4px', 'important');
    }
    if (!reveal) return;
    const nb = g.getBoundingClientRect();
    const cb = this.canvas.getBoundingClientRect();
    const z = this.panzoom.transform.zoom;
    const x = (nb.left + nb.width / 2 - cb.left) / z;
    const y = (nb.top + nb.height / 2 - cb.top) / z;
    if (!this.panzoom.isVisible(x, y)) this.panzoom.centerOn(x, y);
  }

  // ---- banner ----

  private showBanner(text: string, error: boolean): void {
    this.banner.textContent = text.replace(/\s+/g, ' ').trim();
    this.banner.title = this.banner.textContent;
    this.banner.classList.toggle('pm-error-banner', error);
    this.banner.hidden = false;
  }

  private hideBanner(): void {
    this.banner.hidden = true;
    this.banner.textContent = '';
  }

  // ---- export ----

  private singleEdgeColor(): string {
    return toHex(getComputedStyle(document.body).getPropertyValue('--pm-single'), this.theme.background) ?? '#cca700';
  }

  private exportSvg(): void {
    const svg = this.rendered?.svg;
    if (!svg) return;
    this.post({ type: 'exportSvg', svg: svgDocument(svg, this.theme, this.singleEdgeColor()) });
  }

  private async exportPng(): Promise<void> {
    const r = this.rendered;
    if (!r?.svg) return;
    try {
      const doc = svgDocument(r.svg, this.theme, this.singleEdgeColor());
      const dataUrl = await pngDataUrl(doc, r.width, r.height, this.theme.background);
      this.post({ type: 'exportPng', dataUrl });
    } catch (error) {
      this.showBanner(`PNG export failed: ${error instanceof Error ? error.message : String(error)}`, true);
    }
  }

  private copySource(): void {
    const r = this.rendered;
    if (r) this.post({ type: 'copySource', source: r.graph.source });
  }

  /** For tests and benchmarks: force the layout of the next renders ('auto' picks by size). */
  setLayout(choice: LayoutChoice): void {
    this.layoutChoice = choice;
  }

  /** For tests and benchmarks: force who draws the next renders ('auto' picks by size). */
  setEngine(choice: EngineChoice): void {
    this.engineChoice = choice;
  }
}

function start(): void {
  const root = document.getElementById('app') ?? document.body.appendChild(document.createElement('div'));
  const app = new GraphApp(root);
  // Test/bench hook (not reachable by plan text: nothing in the page evaluates plan content).
  const hooks = window as unknown as {
    __planmarkSetLayout?: (c: LayoutChoice) => void;
    __planmarkSetEngine?: (c: EngineChoice) => void;
  };
  hooks.__planmarkSetLayout = (c) => app.setLayout(c === 'dagre' || c === 'elk' || c === 'layered' ? c : 'auto');
  hooks.__planmarkSetEngine = (c) => app.setEngine(c === 'mermaid' || c === 'direct' ? c : 'auto');
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();

// A minimap of the whole drawing in a corner of the view, shown when the graph does not fit
// legibly: every node as a small box (critical, error and highlighted ones in their colours)
// and the visible part as a frame. A click or a drag on it centres the view there. Drawn on a
// <canvas> from node positions read once per drawing; no plan text is involved.
import type { Transform } from './panzoom';

export interface MinimapNode {
  /** Natural (untransformed) coordinates of the node's box. */
  x: number;
  y: number;
  width: number;
  height: number;
  kind: 'plain' | 'critical' | 'error' | 'group';
}

const WIDTH = 180;
const HEIGHT = 130;

export class Minimap {
  readonly element: HTMLCanvasElement;
  private nodes: MinimapNode[] = [];
  private extent = { width: 1, height: 1 };
  private scale = 1;
  private offset = { x: 0, y: 0 };
  private highlight: { x: number; y: number; width: number; height: number } | null = null;
  private frame = 0;

  constructor(
    private readonly viewportSize: () => { width: number; height: number },
    private readonly transform: () => Transform,
    private readonly centreOn: (x: number, y: number) => void,
    private readonly colors: () => Record<MinimapNode['kind'] | 'frame' | 'highlight' | 'bg', string>,
  ) {
    this.element = document.createElement('canvas');
    this.element.className = 'pm-minimap';
    this.element.width = WIDTH * devicePixelRatio;
    this.element.height = HEIGHT * devicePixelRatio;
    this.element.style.width = `${WIDTH}px`;
    this.element.style.height = `${HEIGHT}px`;
    this.element.setAttribute('role', 'img');
    this.element.setAttribute('aria-label', 'Minimap of the whole graph; click to move the view there');
    this.element.hidden = true;
    let dragging = false;
    const go = (e: PointerEvent) => {
      const r = this.element.getBoundingClientRect();
      this.centreOn((e.clientX - r.left - this.offset.x) / this.scale, (e.clientY - r.top - this.offset.y) / this.scale);
    };
    // The minimap handles its own pointer: the viewport's pan must not see it.
    const stop = (e: Event) => e.stopPropagation();
    this.element.addEventListener('mousedown', stop);
    this.element.addEventListener('touchstart', stop);
    this.element.addEventListener('wheel', stop);
    this.element.addEventListener('click', stop);
    this.element.addEventListener('pointerdown', (e) => {
      e.stopPropagation();
      dragging = true;
      this.element.setPointerCapture?.(e.pointerId);
      go(e);
    });
    this.element.addEventListener('pointermove', (e) => {
      if (dragging) go(e);
    });
    const end = (e: PointerEvent) => {
      dragging = false;
      this.element.releasePointerCapture?.(e.pointerId);
    };
    this.element.addEventListener('pointerup', end);
    this.element.addEventListener('pointercancel', end);
  }

  /** New drawing: its nodes and size; `show` says whether the minimap is needed. */
  setGraph(nodes: MinimapNode[], width: number, height: number, show: boolean): void {
    this.nodes = nodes;
    this.extent = { width: Math.max(1, width), height: Math.max(1, height) };
    this.scale = Math.min((WIDTH - 8) / this.extent.width, (HEIGHT - 8) / this.extent.height);
    this.offset = { x: (WIDTH - this.extent.width * this.scale) / 2, y: (HEIGHT - this.extent.height * this.scale) / 2 };
    this.element.hidden = !show;
    this.redraw();
  }

  setHighlight(box: { x: number; y: number; width: number; height: number } | null): void {
    this.highlight = box;
    this.redraw();
  }

  /** Redraws on the next frame (coalesced). */
  redraw(): void {
    if (this.element.hidden || this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.paint();
    });
  }

  private paint(): void {
    const ctx = this.element.getContext('2d');
    if (!ctx) return;
    const c = this.colors();
    const dpr = devicePixelRatio;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, WIDTH, HEIGHT);
    ctx.fillStyle = c.bg;
    ctx.fillRect(0, 0, WIDTH, HEIGHT);
    const s = this.scale;
    const box = (b: { x: number; y: number; width: number; height: number }) =>
      [this.offset.x + b.x * s, this.offset.y + b.y * s, Math.max(1, b.width * s), Math.max(1, b.height * s)] as const;
    for (const kind of ['plain', 'group', 'critical', 'error'] as const) {
      ctx.fillStyle = c[kind];
      for (const n of this.nodes) if (n.kind === kind) ctx.fillRect(...box(n));
    }
    if (this.highlight) {
      const [x, y, w, h] = box(this.highlight);
      ctx.strokeStyle = c.highlight;
      ctx.lineWidth = 2;
      ctx.strokeRect(x - 2, y - 2, w + 4, h + 4);
    }
    // The visible part of the graph.
    const t = this.transform();
    const v = this.viewportSize();
    ctx.strokeStyle = c.frame;
    ctx.lineWidth = 1.5;
    ctx.strokeRect(this.offset.x + (-t.panX / t.zoom) * s, this.offset.y + (-t.panY / t.zoom) * s, (v.width / t.zoom) * s, (v.height / t.zoom) * s);
  }
}

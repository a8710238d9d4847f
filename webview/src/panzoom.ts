// Pan & zoom of the rendered SVG: a CSS transform on the canvas element inside a clipping
// viewport, driven by d3-zoom (wheel, trackpad pinch, touch pinch, drag), plus the keyboard:
// + / - zoom, 0 fits, arrows pan. The transform survives redraws (the canvas element is kept).
import { select, type Selection } from 'd3-selection';
import { zoom, zoomIdentity, type D3ZoomEvent, type ZoomBehavior } from 'd3-zoom';

export interface Transform {
  zoom: number;
  panX: number;
  panY: number;
}

export const MIN_ZOOM = 0.02;
export const MAX_ZOOM = 8;

export class PanZoom {
  private t: Transform = { zoom: 1, panX: 0, panY: 0 };
  /** Lowest zoom: MIN_ZOOM, or lower when the graph needs it to fit (see fit). */
  private minZoom = MIN_ZOOM;
  private notify = true;
  private readonly behavior: ZoomBehavior<HTMLElement, unknown>;
  private readonly selection: Selection<HTMLElement, unknown, null, undefined>;
  /** d3-zoom swallows the click that ends a drag itself; kept for callers. */
  suppressClick = false;

  constructor(
    private readonly viewport: HTMLElement,
    private readonly canvas: HTMLElement,
    private readonly onChange: (t: Transform) => void,
  ) {
    // d3-zoom: wheel and trackpad (ctrl+wheel is a pinch) zoom around the pointer, drag pans,
    // two-finger touch pinches. Shift+wheel pans instead (below).
    this.behavior = zoom<HTMLElement, unknown>()
      .scaleExtent([MIN_ZOOM, MAX_ZOOM])
      .filter((e: Event) => {
        if (e.type === 'wheel') return !(e as WheelEvent).shiftKey;
        const m = e as MouseEvent;
        return (!m.ctrlKey || e.type === 'touchstart') && !m.button;
      })
      .wheelDelta((e: WheelEvent) => {
        const unit = e.deltaMode === 1 ? 16 : e.deltaMode === 2 ? 400 : 1;
        const d = Math.max(-200, Math.min(200, e.deltaY * unit));
        return -d * (e.ctrlKey ? 0.01 : 0.0015);
      })
      .on('zoom', (e: D3ZoomEvent<HTMLElement, unknown>) => {
        const k = e.transform;
        this.t = { zoom: k.k, panX: k.x, panY: k.y };
        this.canvas.style.transform = `translate(${k.x}px, ${k.y}px) scale(${k.k})`;
        if (this.notify) this.onChange(this.transform);
        this.afterChange?.();
      });
    this.selection = select(viewport);
    this.selection.call(this.behavior).on('dblclick.zoom', null);
    viewport.addEventListener(
      'wheel',
      (e) => {
        if (!e.shiftKey) return;
        e.preventDefault();
        this.panBy(-e.deltaX, -e.deltaY);
      },
      { passive: false },
    );
  }

  /** Called after every change of the transform (e.g. to move screen-space overlays). */
  afterChange?: () => void;

  get transform(): Transform {
    return { ...this.t };
  }

  private clamp(z: number): number {
    return Math.min(MAX_ZOOM, Math.max(this.minZoom, z));
  }

  set(t: Transform, notify = true): void {
    const k = this.clamp(t.zoom);
    this.notify = notify;
    try {
      this.selection.call(this.behavior.transform, zoomIdentity.translate(t.panX, t.panY).scale(k));
    } finally {
      this.notify = true;
    }
  }

  /** Zooms by `factor` keeping the viewport point (cx, cy) fixed. */
  zoomBy(factor: number, cx?: number, cy?: number): void {
    const rect = this.viewport.getBoundingClientRect();
    const x = cx ?? rect.width / 2;
    const y = cy ?? rect.height / 2;
    const zoom = this.clamp(this.t.zoom * factor);
    const k = zoom / this.t.zoom;
    this.set({ zoom, panX: x - (x - this.t.panX) * k, panY: y - (y - this.t.panY) * k });
  }

  panBy(dx: number, dy: number): void {
    this.set({ zoom: this.t.zoom, panX: this.t.panX + dx, panY: this.t.panY + dy });
  }

  /** Fits content of the given natural size into the viewport (never enlarging past 1.5x). */
  fit(width: number, height: number, notify = true): void {
    const rect = this.viewport.getBoundingClientRect();
    if (width <= 0 || height <= 0 || rect.width <= 0 || rect.height <= 0) return;
    const pad = 16;
    const needed = Math.min((rect.width - 2 * pad) / width, (rect.height - 2 * pad) / height, 1.5);
    // "Fit" always fits: the lowest zoom follows the graph's extent.
    this.minZoom = Math.min(MIN_ZOOM, needed / 2);
    this.behavior.scaleExtent([this.minZoom, MAX_ZOOM]);
    const zoom = this.clamp(needed);
    this.set(
      { zoom, panX: (rect.width - width * zoom) / 2, panY: Math.max(pad, (rect.height - height * zoom) / 2) },
      notify,
    );
  }

  /** Pans so that the content point (x, y) (natural coordinates) is centred. */
  centerOn(x: number, y: number): void {
    const rect = this.viewport.getBoundingClientRect();
    this.set({ zoom: this.t.zoom, panX: rect.width / 2 - x * this.t.zoom, panY: rect.height / 2 - y * this.t.zoom });
  }

  /** True when the content point (x, y) is inside the viewport. */
  isVisible(x: number, y: number): boolean {
    const rect = this.viewport.getBoundingClientRect();
    const vx = x * this.t.zoom + this.t.panX;
    const vy = y * this.t.zoom + this.t.panY;
    return vx >= 0 && vy >= 0 && vx <= rect.width && vy <= rect.height;
  }

  /** Handles + / - / 0 / arrows; returns true when the key was used. */
  onKey(e: KeyboardEvent, fitAll?: () => void): boolean {
    if (e.ctrlKey || e.metaKey || e.altKey) return false;
    const step = 60;
    switch (e.key) {
      case '+':
      case '=':
        this.zoomBy(1.2);
        break;
      case '-':
      case '_':
        this.zoomBy(1 / 1.2);
        break;
      case '0':
        (fitAll ?? this.fitHandler)?.();
        break;
      case 'ArrowLeft':
        this.panBy(step, 0);
        break;
      case 'ArrowRight':
        this.panBy(-step, 0);
        break;
      case 'ArrowUp':
        this.panBy(0, step);
        break;
      case 'ArrowDown':
        this.panBy(0, -step);
        break;
      default:
        return false;
    }
    e.preventDefault();
    return true;
  }

  /** Called for the `0` key. */
  fitHandler?: () => void;
}

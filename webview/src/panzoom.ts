// Pan & zoom of the rendered SVG: a CSS transform on the canvas element inside a clipping
// viewport. Wheel zooms around the pointer, dragging pans, keyboard: + / - zoom, 0 fits,
// arrows pan. The transform survives redraws (the canvas element is kept).

export interface Transform {
  zoom: number;
  panX: number;
  panY: number;
}

export const MIN_ZOOM = 0.02;
export const MAX_ZOOM = 8;

const clampZoom = (z: number) => Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, z));

export class PanZoom {
  private t: Transform = { zoom: 1, panX: 0, panY: 0 };
  private drag: { x: number; y: number; panX: number; panY: number; id: number; moved: boolean } | null = null;
  /** True right after a drag that moved, so the click that ends it is not a node click. */
  suppressClick = false;

  constructor(
    private readonly viewport: HTMLElement,
    private readonly canvas: HTMLElement,
    private readonly onChange: (t: Transform) => void,
  ) {
    viewport.addEventListener('wheel', (e) => this.onWheel(e), { passive: false });
    viewport.addEventListener('pointerdown', (e) => this.onPointerDown(e));
    viewport.addEventListener('pointermove', (e) => this.onPointerMove(e));
    viewport.addEventListener('pointerup', (e) => this.onPointerUp(e));
    viewport.addEventListener('pointercancel', (e) => this.onPointerUp(e));
  }

  get transform(): Transform {
    return { ...this.t };
  }

  set(t: Transform, notify = true): void {
    this.t = { zoom: clampZoom(t.zoom), panX: t.panX, panY: t.panY };
    this.canvas.style.transform = `translate(${this.t.panX}px, ${this.t.panY}px) scale(${this.t.zoom})`;
    if (notify) this.onChange(this.transform);
  }

  /** Zooms by `factor` keeping the viewport point (cx, cy) fixed. */
  zoomBy(factor: number, cx?: number, cy?: number): void {
    const rect = this.viewport.getBoundingClientRect();
    const x = cx ?? rect.width / 2;
    const y = cy ?? rect.height / 2;
    const zoom = clampZoom(this.t.zoom * factor);
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
    const zoom = clampZoom(Math.min((rect.width - 2 * pad) / width, (rect.height - 2 * pad) / height, 1.5));
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

  private onWheel(e: WheelEvent): void {
    e.preventDefault();
    const rect = this.viewport.getBoundingClientRect();
    if (e.shiftKey) {
      this.panBy(-e.deltaY, -e.deltaX);
      return;
    }
    const unit = e.deltaMode === 1 ? 16 : e.deltaMode === 2 ? rect.height : 1;
    const delta = Math.max(-200, Math.min(200, e.deltaY * unit));
    this.zoomBy(Math.exp(-delta * 0.0015), e.clientX - rect.left, e.clientY - rect.top);
  }

  private onPointerDown(e: PointerEvent): void {
    if (e.button !== 0) return;
    this.drag = { x: e.clientX, y: e.clientY, panX: this.t.panX, panY: this.t.panY, id: e.pointerId, moved: false };
    this.suppressClick = false;
  }

  private onPointerMove(e: PointerEvent): void {
    const d = this.drag;
    if (!d || d.id !== e.pointerId) return;
    const dx = e.clientX - d.x;
    const dy = e.clientY - d.y;
    if (!d.moved && Math.hypot(dx, dy) < 4) return;
    if (!d.moved) {
      d.moved = true;
      this.viewport.setPointerCapture?.(e.pointerId);
      this.viewport.classList.add('pm-dragging');
    }
    this.set({ zoom: this.t.zoom, panX: d.panX + dx, panY: d.panY + dy });
  }

  private onPointerUp(e: PointerEvent): void {
    const d = this.drag;
    if (!d || d.id !== e.pointerId) return;
    this.drag = null;
    this.viewport.classList.remove('pm-dragging');
    if (d.moved) {
      this.suppressClick = true;
      this.viewport.releasePointerCapture?.(e.pointerId);
    }
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

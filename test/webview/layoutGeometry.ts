// Geometry of a drawn graph, for the layout tests and the layout bench: edge crossings (proper
// intersections of the drawn routes of two edges that share no end) and edges passing through a
// node box that is not one of their ends. Routes are the polylines the SVG draws (curves are
// flattened by the caller, see routePolyline in webview/src/layeredLayout.ts).

export interface Pt {
  x: number;
  y: number;
}

export interface NodeBox {
  key: string;
  /** Centre and size. */
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface DrawnEdge {
  from: string;
  to: string;
  points: Pt[];
}

interface Segment {
  edge: number;
  ax: number;
  ay: number;
  bx: number;
  by: number;
}

const orient = (ax: number, ay: number, bx: number, by: number, cx: number, cy: number) => (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);

/** True when the segments cross at a point inside both (touching or collinear overlap is not a crossing). */
function properCross(s: Segment, t: Segment): boolean {
  const d1 = orient(s.ax, s.ay, s.bx, s.by, t.ax, t.ay);
  const d2 = orient(s.ax, s.ay, s.bx, s.by, t.bx, t.by);
  const d3 = orient(t.ax, t.ay, t.bx, t.by, s.ax, s.ay);
  const d4 = orient(t.ax, t.ay, t.bx, t.by, s.bx, s.by);
  const eps = 1e-6;
  return ((d1 > eps && d2 < -eps) || (d1 < -eps && d2 > eps)) && ((d3 > eps && d4 < -eps) || (d3 < -eps && d4 > eps));
}

/** Calls `visit` once for every pair of segments whose bounding boxes share a grid cell. */
function forCandidatePairs(segments: Segment[], cell: number, visit: (a: Segment, b: Segment) => void): void {
  const grid = new Map<string, number[]>();
  segments.forEach((s, i) => {
    const x0 = Math.floor(Math.min(s.ax, s.bx) / cell);
    const x1 = Math.floor(Math.max(s.ax, s.bx) / cell);
    const y0 = Math.floor(Math.min(s.ay, s.by) / cell);
    const y1 = Math.floor(Math.max(s.ay, s.by) / cell);
    for (let gx = x0; gx <= x1; gx++) {
      for (let gy = y0; gy <= y1; gy++) {
        const k = `${gx},${gy}`;
        const list = grid.get(k);
        if (list) list.push(i);
        else grid.set(k, [i]);
      }
    }
  });
  const seen = new Set<number>();
  const n = segments.length;
  for (const list of grid.values()) {
    for (let a = 0; a < list.length; a++) {
      for (let b = a + 1; b < list.length; b++) {
        const i = Math.min(list[a]!, list[b]!);
        const j = Math.max(list[a]!, list[b]!);
        const key = i * n + j;
        if (seen.has(key)) continue;
        seen.add(key);
        visit(segments[i]!, segments[j]!);
      }
    }
  }
}

function segmentsOf(edges: DrawnEdge[]): Segment[] {
  const out: Segment[] = [];
  edges.forEach((e, edge) => {
    for (let k = 1; k < e.points.length; k++) {
      const a = e.points[k - 1]!;
      const b = e.points[k]!;
      if (a.x === b.x && a.y === b.y) continue;
      out.push({ edge, ax: a.x, ay: a.y, bx: b.x, by: b.y });
    }
  });
  return out;
}

/** Number of pairs of edges (sharing no end) whose routes cross, counted once per crossing point. */
export function countCrossings(edges: DrawnEdge[], cell = 200): number {
  const segments = segmentsOf(edges);
  const seen = new Set<string>();
  let count = 0;
  forCandidatePairs(segments, cell, (s, t) => {
    if (s.edge === t.edge) return;
    const e = edges[s.edge]!;
    const f = edges[t.edge]!;
    if (e.from === f.from || e.from === f.to || e.to === f.from || e.to === f.to) return;
    if (!properCross(s, t)) return;
    // One crossing point may split into two segment pairs when it lies on a sample joint.
    const x = Math.round((s.ax + s.bx + t.ax + t.bx) / 4);
    const key = `${Math.min(s.edge, t.edge)},${Math.max(s.edge, t.edge)},${Math.round(x / 4)}`;
    if (seen.has(key)) return;
    seen.add(key);
    count++;
  });
  return count;
}

/** True when the segment a-b passes through the inside of the box (shrunk by `inset` on every side). */
export function segmentHitsBox(a: Pt, b: Pt, box: NodeBox, inset = 1): boolean {
  const x0 = box.x - box.width / 2 + inset;
  const x1 = box.x + box.width / 2 - inset;
  const y0 = box.y - box.height / 2 + inset;
  const y1 = box.y + box.height / 2 - inset;
  if (x0 >= x1 || y0 >= y1) return false;
  // Liang-Barsky clipping.
  let t0 = 0;
  let t1 = 1;
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  for (const [p, q] of [
    [-dx, a.x - x0],
    [dx, x1 - a.x],
    [-dy, a.y - y0],
    [dy, y1 - a.y],
  ] as const) {
    if (p === 0) {
      if (q <= 0) return false;
    } else {
      const r = q / p;
      if (p < 0) {
        if (r > t1) return false;
        if (r > t0) t0 = r;
      } else {
        if (r < t0) return false;
        if (r < t1) t1 = r;
      }
    }
  }
  return t1 - t0 > 1e-9;
}

/** Edges whose route passes through a node box other than their own ends' (each edge counted once). */
export function edgesThroughNodes(edges: DrawnEdge[], nodes: NodeBox[], cell = 200): { from: string; to: string; node: string }[] {
  const grid = new Map<string, NodeBox[]>();
  for (const b of nodes) {
    for (let gx = Math.floor((b.x - b.width / 2) / cell); gx <= Math.floor((b.x + b.width / 2) / cell); gx++) {
      for (let gy = Math.floor((b.y - b.height / 2) / cell); gy <= Math.floor((b.y + b.height / 2) / cell); gy++) {
        const k = `${gx},${gy}`;
        const list = grid.get(k);
        if (list) list.push(b);
        else grid.set(k, [b]);
      }
    }
  }
  const out: { from: string; to: string; node: string }[] = [];
  for (const e of edges) {
    let hit: string | undefined;
    for (let k = 1; k < e.points.length && hit === undefined; k++) {
      const a = e.points[k - 1]!;
      const b = e.points[k]!;
      const candidates = new Set<NodeBox>();
      for (let gx = Math.floor(Math.min(a.x, b.x) / cell); gx <= Math.floor(Math.max(a.x, b.x) / cell); gx++) {
        for (let gy = Math.floor(Math.min(a.y, b.y) / cell); gy <= Math.floor(Math.max(a.y, b.y) / cell); gy++) {
          for (const box of grid.get(`${gx},${gy}`) ?? []) candidates.add(box);
        }
      }
      for (const box of candidates) {
        if (box.key === e.from || box.key === e.to) continue;
        if (segmentHitsBox(a, b, box)) {
          hit = box.key;
          break;
        }
      }
    }
    if (hit !== undefined) out.push({ from: e.from, to: e.to, node: hit });
  }
  return out;
}

/** Graphs the layout bench and tests use: "wide" (many parallel tasks per rank) and "deep" (a long chain with skips). */
export function benchGraph(shape: 'wide' | 'deep', n: number): { nodes: string[]; edges: [number, number][] } {
  const edges: [number, number][] = [];
  if (shape === 'deep') {
    // bench/generatePlan.ts's dependencies: a chain with a skip edge of 11 every third task.
    for (let i = 1; i < n; i++) {
      edges.push([i - 1, i]);
      if (i + 1 > 12 && (i + 1) % 3 === 0) edges.push([i - 11, i]);
    }
  } else {
    // Levels of 25 tasks; each task depends on one or two tasks of the previous three levels
    // (deterministic pseudo-random), so ranks are wide and edges cross unless ordered well.
    const width = 25;
    let seed = 12345;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    for (let i = width; i < n; i++) {
      const level = Math.floor(i / width);
      const deps = new Set<number>();
      const count = rand() < 0.4 ? 2 : 1;
      for (let k = 0; k < count; k++) {
        const back = 1 + Math.floor(rand() * Math.min(3, level) * (rand() < 0.7 ? 0.34 : 1));
        const from = (level - back) * width + Math.floor(rand() * width);
        deps.add(from);
      }
      for (const d of deps) edges.push([d, i]);
    }
  }
  return { nodes: Array.from({ length: n }, (_, i) => `TASK_${String(i + 1).padStart(4, '0')}`), edges };
}

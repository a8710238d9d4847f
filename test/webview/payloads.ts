// Synthetic GraphPayloads for webview tests and benchmarks: chains with fan-outs/fan-ins,
// grouped into steps, with a few single-source edges, a critical path and optional extras.
import type { EdgeSource, GraphEdge, GraphNode, GraphPayload } from '../../shared/protocol';

export interface PayloadOptions {
  /** Tasks per step (default 10). */
  perStep?: number;
  /** Add a cycle TASK_2 -> TASK_3 -> TASK_2 (needs n >= 3). */
  cycle?: boolean;
  /** Add an edge to an undefined task (UNDEFINED_TASK -> last task). */
  undefinedTask?: boolean;
  /** Override labels: index -> label. */
  labels?: Record<number, string>;
  /** ID prefix (default TASK_). */
  prefix?: string;
  /** Version number (default 1). */
  version?: number;
  /** Document URI (default file:///plan.md). */
  uri?: string;
}

export const taskId = (i: number, prefix = 'TASK_') => `${prefix}${String(i + 1).padStart(3, '0')}`;

const WORDS = ['Set up', 'Design', 'Implement', 'Test', 'Document', 'Review', 'Migrate', 'Deploy'];
const THINGS = ['schema', 'API', 'parser', 'cache', 'auth', 'UI', 'CLI', 'metrics', 'queue', 'docs'];

/**
 * n tasks. Task i depends on i-1 (a chain), except every 4th task, which fans out from
 * task floor(i/2); every 6th task also depends on i-3 (a fan-in). Every 5th edge is stated in
 * only one source (alternating table / mermaid).
 */
export function makePayload(n: number, options: PayloadOptions = {}): GraphPayload {
  const perStep = options.perStep ?? 10;
  const prefix = options.prefix ?? 'TASK_';
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  let edgeCount = 0;
  const source = (): EdgeSource => {
    const k = edgeCount++;
    return k % 5 === 4 ? (k % 10 === 4 ? 'table' : 'mermaid') : 'both';
  };
  for (let i = 0; i < n; i++) {
    const id = taskId(i, prefix);
    nodes.push({
      id,
      label: options.labels?.[i] ?? `${WORDS[i % WORDS.length]} ${THINGS[(i * 7) % THINGS.length]}`,
      hours: (i % 8) + 1,
      step: `Step ${Math.floor(i / perStep) + 1}: Phase ${Math.floor(i / perStep) + 1}`,
      stepIndex: Math.floor(i / perStep) + 1,
      defined: true,
      inCycle: false,
      critical: false,
      problems: [],
      dependencies: [],
      dependents: [],
    });
    if (i === 0) continue;
    const parent = i % 4 === 0 ? Math.floor(i / 2) : i - 1;
    edges.push({ from: taskId(parent, prefix), to: id, source: source(), critical: false, inCycle: false });
    if (i % 6 === 0 && i >= 3 && i - 3 !== parent) {
      edges.push({ from: taskId(i - 3, prefix), to: id, source: source(), critical: false, inCycle: false });
    }
  }
  const cycles: string[][] = [];
  if (options.cycle && n >= 3) {
    const a = taskId(1, prefix);
    const b = taskId(2, prefix);
    // TASK_002 -> TASK_003 exists (chain); add the back edge.
    edges.push({ from: b, to: a, source: 'both', critical: false, inCycle: true });
    for (const e of edges) if (e.from === a && e.to === b) e.inCycle = true;
    for (const node of nodes) if (node.id === a || node.id === b) {
      node.inCycle = true;
      node.problems.push(`${node.id} is on a dependency cycle: ${a} -> ${b} -> ${a}`);
    }
    cycles.push([a, b, a]);
  }
  if (options.undefinedTask && n >= 1) {
    nodes.push({
      id: 'UNDEFINED_TASK',
      label: 'UNDEFINED_TASK',
      defined: false,
      inCycle: false,
      critical: false,
      problems: ['UNDEFINED_TASK is referenced but not defined in the task table'],
      dependencies: [],
      dependents: [],
    });
    edges.push({ from: 'UNDEFINED_TASK', to: taskId(n - 1, prefix), source: 'mermaid', critical: false, inCycle: false });
  }

  // Dependencies / dependents lists.
  const byId = new Map(nodes.map((x) => [x.id, x]));
  for (const e of edges) {
    byId.get(e.to)?.dependencies.push(e.from);
    byId.get(e.from)?.dependents.push(e.to);
  }

  // Critical path: longest-hours path over the acyclic part (edges not in a cycle).
  const order = nodes.filter((x) => x.defined).map((x) => x.id);
  const best = new Map<string, { hours: number; prev?: string }>();
  for (const id of order) {
    const node = byId.get(id)!;
    let top: { hours: number; prev?: string } = { hours: node.hours ?? 0 };
    for (const e of edges) {
      if (e.to !== id || e.inCycle) continue;
      const p = best.get(e.from);
      if (p && p.hours + (node.hours ?? 0) > top.hours) top = { hours: p.hours + (node.hours ?? 0), prev: e.from };
    }
    best.set(id, top);
  }
  let end: string | undefined;
  for (const [id, v] of best) if (!end || v.hours > best.get(end)!.hours) end = id;
  const path: string[] = [];
  for (let cur = end; cur; cur = best.get(cur)?.prev) path.unshift(cur);
  for (const id of path) byId.get(id)!.critical = true;
  for (let i = 1; i < path.length; i++) {
    for (const e of edges) if (e.from === path[i - 1] && e.to === path[i]) e.critical = true;
  }

  const steps: GraphPayload['steps'] = [];
  for (const node of nodes) {
    if (!node.step) continue;
    let s = steps.find((x) => x.title === node.step);
    if (!s) steps.push((s = { title: node.step, index: node.stepIndex, tasks: [] }));
    s.tasks.push(node.id);
  }

  return {
    uri: options.uri ?? 'file:///plan.md',
    version: options.version ?? 1,
    title: `Synthetic plan (${n} tasks)`,
    nodes,
    edges,
    cycles,
    criticalPath: { tasks: path, hours: end ? best.get(end)!.hours : 0 },
    steps,
  };
}

/** Labels an attacker might write in a plan. */
export const HOSTILE_LABELS = [
  '<img src=x onerror="window.__pwned=1">',
  '"]; click TASK_001 call evil()',
  '%%{init: {"securityLevel":"loose"}}%%',
  'line one\nline two\r\nclick n0 href "javascript:window.__pwned=2"',
  '`**markdown** <script>window.__pwned=3</script>`',
  '#lt;img src=x onerror=window.__pwned=4#gt; &lt;b&gt; #quot;]',
  'end\nsubgraph evil\nstyle n0 fill:#f00',
  'fa:fa-user <svg onload=window.__pwned=5>',
  '</div></foreignObject><script>window.__pwned=6</script>',
  ']]>--> ]) }} ;; \u202eRLO',
];

/** A payload whose labels, IDs and step titles are hostile. */
export function hostilePayload(): GraphPayload {
  const labels: Record<number, string> = {};
  HOSTILE_LABELS.forEach((l, i) => (labels[i] = l));
  const p = makePayload(HOSTILE_LABELS.length, { labels, perStep: 5, cycle: true, undefinedTask: true });
  p.steps[0]!.title = '<img src=x onerror="window.__pwned=7"> step';
  for (const n of p.nodes) if (n.step === 'Step 1: Phase 1') n.step = p.steps[0]!.title;
  // A hostile task ID too (the server would not produce it, but the webview must not care).
  const evilId = '"><img src=x onerror=window.__pwned=8>';
  p.nodes.push({
    id: evilId,
    label: evilId,
    defined: true,
    inCycle: false,
    critical: false,
    problems: ['<b>problem</b><img src=x onerror=window.__pwned=9>'],
    dependencies: [p.nodes[0]!.id],
    dependents: [],
  });
  p.edges.push({ from: p.nodes[0]!.id, to: evilId, source: 'table', critical: false, inCycle: false });
  p.title = '<img src=x onerror=window.__pwned=10>';
  return p;
}

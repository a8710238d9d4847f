// Graph analysis over a Plan: dependencies, cycles, critical path. All traversals are
// iterative (a 20,000-task chain must not overflow the stack) and linear in tasks + edges.
// Results are memoized per Plan object.
import type { DependencyEdge, Plan, Span, TaskDefinition, TaskMention } from './types';

export interface DependencyGraph {
  /** Every task ID that is defined or referenced, in order of first appearance. */
  ids: string[];
  /** Prerequisites of each task (unique), from both sources. */
  prerequisites: Map<string, string[]>;
  /** Dependents of each task (unique). */
  dependents: Map<string, string[]>;
  /** Where each edge `from->to` is stated (keyed by edgeKey). */
  statements: Map<string, EdgeStatements>;
}

/** Where one edge is stated: the Depends On references and the mermaid edges. */
export interface EdgeStatements {
  from: string;
  to: string;
  table: Span[];
  mermaid: Span[];
}

export function edgeKey(from: string, to: string): string {
  return `${from}\u0000${to}`;
}

const graphCache = new WeakMap<Plan, DependencyGraph>();

// Versions of one document (PlanDocument sets the link): an analysis of a new version reuses
// what the previous analysed version computed when its inputs are unchanged. Typing mostly
// leaves the graph as it was (a half-typed ID names no task), so the graph's maps, its cycles
// and its critical path are kept, and only the statements' spans are brought up to date.
const lineageOf = new WeakMap<Plan, object>();

/** Marks `plan` as a version of the document `lineage` stands for (one object per document). */
export function setLineage(plan: Plan, lineage: object): void {
  lineageOf.set(plan, lineage);
}

/** The document `plan` is a version of (set by PlanDocument), for other per-document reuse (diagnostics). */
export function lineageOfPlan(plan: Plan): object | undefined {
  return lineageOf.get(plan);
}

interface AnalysedVersion {
  tasks: TaskDefinition[];
  edges: DependencyEdge[];
  mentions: TaskMention[];
  graph: DependencyGraph;
}

/** The last version of each document whose graph was built. */
const lastAnalysed = new WeakMap<object, AnalysedVersion>();

export function dependencyGraph(plan: Plan): DependencyGraph {
  const cached = graphCache.get(plan);
  if (cached) return cached;
  const lineage = lineageOf.get(plan);
  const last = lineage ? lastAnalysed.get(lineage) : undefined;
  let graph = last && sameGraphInputs(last, plan) ? withCurrentSpans(last, plan) : undefined;
  if (!graph) {
    graph = buildGraph(plan);
    if (last) {
      previousGraphOf.set(graph, last.graph);
      // One step back only: an older graph stays unreachable.
      previousGraphOf.delete(last.graph);
    }
  }
  graphCache.set(plan, graph);
  if (lineage) lastAnalysed.set(lineage, { tasks: plan.tasks, edges: plan.edges, mentions: plan.mentions, graph });
  return graph;
}

/**
 * Whether the graph of `plan` has the same IDs (in the same order), edges and statements' kinds
 * as the analysed version: the same task IDs in order, the same edges in order, and the same
 * non-text mentions' IDs in order. Comparisons only, no allocation.
 */
function sameGraphInputs(last: AnalysedVersion, plan: Plan): boolean {
  if (last.tasks.length !== plan.tasks.length || last.edges.length !== plan.edges.length) return false;
  for (let i = 0; i < plan.tasks.length; i++) if (last.tasks[i].id !== plan.tasks[i].id) return false;
  for (let i = 0; i < plan.edges.length; i++) {
    const a = last.edges[i];
    const b = plan.edges[i];
    if (a.from !== b.from || a.to !== b.to || a.source !== b.source) return false;
  }
  const before = last.mentions;
  const after = plan.mentions;
  let i = 0;
  let j = 0;
  for (;;) {
    while (i < before.length && before[i].kind === 'text') i++;
    while (j < after.length && after[j].kind === 'text') j++;
    if (i === before.length || j === after.length) return i === before.length && j === after.length;
    if (before[i].id !== after[j].id) return false;
    i++;
    j++;
  }
}

/**
 * The analysed version's graph with the spans of `plan`'s edges: spans an edit did not re-create
 * are the same (moved) objects; the others replace their predecessors, copy-on-write, so the
 * earlier graph is left as it was.
 */
function withCurrentSpans(last: AnalysedVersion, plan: Plan): DependencyGraph | undefined {
  let statements = last.graph.statements;
  for (let i = 0; i < plan.edges.length; i++) {
    const before = last.edges[i].span;
    const edge = plan.edges[i];
    if (before === edge.span) continue;
    if (statements === last.graph.statements) statements = new Map(statements);
    const key = edgeKey(edge.from, edge.to);
    const entry = statements.get(key);
    const index = entry ? entry[edge.source].indexOf(before) : -1;
    if (!entry || index < 0) return undefined;
    const spans = entry[edge.source].slice();
    spans[index] = edge.span;
    statements.set(key, { ...entry, [edge.source]: spans });
  }
  const { ids, prerequisites, dependents } = last.graph;
  return { ids, prerequisites, dependents, statements };
}

/** The graph of the previous analysed version of the same document, for a graph built anew. */
const previousGraphOf = new WeakMap<DependencyGraph, DependencyGraph>();

/**
 * Whether an edge of `graph` that `previous` lacks may lie on a cycle of `graph`: its target
 * reaches its source (removing edges makes no cycle). Past a few new edges, true: a search per
 * edge would cost more than finding the cycles anew.
 */
function addsCycle(previous: DependencyGraph, graph: DependencyGraph): boolean {
  let added = 0;
  for (const [key, s] of graph.statements) {
    if (s.from === s.to || previous.statements.has(key)) continue;
    if (++added > 16) return true;
    // Depth-first from the target over dependents, looking for the source.
    const seen = new Set<string>([s.to]);
    const stack = [s.to];
    while (stack.length) {
      const v = stack.pop()!;
      for (const w of graph.dependents.get(v) ?? []) {
        if (w === s.from) return true;
        if (!seen.has(w)) {
          seen.add(w);
          stack.push(w);
        }
      }
    }
  }
  return false;
}

function buildGraph(plan: Plan): DependencyGraph {
  const ids: string[] = [];
  const seen = new Set<string>();
  const add = (id: string) => {
    if (!seen.has(id)) {
      seen.add(id);
      ids.push(id);
    }
  };
  for (const t of plan.tasks) add(t.id);
  const prerequisites = new Map<string, string[]>();
  const dependents = new Map<string, string[]>();
  const statements = new Map<string, EdgeStatements>();
  const addEdge = (e: DependencyEdge) => {
    add(e.from);
    add(e.to);
    const key = edgeKey(e.from, e.to);
    let s = statements.get(key);
    if (!s) {
      s = { from: e.from, to: e.to, table: [], mermaid: [] };
      statements.set(key, s);
      push(prerequisites, e.to, e.from);
      push(dependents, e.from, e.to);
    }
    s[e.source].push(e.span);
  };
  for (const e of plan.edges) addEdge(e);
  for (const m of plan.mentions) if (m.kind !== 'text') add(m.id);
  return { ids, prerequisites, dependents, statements };
}

/**
 * The prerequisites and dependents of one task, as dependencyGraph lists them: from the graph
 * when it is already built for this plan, else by one pass over the edges (no whole-plan maps),
 * for what one request asks right after an edit (hover).
 */
export function neighboursOf(plan: Plan, id: string): { prerequisites: string[]; dependents: string[] } {
  const graph = graphCache.get(plan) ?? lastGraphWithSameEdges(plan);
  if (graph) return { prerequisites: graph.prerequisites.get(id) ?? [], dependents: graph.dependents.get(id) ?? [] };
  const prerequisites: string[] = [];
  const dependents: string[] = [];
  for (const e of plan.edges) {
    if (e.to === id && !prerequisites.includes(e.from)) prerequisites.push(e.from);
    if (e.from === id && !dependents.includes(e.to)) dependents.push(e.to);
  }
  return { prerequisites, dependents };
}

/**
 * The graph of the document's last analysed version when `plan` states the same edges (the same
 * endpoints in the same order): its prerequisites and dependents are then this version's too.
 * Edges kept from that version are the same objects, so most are compared by identity alone.
 */
function lastGraphWithSameEdges(plan: Plan): DependencyGraph | undefined {
  const lineage = lineageOf.get(plan);
  const last = lineage ? lastAnalysed.get(lineage) : undefined;
  if (!last || last.edges.length !== plan.edges.length) return undefined;
  const before = last.edges;
  const after = plan.edges;
  for (let i = 0; i < after.length; i++) {
    const a = before[i];
    const b = after[i];
    if (a !== b && (a.from !== b.from || a.to !== b.to)) return undefined;
  }
  return last.graph;
}

function push(map: Map<string, string[]>, key: string, value: string) {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

const adjacencyCache = new WeakMap<Plan, TaskAdjacency>();

export interface TaskAdjacency {
  /** What each task waits for, by either statement (the table or the graph), repeats kept. */
  prerequisites: Map<string, string[]>;
  /** The tasks that wait for each task, repeats kept. */
  dependents: Map<string, string[]>;
}

/**
 * Who waits for whom, without statement details: on a fresh 5,000-task plan this takes a sixth
 * of the time of dependencyGraph, which keys every statement by its pair of IDs. For walks and
 * lists that run right after an edit (completion).
 */
export function taskAdjacency(plan: Plan): TaskAdjacency {
  const cached = adjacencyCache.get(plan) ?? graphCache.get(plan);
  if (cached) return cached;
  const adjacency: TaskAdjacency = { prerequisites: new Map(), dependents: new Map() };
  for (const e of plan.edges) {
    push(adjacency.dependents, e.from, e.to);
    push(adjacency.prerequisites, e.to, e.from);
  }
  adjacencyCache.set(plan, adjacency);
  return adjacency;
}

export interface DependencyCycle {
  /** Closed path in dependency order: [A, B, A] means A depends on B... see `edges`. */
  path: string[];
  /** The tasks of the strongly connected component the cycle was found in. */
  members: string[];
}

/** By the graph's dependents map: versions with the same graph (see dependencyGraph) share it. */
const cycleCache = new WeakMap<Map<string, string[]>, DependencyCycle[]>();

/**
 * One cycle per strongly connected component of two or more tasks (Tarjan's algorithm,
 * iterative). Self-dependencies are not cycles here; they are reported on their own.
 * Paths follow prerequisite -> dependent order, e.g. TASK_009 -> TASK_010 -> TASK_009.
 */
export function findDependencyCycles(plan: Plan): DependencyCycle[] {
  const graph = dependencyGraph(plan);
  const { ids, dependents } = graph;
  const cached = cycleCache.get(dependents);
  if (cached) return cached;
  // A version whose predecessor had no cycle has none unless an edge it added closes one.
  const previous = previousGraphOf.get(graph);
  if (previous && cycleCache.get(previous.dependents)?.length === 0 && !addsCycle(previous, graph)) {
    cycleCache.set(dependents, []);
    return [];
  }
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  let counter = 0;
  for (const root of ids) {
    if (index.has(root)) continue;
    // Each frame keeps its successors (self-dependencies left out), read once per task.
    const successors = (id: string) => (dependents.get(id) ?? []).filter((s) => s !== id);
    const work: { id: string; next: number; succ: string[] }[] = [{ id: root, next: 0, succ: successors(root) }];
    index.set(root, counter);
    low.set(root, counter);
    counter++;
    stack.push(root);
    onStack.add(root);
    while (work.length) {
      const frame = work[work.length - 1];
      const succ = frame.succ;
      if (frame.next < succ.length) {
        const w = succ[frame.next++];
        if (!index.has(w)) {
          index.set(w, counter);
          low.set(w, counter);
          counter++;
          stack.push(w);
          onStack.add(w);
          work.push({ id: w, next: 0, succ: successors(w) });
        } else if (onStack.has(w)) {
          low.set(frame.id, Math.min(low.get(frame.id)!, index.get(w)!));
        }
        continue;
      }
      work.pop();
      if (work.length) {
        const parent = work[work.length - 1].id;
        low.set(parent, Math.min(low.get(parent)!, low.get(frame.id)!));
      }
      if (low.get(frame.id) === index.get(frame.id)) {
        const component: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          component.push(w);
        } while (w !== frame.id);
        if (component.length > 1) components.push(component);
      }
    }
  }
  const order = new Map(ids.map((id, i) => [id, i]));
  const cycles = components.map((members) => {
    members.sort((a, b) => order.get(a)! - order.get(b)!);
    return { path: cycleThrough(members, dependents), members };
  });
  cycles.sort((a, b) => order.get(a.path[0])! - order.get(b.path[0])!);
  cycleCache.set(dependents, cycles);
  return cycles;
}

/** A shortest closed walk from the component's first member back to itself (BFS). */
function cycleThrough(members: string[], dependents: Map<string, string[]>): string[] {
  const inComponent = new Set(members);
  const start = members[0];
  const parent = new Map<string, string>();
  const queue = [start];
  for (let head = 0; head < queue.length; head++) {
    const v = queue[head];
    for (const w of dependents.get(v) ?? []) {
      if (!inComponent.has(w) || w === v) continue;
      if (w === start) {
        const path = [start];
        for (let x: string | undefined = v; x !== undefined && x !== start; x = parent.get(x)) path.push(x);
        path.push(start);
        // path is start, v, ..., start in reverse; put it in dependency order.
        const inner = path.slice(1, -1).reverse();
        return [start, ...inner, start];
      }
      if (!parent.has(w)) {
        parent.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start, start];
}

export interface CriticalPath {
  tasks: string[];
  /** Sum of the estimates on the path; tasks without one count 0 here and are listed in `unestimated`. */
  hours: number;
  /** Tasks on the path with no estimate yet (TBD, ?, X, empty): the path takes at least `hours`. */
  unestimated: string[];
}

const criticalCache = new WeakMap<Plan, CriticalPath>();

/**
 * The longest path by Estimated Hours (tasks without a positive number count 0), over the
 * graph with cycle edges removed so that a cyclic plan still gets an answer.
 */
export function criticalPath(plan: Plan): CriticalPath {
  const cached = criticalCache.get(plan);
  if (cached) return cached;
  const result = criticalPathWith(plan, (id) => {
    const h = plan.taskById.get(id)?.hours;
    return h !== undefined && h > 0 && Number.isFinite(h) ? h : 0;
  });
  criticalCache.set(plan, result);
  return result;
}

/**
 * Longest paths already found on a graph (by its dependents map), with the hours per ID they
 * were found for: a version with the same graph and the same hours gets the same path.
 */
const pathCache = new WeakMap<Map<string, string[]>, { hours: number[]; tasks: string[]; total: number }[]>();

/** The longest path by the given hours per task (e.g. 0 for done tasks: what remains). */
export function criticalPathWith(plan: Plan, hoursOf: (id: string) => number): CriticalPath {
  const { ids, dependents } = dependencyGraph(plan);
  const hours = ids.map(hoursOf);
  let known = pathCache.get(dependents);
  if (!known) pathCache.set(dependents, (known = []));
  let found = known.find((k) => k.hours.length === hours.length && k.hours.every((h, i) => h === hours[i]));
  if (!found) {
    found = { hours, ...longestPath(plan, ids, dependents, hoursOf) };
    known.unshift(found);
    if (known.length > 4) known.pop();
  }
  const tasks = found.tasks.slice();
  const unestimated = tasks.filter((id) => plan.taskById.get(id)?.unestimated);
  return { tasks, hours: Math.round(found.total * 100) / 100, unestimated };
}

function longestPath(plan: Plan, ids: string[], dependents: Map<string, string[]>, hoursOf: (id: string) => number): { tasks: string[]; total: number } {
  const component = new Map<string, number>();
  findDependencyCycles(plan).forEach((c, i) => c.members.forEach((m) => component.set(m, i)));
  const usable = (from: string, to: string) =>
    from !== to && (component.get(from) === undefined || component.get(from) !== component.get(to));
  const indegree = new Map<string, number>(ids.map((id) => [id, 0]));
  for (const id of ids) for (const w of dependents.get(id) ?? []) if (usable(id, w)) indegree.set(w, indegree.get(w)! + 1);
  const best = new Map<string, number>();
  const prev = new Map<string, string>();
  const queue = ids.filter((id) => indegree.get(id) === 0);
  for (const id of queue) best.set(id, hoursOf(id));
  for (let head = 0; head < queue.length; head++) {
    const v = queue[head];
    for (const w of dependents.get(v) ?? []) {
      if (!usable(v, w)) continue;
      const candidate = best.get(v)! + hoursOf(w);
      if (!best.has(w) || candidate > best.get(w)!) {
        best.set(w, candidate);
        prev.set(w, v);
      }
      indegree.set(w, indegree.get(w)! - 1);
      if (indegree.get(w) === 0) queue.push(w);
    }
  }
  let end: string | undefined;
  let total = 0;
  for (const [id, h] of best) {
    if (end === undefined || h > total) {
      end = id;
      total = h;
    }
  }
  const tasks: string[] = [];
  for (let x = end; x !== undefined; x = prev.get(x)) tasks.push(x);
  tasks.reverse();
  return { tasks, total };
}

/** The next unused task ID after the highest one, in the plan's own style (prefix, padding). */
export function nextFreeTaskId(plan: Plan): string {
  let prefix = 'TASK_';
  let width = 3;
  let max = 0;
  for (const id of new Set([...plan.tasks.map((t) => t.id), ...plan.mentions.map((m) => m.id)])) {
    const m = /^(.*?)(\d+)$/.exec(id);
    if (!m) continue;
    const n = Number(m[2]);
    if (n >= max) {
      max = n;
      prefix = m[1];
      width = m[2].length;
    }
  }
  return `${prefix}${String(max + 1).padStart(width, '0')}`;
}

const stepsCache = new WeakMap<Plan, Map<string, number[]>>();

/**
 * The last stepsByTask map of each document, with the steps' task lists it was made from: a
 * version whose steps list the same task arrays (a step's references are kept while its
 * `**Tasks:**` field is unchanged, see assemble.ts) has the same map.
 */
const lastSteps = new WeakMap<object, { lists: unknown[]; map: Map<string, number[]> }>();

function lastStepsOf(plan: Plan): Map<string, number[]> | undefined {
  const lineage = lineageOf.get(plan);
  const last = lineage ? lastSteps.get(lineage) : undefined;
  if (!last || last.lists.length !== plan.steps.length) return undefined;
  for (let i = 0; i < plan.steps.length; i++) if (plan.steps[i].tasks !== last.lists[i]) return undefined;
  stepsCache.set(plan, last.map);
  return last.map;
}

/** Steps that list each task, in order. */
export function stepsByTask(plan: Plan): Map<string, number[]> {
  const cached = stepsCache.get(plan) ?? lastStepsOf(plan);
  if (cached) return cached;
  const map = new Map<string, number[]>();
  stepsCache.set(plan, map);
  const lineage = lineageOf.get(plan);
  if (lineage) lastSteps.set(lineage, { lists: plan.steps.map((s) => s.tasks), map });
  plan.steps.forEach((step, i) => {
    for (const t of step.tasks) {
      const list = map.get(t.id);
      if (!list) map.set(t.id, [i]);
      else if (list[list.length - 1] !== i) list.push(i);
    }
  });
  return map;
}

/** The steps that list one task, in order (stepsByTask for one ID, without the whole map). */
export function stepsOfTask(plan: Plan, id: string): number[] {
  const cached = stepsCache.get(plan) ?? lastStepsOf(plan);
  if (cached) return cached.get(id) ?? [];
  const out: number[] = [];
  plan.steps.forEach((step, i) => {
    if (step.tasks.some((t) => t.id === id)) out.push(i);
  });
  return out;
}

/** The task ID under an offset, if any. */
export function mentionAt(plan: Plan, offset: number) {
  const list = plan.mentions;
  let low = 0;
  let high = list.length - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    const m = list[mid];
    if (m.span.end < offset) low = mid + 1;
    else if (m.span.start > offset) high = mid - 1;
    else return m;
  }
  return undefined;
}

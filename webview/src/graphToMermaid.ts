// Pure conversion of a GraphPayload into mermaid flowchart source.
//
// Security model: every piece of plan text (task IDs, labels, step titles) is untrusted.
// - Mermaid identifiers are generated (`n0`, `n1`, `s0`, ...) and never contain plan text.
// - Plan text only ever appears inside a double-quoted label, and inside it every character
//   that is not a Unicode letter, digit or a plain space is written as a mermaid entity code
//   (`#60;` for `<`, `#34;` for `"`, `#35;` for `#`, ...). Mermaid turns those into HTML
//   character references (`&#60;`) that the browser displays as text. So a label can never
//   close its quotes or brackets, start a statement (`click`, `call`, `style`, `classDef`),
//   open a markdown string (backtick), start a comment or an `%%{init}%%` directive (`%`),
//   form an HTML tag (`<`), spell an existing entity (`#`, `&`) or a font-awesome icon (`:`).
// - Newlines and other whitespace are collapsed to single spaces before escaping.
import type { EdgeSource, GraphEdge, GraphNode, GraphPayload } from '../../shared/protocol';

export interface GraphView {
  direction: 'TD' | 'LR';
  groupBySteps: boolean;
  /** Task ID (exact, case-insensitive) or substring of an ID or label; empty = whole graph. */
  filter: string;
  /** With a filter: also show the matches' direct prerequisites and dependents. */
  neighbours?: boolean;
  /** Focus: only this task and its prerequisites and dependents up to `depth` steps away (the filter is ignored). */
  focus?: { task: string; depth: number };
  /**
   * Overview: plan steps drawn as one node each (task count, hours, problems, share of the
   * critical path) with the edges between them aggregated; the steps whose titles are listed in
   * `expanded` are drawn as boxes of their tasks instead.
   */
  collapse?: {
    expanded: ReadonlySet<string>;
    /**
     * Most group nodes the overview may show before consecutive steps merge into ranges (default
     * 12; ranges: at most ten). The webview lowers it when the fitted overview would draw its text
     * below a legible size in the pane it has.
     */
    maxGroups?: number;
  };
}

/** Colours written into classDef/linkStyle (so exported SVG/PNG are self-contained). */
export interface GraphColors {
  error: string;
  warning: string;
  critical: string;
  match: string;
}

export const DEFAULT_COLORS: GraphColors = { error: '#e51400', warning: '#bf8803', critical: '#d18616', match: '#3794ff' };

/** Accepts only `#rgb`, `#rrggbb` (and alpha variants); anything else falls back. */
function safeColor(value: string | undefined, fallback: string): string {
  return typeof value === 'string' && /^#(?:[0-9a-f]{3,4}|[0-9a-f]{6}|[0-9a-f]{8})$/i.test(value.trim())
    ? value.trim()
    : fallback;
}

export interface MermaidEdgeInfo {
  /** Index of the edge in the generated source (the `linkStyle` index). */
  index: number;
  /** Mermaid node IDs of both ends. */
  fromNode: string;
  toNode: string;
  from: string;
  to: string;
  source: EdgeSource;
  critical: boolean;
  inCycle: boolean;
  /** Number of task dependencies an edge between collapsed steps stands for (1 for a task edge). */
  weight?: number;
}

export interface MermaidGraph {
  /** Mermaid flowchart source. */
  source: string;
  /** The same graph as data, for the direct SVG renderer. */
  model: GraphModel;
  /** Mermaid node ID (`n0`, ...) -> task ID. */
  nodeIds: Map<string, string>;
  /** Task ID -> mermaid node ID (only tasks that are drawn). */
  taskNodes: Map<string, string>;
  /** Edges in the order they appear in the source. */
  edges: MermaidEdgeInfo[];
  /** Number of nodes drawn. */
  nodeCount: number;
  /** Number of edges drawn. */
  edgeCount: number;
  /** Task IDs the filter matched directly (empty when there is no filter). */
  matches: string[];
  /** False when a non-empty filter matched no task (the source then has no nodes). */
  filterMatched: boolean;
  /** Collapsed steps drawn as one node: node key -> step title. */
  groupNodes: Map<string, string>;
  /** True when (nearly) every task is on the critical path: nodes are then not painted, their slack is shown. */
  mostlyCritical: boolean;
}

/** CSS class names put on mermaid nodes; the webview styles them from VS Code theme colours. */
export const NODE_CLASSES = {
  error: 'pmError',
  problem: 'pmProblem',
  undefined: 'pmUndefined',
  cycle: 'pmCycle',
  critical: 'pmCritical',
  match: 'pmMatch',
  done: 'pmDone',
  next: 'pmNext',
  parallel: 'pmParallel',
  external: 'pmExternal',
} as const;

const MAX_LABEL = 80;

/**
 * Normalises untrusted text for display: drops bidi controls, collapses whitespace, keeps
 * `fa:fa-name` from becoming a mermaid icon and truncates to `maxLength` characters.
 * The result is plain text (not escaped): the direct SVG renderer puts it into `textContent`,
 * `escapeMermaidLabel` escapes it for the mermaid source.
 */
export function normalizeLabel(text: string, maxLength = MAX_LABEL): string {
  // Bidi embedding/override/isolate controls could make a label display reversed text.
  let s = String(text)
    .replace(/[\u202a-\u202e\u2066-\u2069]/gu, '')
    .replace(/\s+/gu, ' ')
    .trim();
  // Mermaid turns `fa:fa-name` into an icon element after decoding entities; a word joiner
  // (U+2060, invisible) before the colon keeps it plain text.
  s = s.replace(/(fa[bklrs]?):(?=fa-)/giu, '$1\u2060:');
  const chars = Array.from(s);
  if (chars.length > maxLength) s = chars.slice(0, maxLength - 1).join('') + '\u2026';
  return s;
}

/** Escapes normalised text (see normalizeLabel) for use inside a double-quoted mermaid label. */
function escapeNormalized(s: string): string {
  let out = '';
  for (const ch of s) {
    if (ch === ' ' || /^[\p{L}\p{N}]$/u.test(ch)) {
      // U+FB02 (ﬂ) is a letter; mermaid uses "ﬂ°" ... "¶ß" as internal entity placeholders,
      // harmless here because ° and ¶ are always escaped, but escape it anyway.
      out += ch === '\uFB02' ? '#64258;' : ch;
    } else {
      out += `#${ch.codePointAt(0)};`;
    }
  }
  return out;
}

/** Escapes untrusted text for use inside a double-quoted mermaid label. */
export function escapeMermaidLabel(text: string, maxLength = MAX_LABEL): string {
  return escapeNormalized(normalizeLabel(text, maxLength));
}

function formatHours(h: number): string {
  const r = Math.round(h * 100) / 100;
  return `${r}h`;
}

/** The lines a node shows (normalised plain text): ID with hours and markers, then the label. */
function nodeLines(node: GraphNode): string[] {
  let head = node.id;
  if (typeof node.hours === 'number' && Number.isFinite(node.hours) && node.hours > 0) {
    head += ` \u00b7 ${formatHours(node.hours)}`;
  }
  if (node.status === 'done') head = `\u2713 ${head}`;
  if (node.parallel) head += ' \u2016';
  if (node.next) head += ' \u00b7 next';
  if (!node.defined) head += ' (undefined)';
  if (node.inCycle) head += ' \u27f3';
  const lines = [normalizeLabel(head)];
  // A task of another plan: name the plan it belongs to.
  if (node.external) lines.push(normalizeLabel(node.external.plan ?? `Phase ${node.external.phase}`));
  const label = (node.label ?? '').replace(/\s+/gu, ' ').trim();
  if (label && label !== node.id) lines.push(normalizeLabel(label));
  return lines;
}

function placeholderNode(id: string): GraphNode {
  return {
    id,
    label: id,
    defined: false,
    inCycle: false,
    critical: false,
    problems: [],
    dependencies: [],
    dependents: [],
  };
}

/**
 * Returns the task IDs kept by `filter` (the matches, plus their direct prerequisites and
 * dependents with `neighbours`), or null for "everything". Matches are in payload order.
 */
export function filterTasks(
  payload: Pick<GraphPayload, 'nodes' | 'edges'>,
  filter: string,
  neighbours = false,
): { keep: Set<string> | null; matches: string[] } {
  const f = (filter ?? '').trim().toLowerCase();
  if (!f) return { keep: null, matches: [] };
  let matches = payload.nodes.filter((n) => n.id.toLowerCase() === f).map((n) => n.id);
  if (matches.length === 0) {
    matches = payload.nodes
      .filter((n) => n.id.toLowerCase().includes(f) || (n.label ?? '').toLowerCase().includes(f))
      .map((n) => n.id);
  }
  const keep = new Set<string>(matches);
  if (neighbours) {
    const matchSet = new Set(matches);
    for (const e of payload.edges) {
      if (matchSet.has(e.from)) keep.add(e.to);
      if (matchSet.has(e.to)) keep.add(e.from);
    }
  }
  return { keep, matches };
}

/** The task, its prerequisites and its dependents up to `depth` edges away. */
export function neighbourhood(payload: Pick<GraphPayload, 'nodes' | 'edges'>, task: string, depth: number): Set<string> {
  const parents = new Map<string, string[]>();
  const children = new Map<string, string[]>();
  for (const e of payload.edges) {
    (children.get(e.from) ?? children.set(e.from, []).get(e.from)!).push(e.to);
    (parents.get(e.to) ?? parents.set(e.to, []).get(e.to)!).push(e.from);
  }
  const keep = new Set<string>([task]);
  for (const adj of [parents, children]) {
    let frontier = [task];
    const seen = new Set<string>([task]);
    for (let d = 0; d < depth && frontier.length; d++) {
      const next: string[] = [];
      for (const cur of frontier) {
        for (const w of adj.get(cur) ?? []) {
          if (seen.has(w)) continue;
          seen.add(w);
          keep.add(w);
          next.push(w);
        }
      }
      frontier = next;
    }
  }
  return keep;
}

/**
 * Slack of every task in hours: how much it can slip without lengthening the plan (longest
 * path by hours through the task, against the longest path overall). Edges on cycles are
 * ignored; tasks without hours count 0 h.
 */
export function slackByTask(payload: Pick<GraphPayload, 'nodes' | 'edges'>): Map<string, number> {
  const hours = new Map(payload.nodes.map((n) => [n.id, typeof n.hours === 'number' && n.hours > 0 ? n.hours : 0]));
  const succ = new Map<string, string[]>();
  const indeg = new Map<string, number>();
  for (const id of hours.keys()) indeg.set(id, 0);
  for (const e of payload.edges) {
    if (e.inCycle || !hours.has(e.from) || !hours.has(e.to) || e.from === e.to) continue;
    (succ.get(e.from) ?? succ.set(e.from, []).get(e.from)!).push(e.to);
    indeg.set(e.to, indeg.get(e.to)! + 1);
  }
  const topo: string[] = [];
  for (const [id, d] of indeg) if (d === 0) topo.push(id);
  for (let i = 0; i < topo.length; i++) {
    for (const w of succ.get(topo[i]!) ?? []) {
      indeg.set(w, indeg.get(w)! - 1);
      if (indeg.get(w) === 0) topo.push(w);
    }
  }
  const head = new Map<string, number>(); // longest path ending at the task, with it
  for (const id of topo) if (!head.has(id)) head.set(id, hours.get(id)!);
  for (const id of topo) {
    for (const w of succ.get(id) ?? []) head.set(w, Math.max(head.get(w) ?? hours.get(w)!, head.get(id)! + hours.get(w)!));
  }
  const tail = new Map<string, number>(); // longest path starting after the task
  for (let i = topo.length - 1; i >= 0; i--) {
    const id = topo[i]!;
    let t = 0;
    for (const w of succ.get(id) ?? []) t = Math.max(t, hours.get(w)! + tail.get(w)!);
    tail.set(id, t);
  }
  let total = 0;
  for (const id of topo) total = Math.max(total, head.get(id)! + tail.get(id)!);
  const out = new Map<string, number>();
  for (const id of topo) out.set(id, Math.round((total - head.get(id)! - tail.get(id)!) * 100) / 100);
  return out;
}

/** Collapsed steps drawn at most (more are grouped into ranges of steps). */
const MAX_GROUP_NODES = 12;

/**
 * Size of the drawing of the whole graph, estimated without laying it out (ranks by longest
 * path, nodes ~190 x 63 px with the layout's spacing), to decide whether it can be shown legibly.
 */
export function estimateExtent(payload: Pick<GraphPayload, 'nodes' | 'edges'>, direction: 'TD' | 'LR'): { width: number; height: number } {
  const rank = new Map<string, number>(payload.nodes.map((n) => [n.id, 0]));
  const succ = new Map<string, string[]>();
  const indeg = new Map<string, number>();
  for (const id of rank.keys()) indeg.set(id, 0);
  for (const e of payload.edges) {
    if (e.inCycle || !rank.has(e.from) || !rank.has(e.to) || e.from === e.to) continue;
    (succ.get(e.from) ?? succ.set(e.from, []).get(e.from)!).push(e.to);
    indeg.set(e.to, indeg.get(e.to)! + 1);
  }
  const queue: string[] = [];
  for (const [id, d] of indeg) if (d === 0) queue.push(id);
  for (let i = 0; i < queue.length; i++) {
    for (const w of succ.get(queue[i]!) ?? []) {
      rank.set(w, Math.max(rank.get(w)!, rank.get(queue[i]!)! + 1));
      indeg.set(w, indeg.get(w)! - 1);
      if (indeg.get(w) === 0) queue.push(w);
    }
  }
  const perRank = new Map<number, number>();
  for (const r of rank.values()) perRank.set(r, (perRank.get(r) ?? 0) + 1);
  const ranks = perRank.size;
  const widest = Math.max(0, ...perRank.values());
  const along = widest * 190 + Math.max(0, widest - 1) * 40;
  const across = ranks * 63 + Math.max(0, ranks - 1) * 50;
  return direction === 'LR' ? { width: across * 3, height: widest * (63 + 40) } : { width: along, height: across };
}

/** Steps for a plan that has none: consecutive tasks of the table in chunks, so large plans still get an overview. */
export function chunkSteps(payload: Pick<GraphPayload, 'nodes'>, chunk: number): GraphPayload['steps'] {
  const steps: GraphPayload['steps'] = [];
  for (let i = 0; i < payload.nodes.length; i += chunk) {
    const part = payload.nodes.slice(i, i + chunk);
    steps.push({ title: `${part[0]!.id} \u2013 ${part[part.length - 1]!.id}`, tasks: part.map((n) => n.id) });
  }
  return steps;
}

/** Share of the tasks on the critical path from which painting them is useless. */
const MOSTLY_CRITICAL = 0.8;

/** A node to draw: generated key, task ID, display lines and classes (NODE_CLASSES values). */
export interface ModelNode {
  /** Mermaid node ID (`n0`, ...). */
  key: string;
  task: string;
  /** Normalised plain-text lines (never escaped): `TASK_001 · 4h`, then the label. */
  lines: string[];
  /** Classes in declaration order (later ones win): match, critical, problem, error, undefined, cycle. */
  classes: string[];
  /** Key of the step box (`s0`, ...) holding the node, when grouping by steps. */
  cluster?: string;
  /** Set on a collapsed step drawn as one node: the step's title (its `task` is empty). */
  group?: string;
}

export interface ModelCluster {
  key: string;
  /** Normalised plain-text title. */
  title: string;
  /** Keys of the member nodes, in drawing order. */
  nodes: string[];
}

/** What the view draws, independent of the drawing engine (mermaid source or direct SVG). */
export interface GraphModel {
  direction: 'TD' | 'LR';
  /** Nodes in payload order (the order of their keys). */
  nodes: ModelNode[];
  clusters: ModelCluster[];
  edges: MermaidEdgeInfo[];
  /** Validated colours. */
  colors: GraphColors;
}

const CLASS_ORDER = [
  NODE_CLASSES.done,
  NODE_CLASSES.next,
  NODE_CLASSES.external,
  NODE_CLASSES.match,
  NODE_CLASSES.critical,
  NODE_CLASSES.problem,
  NODE_CLASSES.error,
  NODE_CLASSES.undefined,
  NODE_CLASSES.cycle,
] as const;

export function graphToMermaid(
  payload: GraphPayload,
  view: GraphView,
  colors: Partial<GraphColors> = {},
): MermaidGraph {
  const c: GraphColors = {
    error: safeColor(colors.error, DEFAULT_COLORS.error),
    critical: safeColor(colors.critical, DEFAULT_COLORS.critical),
    match: safeColor(colors.match, DEFAULT_COLORS.match),
    warning: safeColor(colors.warning, DEFAULT_COLORS.warning),
  };
  const direction = view.direction === 'LR' ? 'LR' : 'TD';
  const { keep, matches } = view.focus
    ? { keep: neighbourhood(payload, view.focus.task, Math.max(0, view.focus.depth)), matches: [view.focus.task] }
    : filterTasks(payload, view.filter, view.neighbours);
  const matchSet = new Set(matches);
  // A long chain is critical from end to end: say so once (status line) instead of painting
  // every node, and show each task's slack instead.
  const definedCount = payload.nodes.filter((n) => n.defined).length;
  const mostlyCritical = definedCount >= 4 && payload.criticalPath.tasks.length >= MOSTLY_CRITICAL * definedCount;
  const slack = mostlyCritical ? slackByTask(payload) : undefined;

  // Nodes in payload order, plus placeholders for edge ends the payload did not list.
  const nodes: GraphNode[] = [];
  const byId = new Map<string, GraphNode>();
  const addNode = (n: GraphNode) => {
    if (byId.has(n.id)) return;
    if (keep && !keep.has(n.id)) return;
    byId.set(n.id, n);
    nodes.push(n);
  };
  for (const n of payload.nodes) addNode(n);
  for (const e of payload.edges) {
    if (!byId.has(e.from)) addNode(placeholderNode(e.from));
    if (!byId.has(e.to)) addNode(placeholderNode(e.to));
  }

  const nodeIds = new Map<string, string>();
  const taskNodes = new Map<string, string>();
  const modelNodes: ModelNode[] = nodes.map((n, i) => {
    nodeIds.set(`n${i}`, n.id);
    taskNodes.set(n.id, `n${i}`);
    const classes: string[] = [];
    if (matchSet.has(n.id)) classes.push(NODE_CLASSES.match);
    if (n.critical && n.defined && !n.inCycle && !mostlyCritical) classes.push(NODE_CLASSES.critical);
    if (n.defined && !n.inCycle && (n.problems?.length ?? 0) > 0) classes.push(NODE_CLASSES.problem);
    if (!n.defined || n.inCycle) classes.push(NODE_CLASSES.error);
    if (!n.defined) classes.push(NODE_CLASSES.undefined);
    if (n.inCycle) classes.push(NODE_CLASSES.cycle);
    if (n.status === 'done') classes.push(NODE_CLASSES.done);
    if (n.next) classes.push(NODE_CLASSES.next);
    if (n.parallel) classes.push(NODE_CLASSES.parallel);
    if (n.external) classes.push(NODE_CLASSES.external);
    const lines = nodeLines(n);
    const sl = slack?.get(n.id);
    if (sl !== undefined && sl > 0) lines[0] = normalizeLabel(`${lines[0]} \u00b7 slack ${formatHours(sl)}`);
    return { key: `n${i}`, task: n.id, lines, classes };
  });

  // Step boxes: one per step with members, in step order; other nodes stay loose.
  const clusters: ModelCluster[] = [];
  let loose: ModelNode[] = modelNodes;
  if ((view.groupBySteps || view.collapse) && payload.steps.length > 0) {
    const grouped = new Map<number, ModelNode[]>();
    const stepIndexByTitle = new Map<string, number>();
    payload.steps.forEach((s, i) => {
      if (!stepIndexByTitle.has(s.title)) stepIndexByTitle.set(s.title, i);
    });
    loose = [];
    nodes.forEach((n, i) => {
      let si = n.step !== undefined ? stepIndexByTitle.get(n.step) : undefined;
      if (si === undefined) {
        si = payload.steps.findIndex((s) => s.tasks.includes(n.id));
        if (si < 0) si = undefined;
      }
      if (si === undefined) loose.push(modelNodes[i]!);
      else (grouped.get(si) ?? grouped.set(si, []).get(si)!).push(modelNodes[i]!);
    });
    payload.steps.forEach((s, i) => {
      const members = grouped.get(i);
      if (!members || members.length === 0) return;
      for (const m of members) m.cluster = `s${i}`;
      clusters.push({ key: `s${i}`, title: normalizeLabel(s.title, 100), nodes: members.map((m) => m.key) });
    });
  }

  const edges: MermaidEdgeInfo[] = [];
  const seenEdges = new Set<string>();
  for (const e of payload.edges as GraphEdge[]) {
    const a = taskNodes.get(e.from);
    const b = taskNodes.get(e.to);
    if (!a || !b) continue;
    const key = `${a}>${b}`;
    if (seenEdges.has(key)) continue;
    seenEdges.add(key);
    edges.push({
      index: edges.length,
      fromNode: a,
      toNode: b,
      from: e.from,
      to: e.to,
      source: e.source,
      critical: !!e.critical && !mostlyCritical,
      inCycle: !!e.inCycle,
    });
  }

  let model: GraphModel = { direction, nodes: modelNodes, clusters, edges, colors: c };
  const groupNodes = new Map<string, string>();
  if (view.collapse && clusters.length > 0) {
    model = collapseSteps(model, payload, byId, view.collapse.expanded, groupNodes, mostlyCritical, view.collapse.maxGroups);
    loose = model.nodes.filter((n) => n.cluster === undefined);
  }
  return {
    groupNodes,
    mostlyCritical,
    source: modelToMermaid(model, loose),
    model,
    nodeIds,
    taskNodes,
    edges: model.edges,
    nodeCount: model.nodes.length,
    edgeCount: model.edges.length,
    matches,
    filterMatched: !keep || matches.length > 0,
  };
}

/**
 * Replaces every step box not in `expanded` by one node summarising its tasks, and every set of
 * edges between the same two drawn nodes by one edge with their count as weight.
 */
function collapseSteps(
  model: GraphModel,
  payload: GraphPayload,
  byId: Map<string, GraphNode>,
  expanded: ReadonlySet<string>,
  groupNodes: Map<string, string>,
  mostlyCritical: boolean,
  maxGroups = MAX_GROUP_NODES,
): GraphModel {
  const repOf = new Map<string, string>();
  const nodes: ModelNode[] = [];
  const criticalHours = payload.criticalPath.hours;
  const keptClusters: ModelCluster[] = [];
  const byKey = new Map(model.nodes.map((n) => [n.key, n]));
  const collapsedAt = new Map<string, ModelNode>();
  // Many steps: consecutive steps first collapse into up to ten ranges ("Steps 1-10"), each
  // expandable into its steps, so the overview stays a dozen legible nodes at any size.
  const units: (ModelCluster & { parts?: ModelCluster[] })[] = [];
  const limit = Math.max(2, Math.floor(maxGroups));
  if (model.clusters.length > limit) {
    const size = Math.ceil(model.clusters.length / Math.min(10, limit));
    for (let j = 0; j * size < model.clusters.length; j++) {
      const part = model.clusters.slice(j * size, j * size + size);
      const title = part.length === 1 ? part[0]!.title : `Steps ${j * size + 1}\u2013${j * size + part.length}`;
      if (part.length > 1 && expanded.has(title)) units.push(...part);
      else units.push({ key: `b${j}`, title, nodes: part.flatMap((c) => c.nodes), parts: part.length > 1 ? part : undefined });
    }
  } else units.push(...model.clusters);
  for (const cl of units) {
    if (!cl.parts && expanded.has(cl.title)) {
      keptClusters.push(cl);
      continue;
    }
    let hours = 0;
    let problems = 0;
    let critical = 0;
    let errors = false;
    let done = 0;
    let tracked = 0;
    for (const k of cl.nodes) {
      repOf.set(k, cl.key);
      const t = byId.get(byKey.get(k)!.task);
      if (!t) continue;
      if (typeof t.hours === 'number' && t.hours > 0) hours += t.hours;
      problems += t.problems?.length ?? 0;
      if (t.critical) critical += typeof t.hours === 'number' && t.hours > 0 ? t.hours : 0;
      if (!t.defined || t.inCycle) errors = true;
      if (t.status) tracked++;
      if (t.status === 'done') done++;
    }
    const count = cl.nodes.length;
    const stats = [`${count} task${count === 1 ? '' : 's'}`];
    if (hours > 0) stats.push(formatHours(hours));
    if (tracked > 0) stats.push(`${done} done`);
    const second: string[] = [];
    if (problems > 0) second.push(`${problems} problem${problems === 1 ? '' : 's'}`);
    if (critical > 0 && criticalHours > 0) second.push(`${Math.round((100 * critical) / criticalHours)}% of critical path`);
    const lines = cl.parts
      ? [cl.title, normalizeLabel(`${cl.parts[0]!.title} \u2026`, 36), normalizeLabel(`\u2026 ${cl.parts[cl.parts.length - 1]!.title}`, 36), stats.join(' \u00b7 ')]
      : [...wrapTitle(cl.title), stats.join(' \u00b7 ')];
    if (second.length) lines.push(second.join(' \u00b7 '));
    const classes = ['pmGroup'];
    if (critical > 0 && !mostlyCritical) classes.push(NODE_CLASSES.critical);
    if (problems > 0 && !errors) classes.push(NODE_CLASSES.problem);
    if (errors) classes.push(NODE_CLASSES.error);
    if (tracked > 0 && done === tracked) classes.push(NODE_CLASSES.done);
    const node: ModelNode = { key: cl.key, task: '', lines, classes, group: cl.title };
    collapsedAt.set(cl.nodes[0]!, node);
    groupNodes.set(cl.key, cl.title);
  }
  // Drawing order: a collapsed step where its first task was.
  for (const n of model.nodes) {
    const rep = repOf.get(n.key);
    if (rep === undefined) nodes.push(n);
    else if (collapsedAt.has(n.key)) nodes.push(collapsedAt.get(n.key)!);
  }
  const merged = new Map<string, MermaidEdgeInfo>();
  const edges: MermaidEdgeInfo[] = [];
  for (const e of model.edges) {
    const a = repOf.get(e.fromNode) ?? e.fromNode;
    const b = repOf.get(e.toNode) ?? e.toNode;
    if (a === b && a !== e.fromNode) continue; // inside one collapsed step
    const key = `${a}>${b}`;
    const m = merged.get(key);
    if (m) {
      m.weight = (m.weight ?? 1) + 1;
      if (e.source === 'both') m.source = 'both';
      m.critical ||= e.critical;
      m.inCycle ||= e.inCycle;
      continue;
    }
    const info: MermaidEdgeInfo = {
      ...e,
      index: edges.length,
      fromNode: a,
      toNode: b,
      from: a === e.fromNode ? e.from : '',
      to: b === e.toNode ? e.to : '',
      weight: 1,
    };
    merged.set(key, info);
    edges.push(info);
  }
  return { ...model, nodes, clusters: keptClusters, edges };
}

/** A step title as lines of at most ~36 characters (words kept whole where possible). */
function wrapTitle(title: string, width = 36): string[] {
  const lines: string[] = [];
  let cur = '';
  for (const word of title.split(' ')) {
    if (cur && cur.length + 1 + word.length > width) {
      lines.push(cur);
      cur = word;
    } else cur = cur ? `${cur} ${word}` : word;
  }
  if (cur) lines.push(cur);
  return lines.length > 3 ? [...lines.slice(0, 2), normalizeLabel(lines.slice(2).join(' '), width)] : lines;
}

/** Writes the mermaid flowchart source of a model (`loose`: the nodes outside step boxes). */
function modelToMermaid(model: GraphModel, loose: ModelNode[]): string {
  const c = model.colors;
  const byKey = new Map(model.nodes.map((n) => [n.key, n]));
  const lines: string[] = [`flowchart ${model.direction}`];
  // `<br/>` is our own markup, never plan text (plan text cannot contain a raw `<`).
  const decl = (n: ModelNode, indent: string) => `${indent}${n.key}["${n.lines.map(escapeNormalized).join('<br/>')}"]`;
  for (const cl of model.clusters) {
    lines.push(`  subgraph ${cl.key}["${escapeNormalized(cl.title)}"]`);
    for (const k of cl.nodes) lines.push(decl(byKey.get(k)!, '    '));
    lines.push('  end');
  }
  for (const n of loose) lines.push(decl(n, '  '));

  for (const e of model.edges) lines.push(`  ${e.fromNode} ${e.source === 'both' ? '-->' : '-.->'} ${e.toNode}`);

  // Class colours come from the webview theme (validated hex) so exports look like the view.
  // Later classes win, so errors are declared and assigned last.
  lines.push(`  classDef pmMatch stroke:${c.match},stroke-width:4px`);
  lines.push(`  classDef pmCritical stroke:${c.critical},stroke-width:3px`);
  lines.push(`  classDef pmProblem stroke:${c.warning},stroke-width:2px`);
  lines.push(`  classDef pmError stroke:${c.error},stroke-width:3px`);
  lines.push('  classDef pmUndefined stroke-dasharray:5 3');
  lines.push(`  classDef pmCycle stroke:${c.error},stroke-width:3px`);
  lines.push('  classDef pmDone opacity:0.5');
  lines.push(`  classDef pmNext stroke:${c.match},stroke-width:3px`);
  lines.push('  classDef pmExternal stroke-dasharray:2 3');
  for (const cls of CLASS_ORDER) {
    const ids = model.nodes.filter((n) => n.classes.includes(cls)).map((n) => n.key);
    // Chunk long lists to keep lines reasonable.
    for (let i = 0; i < ids.length; i += 200) lines.push(`  class ${ids.slice(i, i + 200).join(',')} ${cls}`);
  }

  // One linkStyle line per distinct style (edges stated in one source only are dashed).
  const styleGroups = new Map<string, number[]>();
  for (const e of model.edges) {
    const style = edgeStyle(e, c);
    if (style) (styleGroups.get(style) ?? styleGroups.set(style, []).get(style)!).push(e.index);
  }
  for (const [style, idx] of styleGroups) {
    for (let i = 0; i < idx.length; i += 200) lines.push(`  linkStyle ${idx.slice(i, i + 200).join(',')} ${style}`);
  }
  return lines.join('\n') + '\n';
}

/** The linkStyle of an edge ('' for a plain one). */
function edgeStyle(e: MermaidEdgeInfo, c: GraphColors): string {
  const parts: string[] = [];
  if (e.inCycle) parts.push(`stroke:${c.error}`, 'stroke-width:2px');
  else if (e.critical) parts.push(`stroke:${c.critical}`, 'stroke-width:3px');
  if (e.source !== 'both') parts.push('stroke-dasharray:6 4');
  return parts.join(',');
}

// Validation of messages arriving from the extension, and of persisted view state.
// Pure (no DOM) so it is unit-testable. Anything malformed is rejected with a reason; the
// caller logs it with console.warn and ignores the message.
import type {
  EdgeSource,
  ExtensionToWebviewMessage,
  GraphEdge,
  GraphNode,
  GraphPayload,
  GraphViewState,
  WireRange,
} from '../../shared/protocol';

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

const LIMITS = {
  text: 10_000,
  id: 500,
  nodes: 50_000,
  edges: 200_000,
  list: 50_000,
  filter: 1000,
};

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStr = (v: unknown, max = LIMITS.text): v is string => typeof v === 'string' && v.length <= max;
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isStrArray = (v: unknown, max = LIMITS.list): v is string[] =>
  Array.isArray(v) && v.length <= max && v.every((s) => isStr(s, LIMITS.id));

class Invalid extends Error {}
function fail(reason: string): never {
  throw new Invalid(reason);
}

function range(v: unknown): WireRange | undefined {
  if (v === undefined) return undefined;
  const pos = (p: unknown) =>
    isObj(p) && isNum(p.line) && isNum(p.character) ? { line: p.line, character: p.character } : fail('bad range');
  if (!isObj(v)) fail('bad range');
  return { start: pos(v.start), end: pos(v.end) };
}

function node(v: unknown, i: number): GraphNode {
  if (!isObj(v)) fail(`nodes[${i}] is not an object`);
  if (!isStr(v.id, LIMITS.id) || v.id.length === 0) fail(`nodes[${i}].id must be a non-empty string`);
  if (v.label !== undefined && !isStr(v.label)) fail(`nodes[${i}].label must be a string`);
  if (v.hours !== undefined && !isNum(v.hours)) fail(`nodes[${i}].hours must be a number`);
  if (v.step !== undefined && !isStr(v.step)) fail(`nodes[${i}].step must be a string`);
  if (v.stepIndex !== undefined && !isNum(v.stepIndex)) fail(`nodes[${i}].stepIndex must be a number`);
  for (const k of ['defined', 'inCycle', 'critical'] as const) {
    if (v[k] !== undefined && typeof v[k] !== 'boolean') fail(`nodes[${i}].${k} must be a boolean`);
  }
  for (const k of ['problems', 'dependencies', 'dependents'] as const) {
    if (v[k] !== undefined && !(Array.isArray(v[k]) && (v[k] as unknown[]).every((s) => isStr(s)))) {
      fail(`nodes[${i}].${k} must be a string array`);
    }
  }
  const out: GraphNode = {
    id: v.id,
    label: (v.label as string | undefined) ?? v.id,
    defined: v.defined !== false,
    inCycle: v.inCycle === true,
    critical: v.critical === true,
    problems: (v.problems as string[] | undefined) ?? [],
    dependencies: (v.dependencies as string[] | undefined) ?? [],
    dependents: (v.dependents as string[] | undefined) ?? [],
  };
  if (v.hours !== undefined) out.hours = v.hours as number;
  if (v.step !== undefined) out.step = v.step as string;
  if (v.stepIndex !== undefined) out.stepIndex = v.stepIndex as number;
  if (v.range !== undefined) out.range = range(v.range);
  if (v.status === 'todo' || v.status === 'in-progress' || v.status === 'done') out.status = v.status;
  if (v.next === true) out.next = true;
  if (v.parallel === true) out.parallel = true;
  if (isObj(v.external) && isStr(v.external.phase)) {
    out.external = { phase: v.external.phase };
    if (isStr(v.external.plan)) out.external.plan = v.external.plan;
  }
  return out;
}

const SOURCES: readonly EdgeSource[] = ['table', 'mermaid', 'both'];

function edge(v: unknown, i: number): GraphEdge {
  if (!isObj(v)) fail(`edges[${i}] is not an object`);
  if (!isStr(v.from, LIMITS.id) || !isStr(v.to, LIMITS.id)) fail(`edges[${i}].from/to must be strings`);
  if (!SOURCES.includes(v.source as EdgeSource)) fail(`edges[${i}].source must be table|mermaid|both`);
  return {
    from: v.from,
    to: v.to,
    source: v.source as EdgeSource,
    critical: v.critical === true,
    inCycle: v.inCycle === true,
  };
}

export function parsePayload(v: unknown): Parsed<GraphPayload> {
  try {
    if (!isObj(v)) fail('payload is not an object');
    if (!isStr(v.uri) || !isNum(v.version)) fail('payload.uri/version missing');
    if (v.title !== undefined && !isStr(v.title)) fail('payload.title must be a string');
    if (!Array.isArray(v.nodes) || v.nodes.length > LIMITS.nodes) fail('payload.nodes must be an array');
    if (!Array.isArray(v.edges) || v.edges.length > LIMITS.edges) fail('payload.edges must be an array');
    const nodes = v.nodes.map(node);
    const edges = v.edges.map(edge);
    const cycles = v.cycles === undefined ? [] : v.cycles;
    if (!Array.isArray(cycles) || !cycles.every((c) => isStrArray(c))) fail('payload.cycles must be string arrays');
    let criticalPath: { tasks: string[]; hours: number; unestimated?: string[] } = { tasks: [], hours: 0 };
    if (v.criticalPath !== undefined) {
      const cp = v.criticalPath;
      if (!isObj(cp) || !isStrArray(cp.tasks) || !isNum(cp.hours)) fail('payload.criticalPath malformed');
      if (cp.unestimated !== undefined && !isStrArray(cp.unestimated)) fail('payload.criticalPath.unestimated malformed');
      criticalPath = { tasks: cp.tasks, hours: cp.hours };
      if (cp.unestimated !== undefined) criticalPath.unestimated = cp.unestimated as string[];
    }
    const steps = v.steps === undefined ? [] : v.steps;
    if (!Array.isArray(steps)) fail('payload.steps must be an array');
    const parsedSteps = steps.map((s, i) => {
      if (!isObj(s) || !isStr(s.title) || !isStrArray(s.tasks) || (s.index !== undefined && !isNum(s.index))) {
        fail(`steps[${i}] malformed`);
      }
      return s.index === undefined ? { title: s.title, tasks: s.tasks } : { title: s.title, index: s.index as number, tasks: s.tasks };
    });
    return {
      ok: true,
      value: {
        uri: v.uri,
        version: v.version,
        title: (v.title as string | undefined) ?? '',
        nodes,
        edges,
        cycles: cycles as string[][],
        criticalPath,
        steps: parsedSteps,
        ...(v.kind === 'template' || v.kind === 'specKit' || v.kind === 'kiro' ? { kind: v.kind } : {}),
        ...(isObj(v.progress) && isNum(v.progress.done) && isNum(v.progress.total)
          ? { progress: { done: v.progress.done, total: v.progress.total } }
          : {}),
      },
    };
  } catch (e) {
    if (e instanceof Invalid) return { ok: false, reason: e.message };
    throw e;
  }
}

const THEME_KINDS = ['light', 'dark', 'highContrast', 'highContrastLight'] as const;

export function parseExtensionMessage(raw: unknown): Parsed<ExtensionToWebviewMessage> {
  if (!isObj(raw)) return { ok: false, reason: 'message is not an object' };
  switch (raw.type) {
    case 'graph': {
      const p = parsePayload(raw.payload);
      return p.ok ? { ok: true, value: { type: 'graph', payload: p.value } } : { ok: false, reason: `graph: ${p.reason}` };
    }
    case 'stale':
      if (!isStr(raw.reason)) return { ok: false, reason: 'stale: reason must be a string' };
      return { ok: true, value: { type: 'stale', reason: raw.reason } };
    case 'highlight':
      if (raw.taskId !== null && !isStr(raw.taskId, LIMITS.id)) return { ok: false, reason: 'highlight: taskId must be a string or null' };
      return { ok: true, value: { type: 'highlight', taskId: raw.taskId as string | null } };
    case 'theme':
      if (!THEME_KINDS.includes(raw.kind as (typeof THEME_KINDS)[number])) return { ok: false, reason: 'theme: unknown kind' };
      return { ok: true, value: { type: 'theme', kind: raw.kind as (typeof THEME_KINDS)[number] } };
    case 'settings':
      if (!isNum(raw.focusThreshold) || raw.focusThreshold < 0) return { ok: false, reason: 'settings: focusThreshold must be a number >= 0' };
      return { ok: true, value: { type: 'settings', focusThreshold: raw.focusThreshold } };
    default:
      return { ok: false, reason: `unknown message type ${JSON.stringify(String(raw.type)).slice(0, 60)}` };
  }
}

export const DEFAULT_VIEW_STATE: GraphViewState = {
  direction: 'TD',
  groupBySteps: false,
  filter: '',
  zoom: 1,
  panX: 0,
  panY: 0,
};

export function parseViewState(v: unknown): GraphViewState | undefined {
  if (!isObj(v)) return undefined;
  if (v.direction !== 'TD' && v.direction !== 'LR') return undefined;
  if (typeof v.groupBySteps !== 'boolean') return undefined;
  if (!isStr(v.filter, LIMITS.filter)) return undefined;
  if (!isNum(v.zoom) || v.zoom <= 0 || !isNum(v.panX) || !isNum(v.panY)) return undefined;
  const state: GraphViewState = { direction: v.direction, groupBySteps: v.groupBySteps, filter: v.filter, zoom: v.zoom, panX: v.panX, panY: v.panY };
  if (v.mode === 'overview' || v.mode === 'focus') state.mode = v.mode;
  if (Array.isArray(v.expanded) && v.expanded.length <= 10_000 && v.expanded.every((t) => isStr(t))) state.expanded = v.expanded.slice() as string[];
  if (typeof v.focusDepth === 'number' && Number.isInteger(v.focusDepth) && v.focusDepth >= 0 && v.focusDepth <= 50) state.focusDepth = v.focusDepth;
  if (typeof v.neighbours === 'boolean') state.neighbours = v.neighbours;
  return state;
}

// Progress of a plan, in every kind: which tasks are done (a `- [x]` task line, a Status column),
// which can start next, how many hours remain on the critical path, and done tasks that wait for
// open ones. Memoized per Plan object.
import { criticalPathWith, dependencyGraph, edgeKey, findDependencyCycles, stepsByTask } from './analysis';
import type { Plan, Span, TaskStatus } from './types';

/** A Status cell: Todo / In Progress / Done (case-insensitive, a few common synonyms). */
export function parseStatusText(text: string): TaskStatus | undefined {
  const value = text
    .replace(/[*_`]/g, '')
    .replace(/[\u2705\u2714\u2611\u{1F6A7}\u23F3\u{1F504}\u2B1C\u274C]\uFE0F?/gu, (c) => ` ${c} `)
    .trim()
    .toLowerCase();
  if (/^(?:done|complete|completed|finished|closed|\u2705|\u2714|\u2611|\[x\])(?:\s|$)/u.test(value)) return 'done';
  if (/^(?:in[ -]?progress|doing|wip|started|active|ongoing|in[ -]?review|\u{1F6A7}|\u23F3|\u{1F504}|\[[-~/]\])(?:\s|$)/u.test(value)) return 'in-progress';
  if (/^(?:todo|to[ -]?do|open|pending|not[ -]?started|planned|blocked|\[ \]|\u2B1C|-|\u2014)?$/u.test(value) || /^(?:todo|to do|open|pending|not started|planned)\b/.test(value)) return 'todo';
  return undefined;
}

export interface DoneOnOpen {
  /** The done task. */
  task: string;
  /** Its open prerequisite. */
  prerequisite: string;
  /** Where the dependency is stated. */
  span: Span;
}

export interface PlanProgress {
  /** Whether the plan tracks progress at all (a checkbox or Status on some task). */
  tracked: boolean;
  total: number;
  done: number;
  inProgress: number;
  /** Open tasks whose prerequisites are all done, in the earliest phase that has open tasks. */
  next: string[];
  /** The longest chain of open tasks by Estimated Hours. */
  remaining: { tasks: string[]; hours: number };
  doneOnOpen: DoneOnOpen[];
  /** Checklist items of the plan's sections (outside task lines). */
  checklist: { done: number; total: number };
}

const cache = new WeakMap<Plan, PlanProgress>();
const countsCache = new WeakMap<Plan, ProgressCounts>();
const doneOnOpenCache = new WeakMap<Plan, DoneOnOpen[]>();

/** What a plan's progress counts without its paths: whether it tracks progress, how many tasks are done. */
export interface ProgressCounts {
  tracked: boolean;
  total: number;
  done: number;
  inProgress: number;
}

/**
 * planProgress's counts alone (the diagnostics and the workspace summary read only these): no
 * critical path of what remains, which costs a pass over the dependency graph per version.
 */
export function progressCounts(plan: Plan): ProgressCounts {
  const hit = countsCache.get(plan);
  if (hit) return hit;
  let tracked = false;
  let done = 0;
  let inProgress = 0;
  for (const t of plan.taskById.values()) {
    if (t.status === undefined) continue;
    tracked = true;
    if (t.status === 'done') done++;
    else if (t.status === 'in-progress') inProgress++;
  }
  const result = { tracked, total: plan.taskById.size, done, inProgress };
  countsCache.set(plan, result);
  return result;
}

/** Done tasks that wait for a task still open (none when the plan tracks no progress). */
export function doneOnOpen(plan: Plan): DoneOnOpen[] {
  const hit = doneOnOpenCache.get(plan);
  if (hit) return hit;
  const out: DoneOnOpen[] = [];
  if (progressCounts(plan).tracked) {
    const { prerequisites, statements } = dependencyGraph(plan);
    for (const t of plan.taskById.values()) {
      if (t.status !== 'done') continue;
      for (const p of prerequisites.get(t.id) ?? []) {
        const status = plan.taskById.get(p)?.status;
        if (p === t.id || status === undefined || status === 'done') continue;
        const where = statements.get(edgeKey(p, t.id));
        const span = where?.table[0] ?? where?.mermaid[0];
        if (span) out.push({ task: t.id, prerequisite: p, span });
      }
    }
  }
  doneOnOpenCache.set(plan, out);
  return out;
}

export function planProgress(plan: Plan): PlanProgress {
  const hit = cache.get(plan);
  if (hit) return hit;
  const defined = [...plan.taskById.values()];
  const statusOf = (id: string): TaskStatus | undefined => plan.taskById.get(id)?.status;
  const isDone = (id: string) => statusOf(id) === 'done';
  const tracked = defined.some((t) => t.status !== undefined);
  const { prerequisites } = dependencyGraph(plan);
  const inCycle = new Set(findDependencyCycles(plan).flatMap((c) => c.members));
  const hasChildren = new Set(defined.filter((t) => t.parent).map((t) => t.parent!));

  let next: string[] = [];
  if (tracked) {
    const ready = defined.filter(
      (t) =>
        t.status !== 'done' &&
        !hasChildren.has(t.id) &&
        !inCycle.has(t.id) &&
        (prerequisites.get(t.id) ?? []).every((p) => p === t.id || !plan.taskById.has(p) || isDone(p)),
    );
    // Phases run in order: only the first phase that still has open tasks offers the next ones.
    const phases = stepsByTask(plan);
    if (plan.kind !== 'template' && plan.steps.length > 0) {
      let firstOpen = Infinity;
      for (const t of defined) {
        if (t.status === 'done' || hasChildren.has(t.id)) continue;
        const p = phases.get(t.id)?.[0];
        if (p !== undefined && p < firstOpen) firstOpen = p;
      }
      next = ready.filter((t) => {
        const p = phases.get(t.id)?.[0];
        return p === undefined || p <= firstOpen;
      }).map((t) => t.id);
    } else {
      next = ready.map((t) => t.id);
    }
  }

  const remaining = criticalPathWith(plan, (id) => {
    if (tracked && isDone(id)) return 0;
    const h = plan.taskById.get(id)?.hours;
    return h !== undefined && h > 0 && Number.isFinite(h) ? h : 0;
  });

  const taskItemStarts = new Set(plan.tasks.filter((t) => t.table < 0).map((t) => t.rowSpan.start));
  const items = plan.checklists.filter((c) => !taskItemStarts.has(c.span.start));
  const result: PlanProgress = {
    tracked,
    total: defined.length,
    done: defined.filter((t) => t.status === 'done').length,
    inProgress: defined.filter((t) => t.status === 'in-progress').length,
    next,
    remaining,
    doneOnOpen: doneOnOpen(plan),
    checklist: { done: items.filter((c) => c.checked).length, total: items.length },
  };
  cache.set(plan, result);
  return result;
}

// What the per-item checks of the diagnostics (a task's row, a step's task list, a graph node) can
// reuse from the previous checked version of the same document. The model reuses the objects of
// the blocks an edit did not touch (assemble.ts): a task outside the edited stretch is the same
// TaskDefinition object, a chart outside it the same flowchart. Such an item that found nothing
// in the previous version finds nothing again, unless what it reads beyond itself changed: whether
// an ID has a row (unknown IDs) or which row of an ID comes first (duplicates). Those IDs are the
// IDs of the tasks in the edited stretch, so an edit costs its stretch plus the items naming those
// IDs, not a lookup per task. Items that found something are checked again every version (their
// messages name lines and their spans are derived), so nothing is kept but "found nothing".
import { dependencyGraph, lineageOfPlan, type MermaidFlowchart, type Plan, type PlanKind, type TaskDefinition } from '../plan';

interface Checked {
  kind: PlanKind;
  tasks: readonly TaskDefinition[];
  taskById: ReadonlyMap<string, TaskDefinition>;
  /** Per task of `tasks`: 1 when its checks found something. */
  taskFound: Uint8Array;
  /** What identifies each step's task list (its **Tasks:** field object), and whether it found something. */
  stepKeys: readonly unknown[];
  stepFound: Uint8Array;
  /** Per flowchart object: the indexes of its nodes that found something. */
  nodesFound: Map<MermaidFlowchart, number[]>;
  /** The charts of plan.mermaid, in order. */
  charts: readonly (MermaidFlowchart | undefined)[];
}

const lastChecked = new WeakMap<object, Checked>();

/** The stretch where `next` differs from `prev` (by identity): next[start, nextEnd) replaced prev[start, prevEnd). */
export function changedStretch<T>(prev: readonly T[], next: readonly T[]): { start: number; prevEnd: number; nextEnd: number } {
  const min = Math.min(prev.length, next.length);
  let start = 0;
  while (start < min && prev[start] === next[start]) start++;
  let tail = 0;
  while (tail < min - start && prev[prev.length - 1 - tail] === next[next.length - 1 - tail]) tail++;
  return { start, prevEnd: prev.length - tail, nextEnd: next.length - tail };
}

/** Marks in `found` (per item of `next`) the items of `prev` that found something, where they are now. */
function carry<T>(prev: readonly T[], prevFound: Uint8Array, next: readonly T[], into: Uint8Array): { start: number; nextEnd: number } {
  const s = changedStretch(prev, next);
  for (let i = 0; i < s.start; i++) into[i] = prevFound[i];
  for (let i = s.nextEnd; i < next.length; i++) into[i] = prevFound[i - s.nextEnd + s.prevEnd];
  for (let i = s.start; i < s.nextEnd; i++) into[i] = 1;
  return s;
}

/**
 * Which items one version's checks must look at. `task[i]`, `step[i]`: check plan.tasks[i],
 * plan.steps[i]; `nodes(chart)`: the node indexes of a chart to check (all of them for a chart
 * not seen before). After checking, the caller reports what was found with `done`.
 */
export class CheckPlan {
  readonly task: Uint8Array;
  readonly step: Uint8Array;
  private readonly previous: Checked | undefined;
  /** IDs that got or lost their first row. */
  private readonly presence: Set<string>;
  private readonly taskFound: Uint8Array;
  private readonly stepFound: Uint8Array;
  private readonly nodesFound = new Map<MermaidFlowchart, number[]>();
  private readonly stepKeys: unknown[];

  constructor(private readonly plan: Plan) {
    const { tasks, steps } = plan;
    this.task = new Uint8Array(tasks.length);
    this.step = new Uint8Array(steps.length);
    this.taskFound = new Uint8Array(tasks.length);
    this.stepFound = new Uint8Array(steps.length);
    this.stepKeys = steps.map(stepKey);
    this.presence = new Set();
    const lineage = lineageOfPlan(plan);
    const last = lineage ? lastChecked.get(lineage) : undefined;
    const stretch = last && last.kind === plan.kind ? changedStretch(last.tasks, tasks) : undefined;
    // Past a few hundred changed rows, checking everything costs no more than working out what to skip.
    if (!last || !stretch || stretch.nextEnd - stretch.start + (stretch.prevEnd - stretch.start) > 256 + (tasks.length >> 3)) {
      this.task.fill(1);
      this.step.fill(1);
      return;
    }
    this.previous = last;
    carry(last.tasks, last.taskFound, tasks, this.task);
    // IDs of the rows that came or went: their presence or first row may have changed.
    const ids = new Set<string>();
    for (let i = stretch.start; i < stretch.prevEnd; i++) ids.add(last.tasks[i].id);
    for (let i = stretch.start; i < stretch.nextEnd; i++) ids.add(tasks[i].id);
    for (const id of ids) {
      const before = last.taskById.get(id);
      const after = plan.taskById.get(id);
      if ((before === undefined) !== (after === undefined)) this.presence.add(id);
      if (before !== after) {
        // The first row of the ID changed: the old and the new first rows may change duplicate status.
        for (const row of [before, after]) {
          const at = row ? tasks.indexOf(row) : -1;
          if (at >= 0) this.task[at] = 1;
        }
      }
    }
    if (this.presence.size) {
      for (let i = 0; i < tasks.length; i++) {
        if (this.task[i]) continue;
        for (const ref of tasks[i].dependsOn) {
          if (this.presence.has(ref.id)) {
            this.task[i] = 1;
            break;
          }
        }
      }
    }
    carry(last.stepKeys, last.stepFound, this.stepKeys, this.step);
    steps.forEach((step, i) => {
      // A list below an empty **Tasks:** line is not identified by the field: always checked.
      if (!this.step[i] && step.tasks.length && (!step.tasksField || step.tasks[0].span.start >= step.tasksField.lineSpan.end)) this.step[i] = 1;
      if (!this.step[i] && this.presence.size && step.tasks.some((r) => this.presence.has(r.id))) this.step[i] = 1;
    });
  }

  /**
   * Node indexes of `chart` (the `position`th of plan.mermaid) to check, in order. A chart made
   * anew after an edit in it keeps the node objects of the unchanged lines (assemble.ts): the
   * previous chart at the same position lends what those found.
   */
  nodes(chart: MermaidFlowchart, position: number): Iterable<number> {
    let found = this.previous?.nodesFound.get(chart);
    if (!found && this.previous) {
      const before = this.previous.charts[position];
      const beforeFound = before && this.previous.charts.length === this.plan.mermaid.length ? this.previous.nodesFound.get(before) : undefined;
      if (before && beforeFound) {
        const s = changedStretch(before.nodes, chart.nodes);
        const moved = s.nextEnd - s.prevEnd;
        found = [];
        for (const i of beforeFound) {
          if (i < s.start) found.push(i);
          else if (i >= s.prevEnd) found.push(i + moved);
        }
        for (let i = s.start; i < s.nextEnd; i++) found.push(i);
        found.sort((a, b) => a - b);
      }
    }
    if (!found) return chart.nodes.keys();
    if (this.presence.size === 0) return found;
    const out = new Set(found);
    chart.nodes.forEach((n, i) => {
      if (n.taskId && this.presence.has(n.taskId)) out.add(i);
    });
    return [...out].sort((a, b) => a - b);
  }

  foundTask(index: number): void {
    this.taskFound[index] = 1;
  }

  foundStep(index: number): void {
    this.stepFound[index] = 1;
  }

  /** The nodes of `chart` that found something (every chart checked must be reported, even with none). */
  foundNodes(chart: MermaidFlowchart, indexes: number[]): void {
    this.nodesFound.set(chart, indexes);
  }

  /** Keeps what this version found for the next one. */
  done(): void {
    const lineage = lineageOfPlan(this.plan);
    if (!lineage) return;
    lastChecked.set(lineage, {
      kind: this.plan.kind,
      tasks: this.plan.tasks,
      taskById: this.plan.taskById,
      taskFound: this.taskFound,
      stepKeys: this.stepKeys,
      stepFound: this.stepFound,
      nodesFound: this.nodesFound,
      charts: this.plan.mermaid.map((m) => m.flowchart),
    });
  }
}

/** A step's task list is identified by its **Tasks:** field object (reused while its block is unchanged). */
function stepKey(step: Plan['steps'][number]): unknown {
  return step.tasksField ?? NO_FIELD;
}

/** The key of every step without a **Tasks:** field (a template step without one lists no task). */
const NO_FIELD = {};

interface StepsChecked<F> {
  kind: PlanKind;
  /** The graph's prerequisites map: the same object while the task IDs, in order, and the edges are the same (analysis.ts). */
  prerequisites: ReadonlyMap<string, string[]>;
  stepKeys: readonly unknown[];
  found: F[];
}

const lastStepsChecked = new WeakMap<object, StepsChecked<unknown>>();

/**
 * What the step checks (unscheduled tasks, a task in several steps, step order) found, from the
 * previous version when nothing they read changed: the same graph (its prerequisites map is kept
 * while the task IDs and edges are), and the same steps, each with the same **Tasks:** field
 * object (whose value gives its IDs). A list of IDs below an empty **Tasks:** line is not
 * identified by its field: with one, the steps are checked again. The findings are indexes and
 * IDs; the caller drafts them (titles, spans) against the current version.
 */
export function reusedStepFindings<F>(plan: Plan, find: (plan: Plan) => F[]): F[] {
  const lineage = lineageOfPlan(plan);
  const { prerequisites } = dependencyGraph(plan);
  const stepKeys = keyedSteps(plan);
  const last = lineage ? (lastStepsChecked.get(lineage) as StepsChecked<F> | undefined) : undefined;
  if (
    stepKeys &&
    last &&
    last.kind === plan.kind &&
    last.prerequisites === prerequisites &&
    last.stepKeys.length === stepKeys.length &&
    last.stepKeys.every((k, i) => k === stepKeys[i])
  ) {
    return last.found;
  }
  const found = find(plan);
  if (lineage && stepKeys) lastStepsChecked.set(lineage, { kind: plan.kind, prerequisites, stepKeys, found });
  else if (lineage) lastStepsChecked.delete(lineage);
  return found;
}

/**
 * The steps' keys (their **Tasks:** field objects), or undefined when a step's IDs are not
 * identified by its field (a list below an empty **Tasks:** line, a task list's phases): equal
 * keys in two versions mean the same IDs in the same steps.
 */
export function keyedSteps(plan: Plan): unknown[] | undefined {
  const keys: unknown[] = [];
  for (const step of plan.steps) {
    if (step.tasks.length && (!step.tasksField || step.tasks[0].span.start >= step.tasksField.lineSpan.end)) return undefined;
    keys.push(stepKey(step));
  }
  return keys;
}

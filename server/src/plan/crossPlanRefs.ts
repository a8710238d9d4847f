// Cross-plan dependencies: a Depends On cell may name a task of another plan of the workspace in
// the form planmark.crossPlanReference gives ("Phase {phase}/{task}" by default, so
// `Phase 3/TASK_004`). The rule lives here, once; the workspace index, the checks and the
// navigation features all read what this finds.
import type { Plan, Span } from './types';

export interface CrossPlanRef {
  /** The phase as written (a number, or a name without spaces). */
  phase: string;
  task: string;
  /** The whole reference. */
  span: Span;
  /** The task ID inside it. */
  taskSpan: Span;
  /** The task whose Depends On cell holds the reference. */
  dependent: string;
}

const regExpCache = new Map<string, RegExp | null>();

/**
 * The reference form as a regular expression with named groups `phase` and `task`, or null
 * when the form is empty or lacks one of the two placeholders (cross-plan references off).
 */
export function crossPlanRefRegExp(form: string, taskIdPattern: string): RegExp | null {
  const key = `${form}\u0000${taskIdPattern}`;
  const cached = regExpCache.get(key);
  if (cached !== undefined) return cached ? new RegExp(cached.source, cached.flags) : null;
  let result: RegExp | null = null;
  const parts = form.trim().split(/(\{phase\}|\{task\})/);
  if (parts.filter((p) => p === '{phase}').length === 1 && parts.filter((p) => p === '{task}').length === 1) {
    const literal = (s: string) =>
      s
        .split(/\s+/)
        // Case-insensitive words ("phase 3/TASK_004") without making the task ID pattern so.
        .map((w) => w.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&').replace(/[A-Za-z]/g, (c) => `[${c.toUpperCase()}${c.toLowerCase()}]`))
        .join('\\s*');
    const source = parts
      .map((p) => (p === '{phase}' ? '(?<phase>[A-Za-z0-9][A-Za-z0-9._-]*?)' : p === '{task}' ? `(?<task>(?:${taskIdPattern}))` : literal(p)))
      .join('');
    try {
      result = new RegExp(`(?<![A-Za-z0-9_])${source}(?![A-Za-z0-9_])`, 'gd');
    } catch {
      result = null;
    }
  }
  regExpCache.set(key, result);
  return result ? new RegExp(result.source, result.flags) : null;
}

const refsCache = new WeakMap<Plan, Map<string, CrossPlanRef[]>>();

/** Cross-plan references in the plan's Depends On cells, in document order. */
export function crossPlanRefs(plan: Plan, form: string, taskIdPattern: string): CrossPlanRef[] {
  let byForm = refsCache.get(plan);
  if (!byForm) refsCache.set(plan, (byForm = new Map()));
  const key = `${form}\u0000${taskIdPattern}`;
  const cached = byForm.get(key);
  if (cached) return cached;
  const out: CrossPlanRef[] = [];
  const re = crossPlanRefRegExp(form, taskIdPattern);
  if (re) {
    for (const task of plan.tasks) {
      const cell = task.dependsOnCell;
      if (!cell || cell.span.end <= cell.span.start) continue;
      const text = plan.text.slice(cell.span.start, cell.span.end);
      re.lastIndex = 0;
      let m: RegExpExecArray | null;
      while ((m = re.exec(text))) {
        if (m[0].length === 0) {
          re.lastIndex++;
          continue;
        }
        const [taskStart, taskEnd] = m.indices!.groups!.task!;
        out.push({
          phase: m.groups!.phase,
          task: m.groups!.task,
          span: { start: cell.span.start + m.index, end: cell.span.start + m.index + m[0].length },
          taskSpan: { start: cell.span.start + taskStart, end: cell.span.start + taskEnd },
          dependent: task.id,
        });
      }
    }
  }
  byForm.set(key, out);
  return out;
}

/** The reference whose span holds the offset, if any. */
export function crossPlanRefAt(plan: Plan, form: string, taskIdPattern: string, offset: number): CrossPlanRef | undefined {
  return crossPlanRefs(plan, form, taskIdPattern).find((r) => r.span.start <= offset && offset <= r.span.end);
}

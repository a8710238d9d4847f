// Hover on a task ID: its dependencies, dependents, hours, step or phase and progress; on a
// Kiro requirement reference, the requirement from requirements.md.
import type { Hover, Position } from 'vscode-languageserver-types';
import { mentionAt, neighboursOf, planProgress, stepsOfTask, type Plan, type RequirementIndex, type TaskRef } from '../plan';
import { lineLabel, toRange } from './util';

function list(ids: string[] | undefined): string {
  return ids && ids.length ? ids.map((id) => `\`${id}\``).join(', ') : 'none';
}

/** What hover and completion say when the plan has no steps at all, rather than a bare "none". */
export const NO_STEPS = 'none: the plan has no steps (`### Step N` headings, e.g. under `## Implementation Sequence`)';

const STATUS_TEXT = { todo: 'open', 'in-progress': 'in progress', done: 'done' } as const;

/** Markdown describing a task, shared by hover and completion items. */
export function describeTask(plan: Plan, id: string): string {
  // One task's neighbours and steps, not the whole plan's maps: hover follows every keystroke.
  const neighbours = neighboursOf(plan, id);
  const task = plan.taskById.get(id);
  const steps = stepsOfTask(plan, id).map((i) => plan.steps[i].title);
  const isTemplate = plan.kind === 'template';
  const missing = isTemplate ? ' (no row in the task table)' : ' (no task line defines it)';
  const lines = [`**${id}**${task ? '' : missing}`, ''];
  if (task?.title) lines.push(`${task.title.replace(/[\r\n]+/g, ' ')}`, '');
  if (task?.status) {
    const progress = planProgress(plan);
    const next = progress.next.includes(id) ? ' · can start now' : '';
    lines.push(`- Status: ${STATUS_TEXT[task.status]}${next}`);
  }
  if (task && (isTemplate || task.hoursCell)) lines.push(`- Estimated hours: ${task.hoursCell?.text || 'not given'}`);
  if (task?.parallel) lines.push('- Parallel: [P], may run alongside the other [P] tasks of its phase');
  if (task?.story) lines.push(`- User story: ${task.story}`);
  if (task?.optional) lines.push('- Optional task');
  lines.push(`- Depends on: ${list(neighbours.prerequisites)}`);
  lines.push(`- Needed by: ${list(neighbours.dependents)}`);
  lines.push(`- ${isTemplate ? 'Step' : 'Phase'}: ${steps.length ? steps.join(', ') : plan.steps.length || !isTemplate ? 'none' : NO_STEPS}`);
  if (task?.requirements?.length) lines.push(`- Requirements: ${list([...new Set(task.requirements.map((r) => r.id))])}`);
  if (task) lines.push(`- Defined on ${lineLabel(plan, task.idSpan.start)}`);
  return lines.join('\n');
}

/** The Kiro requirement reference under an offset. */
export function requirementAt(plan: Plan, offset: number): TaskRef | undefined {
  return plan.requirementRefs.find((r) => r.span.start <= offset && offset <= r.span.end);
}

export function hoverTask(plan: Plan, position: Position, requirements?: RequirementIndex): Hover | null {
  const offset = plan.lines.offsetAt(position);
  const mention = mentionAt(plan, offset);
  if (mention) return { contents: { kind: 'markdown', value: describeTask(plan, mention.id) }, range: toRange(plan, mention.span) };
  const ref = requirementAt(plan, offset);
  if (!ref) return null;
  const info = requirements?.byId.get(ref.id);
  const value = info
    ? `**Requirement ${ref.id}**\n\n${info.text}`
    : requirements
      ? `**Requirement ${ref.id}**: not defined in requirements.md`
      : `**Requirement ${ref.id}**: no requirements.md beside this file`;
  return { contents: { kind: 'markdown', value }, range: toRange(plan, ref.span) };
}

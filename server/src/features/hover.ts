// Hover on a task ID: its dependencies, dependents, hours and step.
import type { Hover, Position } from 'vscode-languageserver-types';
import { dependencyGraph, mentionAt, stepsByTask, type Plan } from '../plan';
import { lineLabel, toRange } from './util';

function list(ids: string[] | undefined): string {
  return ids && ids.length ? ids.map((id) => `\`${id}\``).join(', ') : 'none';
}

/** What hover and completion say when the plan has no steps at all, rather than a bare "none". */
export const NO_STEPS = 'none: the plan has no steps (`### Step N` headings, e.g. under `## Implementation Sequence`)';

/** Markdown describing a task, shared by hover and completion items. */
export function describeTask(plan: Plan, id: string): string {
  const graph = dependencyGraph(plan);
  const task = plan.taskById.get(id);
  const steps = (stepsByTask(plan).get(id) ?? []).map((i) => plan.steps[i].title);
  const lines = [`**${id}**${task ? '' : ' (no row in the task table)'}`, ''];
  if (task) lines.push(`- Estimated hours: ${task.hoursCell?.text || 'not given'}`);
  lines.push(`- Depends on: ${list(graph.prerequisites.get(id))}`);
  lines.push(`- Needed by: ${list(graph.dependents.get(id))}`);
  lines.push(`- Step: ${steps.length ? steps.join(', ') : plan.steps.length ? 'none' : NO_STEPS}`);
  if (task) lines.push(`- Defined on ${lineLabel(plan, task.idSpan.start)}`);
  return lines.join('\n');
}

export function hoverTask(plan: Plan, position: Position): Hover | null {
  const mention = mentionAt(plan, plan.lines.offsetAt(position));
  if (!mention) return null;
  return { contents: { kind: 'markdown', value: describeTask(plan, mention.id) }, range: toRange(plan, mention.span) };
}

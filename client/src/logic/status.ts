// Pure text for the status bar item shown on plan files.
import type { PlanSummary } from '../../../shared/protocol';

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** "12h", "12.5h": at most two decimals, no trailing zeros. */
export function formatHours(hours: number): string {
  if (!Number.isFinite(hours)) return '?h';
  return `${Math.round(hours * 100) / 100}h`;
}

export interface StatusText {
  text: string;
  tooltip: string;
}

/**
 * `$(checklist) 12 tasks · 2 problems · 48h critical path` plus a tooltip with the details; for a
 * plan that tracks progress, `$(checklist) 7/23 done · 42 h left on the critical path · 2 problems`.
 * Problems are errors and warnings; information (placeholders, unestimated tasks), which the
 * Problems panel counts too, is added as "+ N info" so the numbers agree.
 */
export function formatSummary(
  summary: Pick<PlanSummary, 'taskCount' | 'errors' | 'warnings' | 'criticalPathHours' | 'progress' | 'information' | 'criticalPathUnestimated' | 'checklist'>,
): StatusText {
  const problems = summary.errors + summary.warnings;
  const checklistLine = summary.checklist ? [`Checklists: ${summary.checklist.done} of ${summary.checklist.total} items checked`] : [];
  const information = summary.information ?? 0;
  const unestimated = summary.criticalPathUnestimated ?? 0;
  const problemText = plural(problems, 'problem') + (information ? ` + ${information} info` : '');
  const counts = `${plural(summary.errors, 'error')}, ${plural(summary.warnings, 'warning')}` + (information ? `, ${information} information (placeholders, unestimated tasks)` : '');
  if (summary.progress) {
    const { done, total, remainingHours } = summary.progress;
    const parts = [`${done}/${total} done`];
    if (remainingHours > 0) parts.push(`${Math.round(remainingHours * 100) / 100} h left on the critical path`);
    parts.push(problemText);
    return {
      text: `$(checklist) ${parts.join(' · ')}`,
      tooltip: [
        `Planmark: ${done} of ${plural(total, 'task')} done`,
        remainingHours > 0 ? `Critical path of the open tasks: ${formatHours(remainingHours)}` : 'Critical path of the open tasks: no estimated hours',
        counts,
        ...checklistLine,
    'Click to go to a task',
      ].join('\n'),
    };
  }
  const parts = [plural(summary.taskCount, 'task'), problemText];
  if (summary.criticalPathHours > 0) parts.push(`${formatHours(summary.criticalPathHours)}${unestimated ? '+' : ''} critical path`);
  const text = `$(checklist) ${parts.join(' · ')}`;
  const tooltip = [
    `Planmark: ${plural(summary.taskCount, 'task')} with a row in the task table`,
    counts,
    summary.criticalPathHours > 0
      ? `Critical path: ${formatHours(summary.criticalPathHours)}` + (unestimated ? ` plus ${plural(unestimated, 'unestimated task')}` : '')
      : unestimated
        ? `Critical path: ${plural(unestimated, 'unestimated task')}, no estimated hours`
        : 'Critical path: no estimated hours',
    ...checklistLine,
    'Click to go to a task',
  ].join('\n');
  return { text, tooltip };
}

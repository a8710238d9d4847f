// The timeline: the phases of the workspace and their steps on a calendar, as a mermaid gantt
// chart. A phase's bar runs from its Target Start to its Target End; its steps follow one
// another from the Target Start, each as long as its longest chain of tasks at
// planmark.hoursPerDay working hours a day (Monday to Friday, the chart excludes weekends).
import type { WorkspacePlan } from '../../../shared/protocol';
import { byPhase, planLabel } from '../workspace/summary';
import { addWorkingDays, formatDay, nextWorkingDay, parseDay, workingDaysBetween } from '../workspace/schedule';

/** Text mermaid's gantt grammar accepts in a task or section name: no ":", "#", ";" or line break. */
function ganttText(text: string): string {
  return text.replace(/[:#;]/g, ' ').replace(/[\r\n]+/g, ' ').replace(/\s+/g, ' ').trim() || '(untitled)';
}

/** Hours of the longest dependency chain among a step's tasks (prerequisites outside it count 0). */
function stepHours(plan: WorkspacePlan, tasks: string[]): number {
  const inStep = new Set(tasks);
  const byId = new Map(plan.tasks.map((t) => [t.id, t]));
  const memo = new Map<string, number>();
  const visiting = new Set<string>();
  const longest = (id: string): number => {
    const known = memo.get(id);
    if (known !== undefined) return known;
    if (visiting.has(id)) return 0; // a cycle: reported elsewhere
    visiting.add(id);
    const task = byId.get(id);
    let before = 0;
    for (const d of task?.dependsOn ?? []) if (inStep.has(d)) before = Math.max(before, longest(d));
    visiting.delete(id);
    const total = before + (task?.hours ?? 0);
    memo.set(id, total);
    return total;
  };
  return Math.max(0, ...tasks.map(longest));
}

export function timelineGantt(plans: WorkspacePlan[], hoursPerDay: number, title = 'Plans'): string {
  const lines = ['gantt', `  title ${ganttText(title)}`, '  dateFormat YYYY-MM-DD', '  excludes weekends'];
  let n = 0;
  for (const plan of [...plans].sort(byPhase)) {
    const start = plan.targetStart ? parseDay(plan.targetStart.value) : undefined;
    if (start === undefined) continue;
    const end = plan.targetEnd ? parseDay(plan.targetEnd.value) : undefined;
    const id = `p${++n}`;
    lines.push(`  section ${ganttText(planLabel(plan))}`);
    if (end !== undefined && end >= start) lines.push(`    Target dates :${id}, ${formatDay(start)}, ${formatDay(end + 1)}`);
    else lines.push(`    Target start :milestone, ${id}, ${formatDay(start)}, 0d`);
    let day = start;
    plan.steps.forEach((step, i) => {
      const hours = stepHours(plan, step.tasks);
      const days = Math.max(1, Math.ceil(hours / hoursPerDay));
      const last = addWorkingDays(day, days);
      const label = `${ganttText(step.title)}${hours > 0 ? ` (${Math.round(hours * 100) / 100} h)` : ''}`;
      lines.push(`    ${label} :${id}s${i + 1}, ${formatDay(day)}, ${workingDaysBetween(day, last)}d`);
      day = nextWorkingDay(last);
    });
  }
  return lines.join('\n') + '\n';
}

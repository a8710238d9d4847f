// What the Plans view says about a plan, a step and a task: pure text, so it is unit-tested
// without VS Code. Every string from a plan is untrusted: tooltips escape it as Markdown.
import type { WorkspacePlansResult, WorkspaceStep, WorkspaceTask } from '../../../shared/protocol';

type WirePlan = WorkspacePlansResult['plans'][number];

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const hours = (h: number) => `${Math.round(h * 10) / 10} h`;

/** Markdown-escapes text for a MarkdownString (no links, no HTML). */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!<>|~]/g, '\\$&');
}

function sumHours(tasks: WorkspaceTask[]): number {
  return tasks.reduce((sum, t) => sum + (t.hours ?? 0), 0);
}

export function describePlan(plan: WirePlan): { description: string; tooltip: string; icon: string; iconColor?: string } {
  const parts: string[] = [];
  const start = plan.targetStart?.value;
  const end = plan.targetEnd?.value;
  if (start && end) parts.push(`${start} → ${end}`);
  else if (start) parts.push(`from ${start}`);
  parts.push(plural(plan.tasks.length, 'task'));
  const total = sumHours(plan.tasks);
  if (total > 0) parts.push(hours(total));
  if (plan.progress) parts.push(`${plan.progress.done}/${plan.progress.total} done`);
  const { errors, warnings } = plan.problems;
  if (errors) parts.push(plural(errors, 'error'));
  if (warnings) parts.push(plural(warnings, 'warning'));
  const tooltip = [
    `**${escapeMarkdown(plan.label)}**`,
    '',
    `${escapeMarkdown(plan.title)}`,
    '',
    start || end ? `Target: ${escapeMarkdown(start ?? '?')} → ${escapeMarkdown(end ?? '?')}` : 'No target dates',
    '',
    `${plural(plan.tasks.length, 'task')}, ${hours(total)} in all, ${hours(plan.criticalPath.hours)} on the critical path`,
    plan.progress ? `\n\n${plan.progress.done} of ${plan.progress.total} tasks done` : '',
    '',
    errors || warnings ? `${plural(errors, 'error')}, ${plural(warnings, 'warning')}` : 'No problems',
  ].join('\n');
  const done = plan.progress && plan.progress.total > 0 && plan.progress.done === plan.progress.total;
  if (errors) return { description: parts.join(' · '), tooltip, icon: 'error', iconColor: 'problemsErrorIcon.foreground' };
  if (warnings) return { description: parts.join(' · '), tooltip, icon: 'warning', iconColor: 'problemsWarningIcon.foreground' };
  return { description: parts.join(' · '), tooltip, icon: done ? 'pass' : 'checklist' };
}

export function describeStep(plan: WirePlan, step: WorkspaceStep): { description: string } {
  const tasks = plan.tasks.filter((t) => step.tasks.includes(t.id));
  const parts = [plural(step.tasks.length, 'task')];
  const total = sumHours(tasks);
  if (total > 0) parts.push(hours(total));
  const tracked = tasks.filter((t) => t.status !== undefined);
  if (tracked.length) parts.push(`${tracked.filter((t) => t.status === 'done').length}/${tasks.length} done`);
  return { description: parts.join(' · ') };
}

export function describeTask(task: WorkspaceTask): { description: string; tooltip: string; icon: string } {
  const parts: string[] = [];
  if (task.hours !== undefined) parts.push(hours(task.hours));
  if (task.status === 'done') parts.push('done');
  else if (task.status === 'in-progress') parts.push('in progress');
  if (task.dependsOn.length) parts.push(`after ${task.dependsOn.join(', ')}`);
  const icon = task.status === 'done' ? 'pass-filled' : task.status === 'in-progress' ? 'sync' : 'circle-large-outline';
  return { description: parts.join(' · '), tooltip: `${task.id}${parts.length ? ` — ${parts.join(', ')}` : ''}`, icon };
}

// Plan facts for the client's commands and status bar: task list, section list, summary.
import type { Diagnostic } from 'vscode-languageserver-types';
import { DiagnosticSeverity } from 'vscode-languageserver-types';
import type { PlanSummary, SectionListResult, TaskListResult } from '../../../shared/protocol';
import { criticalPath, dependencyGraph, nextFreeTaskId, stepsByTask, type Plan, planProgress } from '../plan';
import { templateSections } from '../template';
import { normalizeSectionTitle, toRange } from './util';

export function taskList(plan: Plan): TaskListResult {
  const graph = dependencyGraph(plan);
  const steps = stepsByTask(plan);
  return {
    uri: plan.uri,
    version: plan.version,
    tasks: [...plan.taskById.values()].map((t) => ({
      id: t.id,
      hours: t.hours,
      dependencies: graph.prerequisites.get(t.id) ?? [],
      step: (steps.get(t.id) ?? []).map((i) => plan.steps[i].title)[0],
      range: toRange(plan, t.rowSpan),
    })),
    nextFreeId: nextFreeTaskId(plan),
    steps: plan.steps.map((s) => ({ title: s.title, range: toRange(plan, s.headingSpan) })),
  };
}

/**
 * How a plan's headings are matched to the template's: markup, a trailing colon and placeholder
 * brackets do not matter, and a step is known by its number ("Step 1: [Foundation Setup]" is
 * there when the plan has "Step 1: Schema").
 */
export function headingKey(title: string): string {
  const key = normalizeSectionTitle(title).replace(/[[\]]/g, '').replace(/\s+/g, ' ').trim();
  return /^step \d+\b/.exec(key)?.[0] ?? key;
}

export function sectionList(plan: Plan): SectionListResult {
  const present = new Set(plan.sections.map((s) => `${s.level}:${headingKey(s.title)}`));
  return {
    uri: plan.uri,
    version: plan.version,
    sections: templateSections().map((s) => ({
      title: s.title,
      level: s.level,
      present: present.has(`${s.level}:${headingKey(s.title)}`),
    })),
  };
}

export function planSummary(plan: Plan, diagnostics: Diagnostic[]): PlanSummary {
  const progress = progressSummary(plan);
  const checklist = planProgress(plan).checklist;
  const critical = criticalPath(plan);
  return {
    uri: plan.uri,
    version: plan.version,
    taskCount: plan.taskById.size,
    errors: diagnostics.filter((d) => d.severity === DiagnosticSeverity.Error).length,
    warnings: diagnostics.filter((d) => d.severity === DiagnosticSeverity.Warning).length,
    criticalPathHours: critical.hours,
    information: diagnostics.filter((d) => d.severity === DiagnosticSeverity.Information).length,
    criticalPathUnestimated: critical.unestimated.length,
    kind: plan.kind,
    ...(progress ? { progress } : {}),
    ...(checklist.total > 0 ? { checklist } : {}),
  };
}

function progressSummary(plan: Plan): PlanSummary['progress'] {
  const p = planProgress(plan);
  return p.tracked ? { done: p.done, total: p.total, remainingHours: p.remaining.hours } : undefined;
}

// What the workspace index keeps of a plan (shared/protocol.ts WorkspacePlan): fields, tasks,
// steps, critical path and problem counts with their ranges, never the text or the model.
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver-types';
import type { WorkspaceField, WorkspacePlan } from '../../../shared/protocol';
import type { PlanmarkSettings } from '../../../shared/settings';
import { criticalPath, lineageOfPlan, stepsByTask, type Field, type Plan, type TaskDefinition } from '../plan';
import { changedStretch, keyedSteps } from '../features/checkReuse';
import { crossPlanRefs } from '../plan/crossPlanRefs';
import { progressCounts } from '../plan/progress';
import { toRange } from '../features/util';

function field(plan: Plan, f: Field | undefined): WorkspaceField | undefined {
  return f ? { value: f.value, range: toRange(plan, f.valueSpan) } : undefined;
}

/**
 * The plan's own diagnostics without those about its cross-plan references: `Phase 3/TASK_004`
 * names a task of another plan, which the workspace checks resolve instead.
 */
export function withoutCrossPlanFindings(plan: Plan, diagnostics: Diagnostic[], settings: PlanmarkSettings): Diagnostic[] {
  const refs = crossPlanRefs(plan, settings.crossPlanReference, settings.taskIdPattern);
  if (refs.length === 0) return diagnostics;
  const inside = (d: Diagnostic) => {
    const offset = plan.lines.offsetAt(d.range.start);
    return refs.some((r) => r.span.start <= offset && offset < r.span.end);
  };
  return diagnostics.filter((d) => !inside(d));
}

function fileName(uri: string): string {
  return decodeURIComponent(uri.replace(/[?#].*$/, '').split(/[\\/]/).pop() ?? uri);
}

export function summarisePlan(plan: Plan, diagnostics: Diagnostic[], settings: PlanmarkSettings, version: number | null): WorkspacePlan {
  const refs = crossPlanRefs(plan, settings.crossPlanReference, settings.taskIdPattern);
  const external = refs.length ? new Set(refs.map((r) => r.taskSpan.start)) : undefined;
  const tasks = summaryTasks(plan, external);
  const path = criticalPath(plan);
  const progress = progressCounts(plan);
  let errors = 0;
  let warnings = 0;
  for (const d of diagnostics) {
    if (d.severity === DiagnosticSeverity.Error) errors++;
    else if (d.severity === DiagnosticSeverity.Warning) warnings++;
  }
  return {
    uri: plan.uri,
    version,
    title: plan.title?.text.trim() || fileName(plan.uri),
    kind: plan.kind,
    progress: progress.tracked ? { done: progress.done, total: progress.total } : undefined,
    phase: field(plan, plan.metadata.get('Phase')),
    phaseName: field(plan, plan.metadata.get('Phase Name')),
    created: field(plan, plan.metadata.get('Created')),
    targetStart: field(plan, plan.metadata.get('Target Start')),
    targetEnd: field(plan, plan.metadata.get('Target End')),
    tasks,
    steps: plan.steps.map((s) => ({ title: s.title, number: s.number, range: toRange(plan, s.headingSpan), tasks: [...new Set(s.tasks.map((t) => t.id))] })),
    criticalPath: { tasks: path.tasks.filter((id) => plan.taskById.has(id)), hours: path.hours },
    errors,
    warnings,
    external: refs.map((r) => ({ phase: r.phase, task: r.task, range: toRange(plan, r.span), taskRange: toRange(plan, r.taskSpan), dependent: r.dependent })),
  };
}

type SummaryTask = WorkspacePlan['tasks'][number];

interface Summarised {
  defined: TaskDefinition[];
  entries: SummaryTask[];
  stepKeys: readonly unknown[] | undefined;
}

const lastSummarised = new WeakMap<object, Summarised>();

/**
 * The summary's task entries, one per first definition. The previous version's entry of the same
 * TaskDefinition object (the model reuses the rows an edit did not touch) is kept when its range
 * still holds (checked in the line index, no search) and its step cannot have changed (the same
 * steps, by their **Tasks:** fields); this runs per published version over every task.
 */
function summaryTasks(plan: Plan, external: Set<number> | undefined): SummaryTask[] {
  const defined = [...plan.taskById.values()];
  const lineage = lineageOfPlan(plan);
  const last = lineage && !external ? lastSummarised.get(lineage) : undefined;
  const stepKeys = keyedSteps(plan);
  const sameSteps = !!(last?.stepKeys && stepKeys && last.stepKeys.length === stepKeys.length && last.stepKeys.every((k, i) => k === stepKeys[i]));
  let stepOf: Map<string, number[]> | undefined;
  const entryOf = (t: TaskDefinition): SummaryTask => {
    let dependsOn: string[];
    if (t.dependsOn.length === 0) dependsOn = [];
    else if (t.dependsOn.length === 1 && !external) dependsOn = [t.dependsOn[0].id];
    else dependsOn = [...new Set(t.dependsOn.filter((d) => !external?.has(d.span.start)).map((d) => d.id))];
    const hours = t.hours !== undefined && Number.isFinite(t.hours) && t.hours > 0 ? t.hours : undefined;
    stepOf ??= stepsByTask(plan);
    return { id: t.id, status: t.status, range: toRange(plan, t.idSpan), hours, dependsOn, step: stepOf.get(t.id)?.[0] };
  };
  const entries: SummaryTask[] = new Array(defined.length);
  const stretch = last ? changedStretch(last.defined, defined) : { start: 0, prevEnd: 0, nextEnd: 0 };
  const reuse = (i: number, previous: SummaryTask) => {
    const t = defined[i];
    const stillThere = sameSteps && plan.lines.offsetAt(previous.range.start) === t.idSpan.start && plan.lines.offsetAt(previous.range.end) === t.idSpan.end;
    entries[i] = stillThere ? previous : entryOf(t);
  };
  if (last) {
    for (let i = 0; i < stretch.start; i++) reuse(i, last.entries[i]);
    for (let i = stretch.nextEnd; i < defined.length; i++) reuse(i, last.entries[i - stretch.nextEnd + stretch.prevEnd]);
  }
  for (let i = last ? stretch.start : 0; i < (last ? stretch.nextEnd : defined.length); i++) entries[i] = entryOf(defined[i]);
  if (lineage) {
    if (external) lastSummarised.delete(lineage);
    else lastSummarised.set(lineage, { defined, entries, stepKeys });
  }
  return entries;
}

/** The phase number of "3", "Phase 3", "3.5"; undefined for a placeholder or a name. */
export function phaseNumber(plan: WorkspacePlan): number | undefined {
  const m = /^(?:phase\s*)?(\d+(?:\.\d+)?)$/i.exec(plan.phase?.value.replace(/[*_`]/g, '').trim() ?? '');
  return m ? Number(m[1]) : undefined;
}

/** "Phase 3: Billing", or the plan's title when it has no phase. */
export function planLabel(plan: WorkspacePlan): string {
  // A spec-kit or Kiro task list is known by its spec folder (every Kiro tasks.md is titled
  // "Implementation Plan").
  if (plan.kind !== 'template') {
    const folder = decodeURIComponent(plan.uri.replace(/[?#].*$/, '').split(/[\\/]/).slice(-2, -1)[0] ?? '');
    if (folder) return folder;
  }
  const n = phaseNumber(plan);
  const name = plan.phaseName && !isPlaceholder(plan.phaseName.value) ? plan.phaseName.value : undefined;
  if (n !== undefined) return name ? `Phase ${n}: ${name}` : `Phase ${n}`;
  return name ?? plan.title;
}

/** The label with the file name, for messages that point at another file. */
export function planLabelWithFile(plan: WorkspacePlan): string {
  return `${planLabel(plan)} (${fileName(plan.uri)})`;
}

export function isPlaceholder(value: string): boolean {
  const v = value.trim();
  return v === '' || /^\[[^\]]*\]$/.test(v) || /^(?:tbd|tbc|tba|\?+)$/i.test(v);
}

/** Plans in phase order: by phase number, then those without one, by title; ties by URI. */
export function byPhase(a: WorkspacePlan, b: WorkspacePlan): number {
  const na = phaseNumber(a);
  const nb = phaseNumber(b);
  if (na !== undefined && nb !== undefined && na !== nb) return na - nb;
  if ((na === undefined) !== (nb === undefined)) return na === undefined ? 1 : -1;
  return a.title.localeCompare(b.title) || a.uri.localeCompare(b.uri);
}

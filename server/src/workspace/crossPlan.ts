// Checks across the plans of a workspace (and of the folders `planmark check` checks): phase
// numbers and names unique, phases in calendar order, Created not after Target Start, cross-plan
// dependencies that resolve, and a critical path that fits the plan's dates. They read the
// index's summaries only, so unopened plans cost nothing to check.
import type { WireRange, WorkspacePlan } from '../../../shared/protocol';
import type { DiagnosticCode, PlanmarkSettings } from '../../../shared/settings';
import { byPhase, isPlaceholder, phaseNumber, planLabel, planLabelWithFile } from './summary';
import { parseDay, workingDaysBetween } from './schedule';
import { runToEnd } from './steps';

export interface Finding {
  uri: string;
  code: DiagnosticCode;
  range: WireRange;
  message: string;
  related: { uri: string; range: WireRange; message: string }[];
}

const formatHours = (h: number) => `${Math.round(h * 100) / 100} h`;

/** "A, B and C", or "A, B, C and 27 other plans" when there are many. */
function listPlans(plans: WorkspacePlan[]): string {
  const names = plans.map(planLabelWithFile);
  if (names.length > 3) return `${names.slice(0, 3).join(', ')} and ${names.length - 3} other plan${names.length === 4 ? '' : 's'}`;
  return names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}` : names.join('');
}

/** The plans a cross-plan reference's phase names: by number, or by Phase / Phase Name text. */
export function plansOfPhase(plans: WorkspacePlan[], phase: string): WorkspacePlan[] {
  const n = /^\d+(?:\.\d+)?$/.test(phase) ? Number(phase) : undefined;
  const key = phase.toLowerCase();
  return plans.filter((p) =>
    n !== undefined ? phaseNumber(p) === n : p.phase?.value.trim().toLowerCase() === key || p.phaseName?.value.trim().toLowerCase() === key,
  );
}

/**
 * Every finding about the plans, for all of them or (with `only`) for one URI. The plans are
 * the whole workspace: a finding on one plan may name another.
 */
export function crossPlanFindings(plans: WorkspacePlan[], settings: PlanmarkSettings, only?: string): Finding[] {
  return runToEnd(crossPlanFindingSteps(plans, settings, only));
}

/** crossPlanFindings as steps that yield between plans (the server cancels them, steps.ts). */
export function* crossPlanFindingSteps(plans: WorkspacePlan[], settings: PlanmarkSettings, only?: string): Generator<void, Finding[]> {
  const out: Finding[] = [];
  // The plans each phase a cross-plan reference names, looked up once per phase.
  const ofPhase = new Map<string, WorkspacePlan[]>();
  const plansNamed = (phase: string) => {
    let found = ofPhase.get(phase);
    if (!found) ofPhase.set(phase, (found = plansOfPhase(plans, phase)));
    return found;
  };
  const wanted = (p: WorkspacePlan) => only === undefined || p.uri === only;
  const sorted = [...plans].sort(byPhase);

  // Phase numbers and names used by more than one plan.
  const groups = (key: (p: WorkspacePlan) => string | undefined) => {
    const map = new Map<string, WorkspacePlan[]>();
    for (const p of sorted) {
      const k = key(p);
      if (k === undefined) continue;
      const list = map.get(k);
      if (list) list.push(p);
      else map.set(k, [p]);
    }
    return [...map.values()].filter((g) => g.length > 1);
  };
  for (const group of groups((p) => (phaseNumber(p) === undefined ? undefined : String(phaseNumber(p))))) {
    for (const p of group.filter(wanted)) {
      const others = group.filter((o) => o !== p);
      out.push({
        uri: p.uri,
        code: 'duplicate-phase',
        range: p.phase!.range,
        message: `Phase ${phaseNumber(p)} is also the phase of ${listPlans(others)}; give each plan its own phase number.`,
        related: others.slice(0, 20).map((o) => ({ uri: o.uri, range: o.phase!.range, message: `${planLabel(o)} is Phase ${phaseNumber(o)} too` })),
      });
    }
  }
  const nameKey = (p: WorkspacePlan) =>
    p.phaseName && !isPlaceholder(p.phaseName.value) ? p.phaseName.value.replace(/[*_`]/g, '').replace(/\s+/g, ' ').trim().toLowerCase() : undefined;
  for (const group of groups(nameKey)) {
    for (const p of group.filter(wanted)) {
      const others = group.filter((o) => o !== p);
      out.push({
        uri: p.uri,
        code: 'duplicate-phase-name',
        range: p.phaseName!.range,
        message: `The Phase Name "${p.phaseName!.value}" is also the name of ${listPlans(others)}.`,
        related: others.slice(0, 20).map((o) => ({ uri: o.uri, range: o.phaseName!.range, message: `The same Phase Name in ${planLabel(o)}` })),
      });
    }
  }

  // A phase starting before the previous phase (the next lower phase number) ends.
  const numbered = sorted.filter((p) => phaseNumber(p) !== undefined);
  for (const p of numbered.filter(wanted)) {
    yield;
    const start = p.targetStart ? parseDay(p.targetStart.value) : undefined;
    if (start === undefined) continue;
    const n = phaseNumber(p)!;
    const lower = numbered.filter((o) => phaseNumber(o)! < n);
    if (lower.length === 0) continue;
    const previousNumber = Math.max(...lower.map((o) => phaseNumber(o)!));
    let previous: { plan: WorkspacePlan; end: number } | undefined;
    for (const o of lower) {
      if (phaseNumber(o) !== previousNumber || !o.targetEnd) continue;
      const end = parseDay(o.targetEnd.value);
      if (end !== undefined && (!previous || end > previous.end)) previous = { plan: o, end };
    }
    if (!previous || start >= previous.end) continue;
    out.push({
      uri: p.uri,
      code: 'phase-overlap',
      range: p.targetStart!.range,
      message:
        `${planLabel(p)} starts on ${p.targetStart!.value}, before the previous phase, ${planLabelWithFile(previous.plan)}, ` +
        `ends on ${previous.plan.targetEnd!.value}.`,
      related: [{ uri: previous.plan.uri, range: previous.plan.targetEnd!.range, message: `${planLabel(previous.plan)} ends here` }],
    });
  }

  for (const p of sorted.filter(wanted)) {
    yield;
    const created = p.created ? parseDay(p.created.value) : undefined;
    const start = p.targetStart ? parseDay(p.targetStart.value) : undefined;
    const end = p.targetEnd ? parseDay(p.targetEnd.value) : undefined;
    if (created !== undefined && start !== undefined && created > start) {
      out.push({
        uri: p.uri,
        code: 'created-after-start',
        range: p.created!.range,
        message: `Created (${p.created!.value}) is after Target Start (${p.targetStart!.value}): the plan is dated after its work was due to begin.`,
        related: [{ uri: p.uri, range: p.targetStart!.range, message: 'Target Start' }],
      });
    }

    // The critical path against the working hours between the plan's dates.
    const hours = p.criticalPath.hours;
    if (start !== undefined && end !== undefined && end >= start && hours > 0) {
      const days = workingDaysBetween(start, end);
      const available = days * settings.hoursPerDay;
      if (hours > available) {
        const needDays = Math.ceil(hours / settings.hoursPerDay);
        const path = p.criticalPath.tasks;
        const shown = path.length > 6 ? [...path.slice(0, 3), '…', ...path.slice(-2)] : path;
        out.push({
          uri: p.uri,
          code: 'schedule-overrun',
          range: p.targetEnd!.range,
          message:
            `The critical path (${shown.join(' → ')}) needs ${formatHours(hours)}, ${needDays} working day${needDays === 1 ? '' : 's'} ` +
            `at ${settings.hoursPerDay} h a day (planmark.hoursPerDay), but ${p.targetStart!.value} to ${p.targetEnd!.value} ` +
            `has ${days} working day${days === 1 ? '' : 's'} (Monday to Friday), ${formatHours(available)}.`,
          related: [{ uri: p.uri, range: p.targetStart!.range, message: 'Target Start' }],
        });
      }
    }

    // Cross-plan dependencies.
    for (const ref of p.external) {
      const targets = plansNamed(ref.phase);
      if (targets.length === 0) {
        out.push({
          uri: p.uri,
          code: 'unknown-external-task',
          range: ref.range,
          message: `No plan of the workspace is Phase ${ref.phase}, so ${ref.task} of it cannot be found.`,
          related: [],
        });
      } else if (!targets.some((t) => t.tasks.some((task) => task.id === ref.task))) {
        out.push({
          uri: p.uri,
          code: 'unknown-external-task',
          range: ref.taskRange,
          message: `${listPlans(targets)} ${targets.length === 1 ? 'has' : 'have'} no task ${ref.task}.`,
          related: targets.filter((t) => t.phase).map((t) => ({ uri: t.uri, range: t.phase!.range, message: `${planLabel(t)}` })),
        });
      }
    }
  }
  return out;
}

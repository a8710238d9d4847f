// Plan diagnostics. Severities follow one rule: an error is a plan that is wrong, a warning
// is two statements that disagree or a schedule out of order, information is an unfilled
// placeholder. A rule that cannot be sure stays quiet.
import { DiagnosticSeverity, type Diagnostic, type DiagnosticRelatedInformation } from 'vscode-languageserver-types';
import { DIAGNOSTIC_CODES, type DiagnosticCode, type PlanmarkSettings, type SeveritySetting } from '../../../shared/settings';
import {
  dependencyGraph,
  edgeKey,
  findDependencyCycles,
  matchTemplateSection,
  nearTemplateSection,
  doneOnOpen,
  stepsByTask,
  type CodeFence,
  type MermaidFlowchart,
  type Plan,
  type RequirementIndex,
  type Span,
} from '../plan';
import { CheckPlan, reusedStepFindings } from './checkReuse';
import { lineLabel, normalizeSectionTitle, toRange } from './util';

export interface DiagnosticData {
  /** Task involved (undefined task, duplicated dependency...). */
  id?: string;
  from?: string;
  to?: string;
  section?: string;
  /** Range to delete for duplicate-dependency fixes. */
  remove?: Span;
  /** Version the diagnostic was computed for. */
  version?: number;
}

interface Draft {
  code: DiagnosticCode;
  span: Span;
  message: string;
  related?: { span: Span; message: string }[];
  data?: DiagnosticData;
}

const HTTP_METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'TRACE', 'CONNECT']);
const IMPACTS = new Set(['high', 'med', 'medium', 'low']);
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
/** A YYYY-MM-DD date at the start of a value, in markup or not, and what comes before it. */
const LEADING_DATE = /^([`*_]*)(\d{4}-\d{2}-\d{2})(?![\d-])/;

export function isRealDate(value: string): boolean {
  const m = DATE.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

/** "GET", "`get`", "GET / POST", "GET, HEAD". */
function isHttpMethodList(text: string): boolean {
  const parts = stripInline(text).split(/\s*[/,|]\s*|\s+/).filter(Boolean);
  return parts.length > 0 && parts.every((p) => HTTP_METHODS.has(stripInline(p).toUpperCase()));
}

/**
 * A section title normalized for exact comparisons (template sub-sections): normalizeSectionTitle,
 * and a leading number dropped. Whether a heading names a template section is decided by
 * matchTemplateSection (plan/sections.ts), not by this.
 */
export function sectionKey(title: string): string {
  return normalizeSectionTitle(title).replace(/^\d+(?:\.\d+)*[.)]?\s+/, '');
}

/**
 * An Approved value that says yes: `Yes`, `yes`, `Y`, `✅`, `✅ Yes`, `Yes (2026-03-20)`,
 * `Approved`. Not `Yes/No`, `No`, `❌`, `Pending`.
 */
export function isApproval(value: string): boolean {
  const v = value.replace(/[*_`]/g, '').trim();
  if (/^(?:✅|✔️?|☑️?|✓)/u.test(v)) {
    const rest = v.replace(/^(?:✅|✔️?|☑️?|✓)\s*/u, '');
    return rest === '' || isApproval(rest);
  }
  if (/^yes\s*\/\s*no\b/i.test(v)) return false;
  return /^(?:yes|y|approved|true)(?![\p{L}\p{N}/])/iu.test(v);
}

/** Values that say "not decided yet" rather than being a malformed value. */
const UNDECIDED = /^(?:tbd|tbc|tba|to be (?:decided|determined|confirmed)|\?+)$/i;

function isPlaceholderValue(value: string): boolean {
  return value === '' || /^\[[^\]]*\]$/.test(value) || value === 'Yes/No' || value === 'High/Med/Low';
}

/**
 * The value without inline markup at its edges. A loop, not /[`*_]+$/: that regular expression
 * backtracks quadratically on a long run of markup characters inside a cell.
 */
function stripInline(value: string): string {
  const markup = (c: string) => c === '`' || c === '*' || c === '_';
  let start = 0;
  let end = value.length;
  while (start < end && markup(value[start])) start++;
  while (end > start && markup(value[end - 1])) end--;
  return value.slice(start, end).trim();
}

export function severityOf(code: DiagnosticCode, settings: PlanmarkSettings): DiagnosticSeverity | undefined {
  const setting: SeveritySetting = settings.diagnostics[code] ?? DIAGNOSTIC_CODES[code].severity;
  switch (setting) {
    case 'error':
      return DiagnosticSeverity.Error;
    case 'warning':
      return DiagnosticSeverity.Warning;
    case 'information':
      return DiagnosticSeverity.Information;
    case 'hint':
      return DiagnosticSeverity.Hint;
    default:
      return undefined;
  }
}

/**
 * The plan's diagnostics. `requirements` is Kiro's requirements.md beside a task list, when the
 * server found one: requirement references are checked against it.
 */
export function computeDiagnostics(plan: Plan, settings: PlanmarkSettings, requirements?: RequirementIndex): Diagnostic[] {
  const drafts: Draft[] = [];
  const isTemplate = plan.kind === 'template';
  const reuse = new CheckPlan(plan);
  checkTasks(plan, drafts, reuse);
  reuse.done();
  // A task list's mermaid overview need not repeat every dependency its prose states.
  if (isTemplate) checkGraphAgreement(plan, drafts);
  checkCycles(plan, drafts);
  checkSteps(plan, drafts);
  checkProgress(plan, drafts);
  if (requirements) checkRequirements(plan, requirements, drafts);
  // The template's own rules (its sections, Overview metadata, sign-off and placeholders) mean
  // nothing to a task list written for spec-kit or Kiro.
  if (isTemplate) {
    checkDates(plan, drafts);
    checkSections(plan, settings, drafts);
  }
  checkTables(plan, drafts);
  checkFences(plan, drafts);
  if (isTemplate) {
    for (const p of plan.placeholders) {
      drafts.push({ code: 'placeholder', span: p.span, message: `Unfilled template placeholder ${p.text}.` });
    }
  }
  for (const block of plan.mermaid) {
    for (const problem of block.flowchart?.problems ?? []) {
      drafts.push({ code: 'mermaid-syntax', span: problem.span, message: `Mermaid: ${problem.message}` });
    }
  }
  const isDisabled = disabledFilter(plan);
  const out: Diagnostic[] = [];
  const afterBrokenFence = rootCauseFilter(plan, drafts);
  for (const d of drafts) {
    if (afterBrokenFence(d)) continue;
    const severity = severityOf(d.code, settings);
    if (severity === undefined || isDisabled(d.code, d.span.start)) continue;
    const diagnostic: Diagnostic = {
      range: toRange(plan, d.span),
      severity,
      code: d.code,
      source: 'planmark',
      message: d.message,
      data: { ...d.data, version: plan.version },
    };
    if (d.related?.length) {
      diagnostic.relatedInformation = d.related.map(
        (r): DiagnosticRelatedInformation => ({ location: { uri: plan.uri, range: toRange(plan, r.span) }, message: r.message }),
      );
    }
    out.push(diagnostic);
  }
  out.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
  return out;
}

/**
 * Per task row, step and graph node; only those `reuse` says may find something differently from
 * the previous version of the document (checkReuse.ts): the others found nothing then and now.
 */
function checkTasks(plan: Plan, out: Draft[], reuse: CheckPlan): void {
  const first = plan.taskById;
  const tasks = plan.tasks;
  for (let index = 0; index < tasks.length; index++) {
    if (!reuse.task[index]) continue;
    const task = tasks[index];
    const before = out.length;
    const original = first.get(task.id)!;
    if (original !== task) {
      out.push({
        code: 'duplicate-task',
        span: task.idSpan,
        message: `${task.id} is defined twice: it already has a row on ${lineLabel(plan, original.idSpan.start)}.`,
        related: [{ span: original.idSpan, message: `First definition of ${task.id}` }],
        data: { id: task.id },
      });
    }
    // (No map for the many rows with one dependency or none: this runs per task per version.)
    const seen = task.dependsOn.length > 1 ? new Map<string, Span>() : undefined;
    task.dependsOn.forEach((ref, i) => {
      if (ref.id === task.id) {
        out.push({ code: 'self-dependency', span: ref.span, message: `${task.id} depends on itself.`, data: { id: task.id } });
      } else if (!first.has(ref.id)) {
        out.push({
          code: 'unknown-task',
          span: ref.span,
          message: `${task.id} depends on ${ref.id}, which ${plan.kind === 'template' ? 'has no row in the task table' : 'no task line defines'}.`,
          related: [{ span: task.idSpan, message: `${task.id} is defined here` }],
          data: { id: ref.id },
        });
      }
      const earlier = seen?.get(ref.id);
      if (earlier) {
        // Remove the reference with the separator before it: "A, B, A" -> "A, B".
        const prev = task.dependsOn[i - 1];
        const remove = prev ? { start: prev.span.end, end: ref.span.end } : ref.span;
        out.push({
          code: 'duplicate-dependency',
          span: ref.span,
          message: `${task.id} lists ${ref.id} twice in Depends On.`,
          related: [{ span: earlier, message: `First mention of ${ref.id}` }],
          data: { id: ref.id, remove },
        });
      } else {
        seen?.set(ref.id, ref.span);
      }
    });
    const hoursCell = task.hoursCell;
    if (hoursCell && task.unestimated) {
      out.push({
        code: 'unestimated-task',
        span: hoursCell.text ? hoursCell.span : emptyCellSpan(plan, hoursCell.span),
        message: hoursCell.text
          ? `${task.id} is not estimated yet (Estimated Hours is "${hoursCell.text}"); the critical path counts it as unknown.`
          : `${task.id} is not estimated yet (Estimated Hours is empty); the critical path counts it as unknown.`,
        data: { id: task.id },
      });
    } else if (hoursCell && (task.hours === undefined || !(task.hours > 0) || !Number.isFinite(task.hours))) {
      out.push({
        code: 'invalid-hours',
        span: hoursCell.span,
        message: `Estimated Hours of ${task.id} is "${hoursCell.text}", not a number of hours (6, 2.5, 6h, 4 hrs) nor TBD.`,
        data: { id: task.id },
      });
    }
    if (out.length > before) reuse.foundTask(index);
  }
  // Dependencies a task list states away from the task's own list ("T012 depends on T099").
  if (plan.kind !== 'template') {
    const reported = new Set(out.filter((d) => d.code === 'unknown-task' || d.code === 'self-dependency').map((d) => d.span.start));
    for (const m of plan.mentions) {
      if (m.kind !== 'dependsOn' || first.has(m.id) || reported.has(m.span.start)) continue;
      reported.add(m.span.start);
      out.push({
        code: 'unknown-task',
        span: m.span,
        message: `${m.id} is named as a dependency, but no task line defines it.`,
        data: { id: m.id },
      });
    }
    for (const e of plan.edges) {
      if (e.from !== e.to || e.source !== 'table' || reported.has(e.span.start)) continue;
      reported.add(e.span.start);
      out.push({ code: 'self-dependency', span: e.span, message: `${e.to} depends on itself.`, data: { id: e.to } });
    }
  }
  plan.steps.forEach((step, index) => {
    if (!reuse.step[index]) return;
    const before = out.length;
    for (const ref of step.tasks) {
      if (!first.has(ref.id)) {
        out.push({
          code: 'step-unknown-task',
          span: ref.span,
          message: `${step.title} lists ${ref.id}, which has no row in the task table.`,
          data: { id: ref.id },
        });
      }
    }
    if (out.length > before) reuse.foundStep(index);
  });
  plan.mermaid.forEach((block, position) => {
    const chart = block.flowchart;
    if (!chart) return;
    const found: number[] = [];
    for (const index of reuse.nodes(chart, position)) {
      const node = chart.nodes[index];
      if (node.taskId && node.taskIdSpan && !first.has(node.taskId)) {
        found.push(index);
        out.push({
          code: 'graph-unknown-task',
          span: node.taskIdSpan,
          message: `The graph names ${node.taskId}, which has no row in the task table.`,
          data: { id: node.taskId },
        });
      }
    }
    reuse.foundNodes(chart, found);
    for (const { edge, id } of selfLoopsOf(chart)) {
      out.push({ code: 'self-dependency', span: edge.span, message: `The graph makes ${id} depend on itself.`, data: { id } });
    }
  });
}

const selfLoops = new WeakMap<MermaidFlowchart, { edge: MermaidFlowchart['edges'][number]; id: string }[]>();

/** A chart's edges from a task's node to itself, kept per flowchart object (unchanged while its block is). */
function selfLoopsOf(chart: MermaidFlowchart): { edge: MermaidFlowchart['edges'][number]; id: string }[] {
  let loops = selfLoops.get(chart);
  if (loops) return loops;
  loops = [];
  let taskOf: Map<string, string> | undefined;
  for (const edge of chart.edges) {
    if (edge.from !== edge.to || edge.kind === 'invisible') continue;
    if (!taskOf) {
      taskOf = new Map<string, string>();
      for (const node of chart.nodes) if (node.taskId) taskOf.set(node.alias, node.taskId);
    }
    const id = taskOf.get(edge.from);
    if (id) loops.push({ edge, id });
  }
  selfLoops.set(chart, loops);
  return loops;
}

/** The line holding `offset`, without its line break. */
function firstLine(plan: Plan, offset: number): Span {
  const lineEnd = plan.text.slice(offset).search(/\r|\n/);
  return { start: offset, end: lineEnd < 0 ? plan.text.length : offset + lineEnd };
}

/** The blank between the pipes around an empty cell (the pipes themselves when there is no blank). */
function emptyCellSpan(plan: Plan, span: Span): Span {
  let start = span.start;
  let end = span.end;
  while (start > 0 && (plan.text[start - 1] === ' ' || plan.text[start - 1] === '\t')) start--;
  while (end < plan.text.length && (plan.text[end] === ' ' || plan.text[end] === '\t')) end++;
  if (start === end) return { start: Math.max(0, start - 1), end: Math.min(plan.text.length, end + 1) };
  return { start, end };
}

function checkGraphAgreement(plan: Plan, out: Draft[]): void {
  // A flowchart that names no task is not a task graph, so it cannot disagree with the table.
  const graphBlock = plan.mermaid.find((m) => m.flowchart?.nodes.some((n) => n.taskId));
  const hasTable = plan.tasks.length > 0;
  if (!graphBlock || !hasTable) return;
  const graph = dependencyGraph(plan);
  for (const where of graph.statements.values()) {
    const { from, to } = where;
    if (from === to) continue;
    // An edge from a task without a row is already an unknown-task error.
    if (where.table.length && !where.mermaid.length && plan.taskById.has(from)) {
      out.push({
        code: 'graph-missing-edge',
        span: where.table[0],
        message: `The mermaid graph lacks the edge ${from} --> ${to} that the task table states here.`,
        related: [{ span: firstLine(plan, graphBlock.span.start), message: 'The task graph' }],
        data: { from, to },
      });
    }
    if (where.mermaid.length && !where.table.length && plan.taskById.has(to) && plan.taskById.has(from)) {
      const row = plan.taskById.get(to)!;
      out.push({
        code: 'table-missing-edge',
        span: where.mermaid[0],
        message: `The task table lacks this dependency: ${to} does not list ${from} in Depends On.`,
        related: [{ span: row.rowSpan, message: `Row of ${to}` }],
        data: { from, to },
      });
    }
  }
}

function checkCycles(plan: Plan, out: Draft[]): void {
  const { statements } = dependencyGraph(plan);
  for (const cycle of findDependencyCycles(plan)) {
    const related: { span: Span; message: string }[] = [];
    let anchor: Span | undefined;
    for (let i = 0; i + 1 < cycle.path.length; i++) {
      const s = statements.get(edgeKey(cycle.path[i], cycle.path[i + 1]));
      const span = s?.table[0] ?? s?.mermaid[0];
      if (!span) continue;
      anchor ??= span;
      related.push({ span, message: `${cycle.path[i + 1]} depends on ${cycle.path[i]}` });
    }
    if (!anchor) continue;
    out.push({
      code: 'dependency-cycle',
      span: anchor,
      message: `Dependency cycle: ${cycle.path.join(' → ')}.`,
      related,
      data: { id: cycle.path[0] },
    });
  }
}

/** What checkSteps found, by index and ID: drafted against the version it is reported in. */
type StepFinding =
  | { code: 'unscheduled-task'; id: string }
  | { code: 'task-in-several-steps'; id: string; first: number; step: number }
  | { code: 'step-order'; step: number; ref: number; prerequisite: string; later: number };

function checkSteps(plan: Plan, out: Draft[]): void {
  if (plan.steps.length === 0) return;
  for (const f of reusedStepFindings(plan, findSteps)) out.push(stepDraft(plan, f));
}

function findSteps(plan: Plan): StepFinding[] {
  const found: StepFinding[] = [];
  const byTask = stepsByTask(plan);
  const { prerequisites } = dependencyGraph(plan);
  const cycleOf = new Map<string, number>();
  findDependencyCycles(plan).forEach((c, i) => c.members.forEach((m) => cycleOf.set(m, i)));
  // Steps without a Tasks list say nothing about which tasks they hold.
  // Phases of a task list hold the tasks written under them: none is "unscheduled".
  const listsTasks = plan.kind === 'template' && plan.steps.some((s) => s.tasks.length > 0);
  // First definitions, in document order (taskById keeps them in the order of plan.tasks).
  for (const task of listsTasks ? plan.taskById.values() : []) {
    if (!byTask.has(task.id)) found.push({ code: 'unscheduled-task', id: task.id });
  }
  for (const [id, stepIndexes] of byTask) {
    if (stepIndexes.length > 1) {
      for (const index of stepIndexes.slice(1)) found.push({ code: 'task-in-several-steps', id, first: stepIndexes[0], step: index });
    }
  }
  plan.steps.forEach((step, stepIndex) => {
    step.tasks.forEach((ref, refIndex) => {
      for (const prereq of prerequisites.get(ref.id) ?? []) {
        const prereqSteps = byTask.get(prereq);
        if (!prereqSteps || prereqSteps[0] <= stepIndex) continue;
        const cycle = cycleOf.get(ref.id);
        if (cycle !== undefined && cycle === cycleOf.get(prereq)) continue;
        found.push({ code: 'step-order', step: stepIndex, ref: refIndex, prerequisite: prereq, later: prereqSteps[0] });
      }
    });
  });
  return found;
}

function stepDraft(plan: Plan, f: StepFinding): Draft {
  switch (f.code) {
    case 'unscheduled-task': {
      const task = plan.taskById.get(f.id)!;
      const sequence = plan.sections[plan.sequenceSection];
      return {
        code: 'unscheduled-task',
        span: task.idSpan,
        message: `${task.id} is listed in no step of the Implementation Sequence.`,
        related: sequence ? [{ span: sequence.titleSpan, message: 'The Implementation Sequence' }] : undefined,
        data: { id: task.id },
      };
    }
    case 'task-in-several-steps': {
      const firstStep = plan.steps[f.first];
      const firstRef = firstStep.tasks.find((t) => t.id === f.id)!;
      const step = plan.steps[f.step];
      const ref = step.tasks.find((t) => t.id === f.id)!;
      return {
        code: 'task-in-several-steps',
        span: ref.span,
        message: `${f.id} is listed in both ${firstStep.title} and ${step.title}.`,
        related: [{ span: firstRef.span, message: `${f.id} in ${firstStep.title}` }],
        data: { id: f.id },
      };
    }
    case 'step-order': {
      const step = plan.steps[f.step];
      const ref = step.tasks[f.ref];
      const later = plan.steps[f.later];
      const laterRef = later.tasks.find((t) => t.id === f.prerequisite)!;
      return {
        code: 'step-order',
        span: ref.span,
        message: `${step.title} lists ${ref.id} before ${later.title} lists its prerequisite ${f.prerequisite}.`,
        related: [{ span: laterRef.span, message: `${f.prerequisite} is scheduled in ${later.title}` }],
        data: { id: ref.id },
      };
    }
  }
}

/** A task marked done that waits for one still open: one of the two marks is wrong. */
function checkProgress(plan: Plan, out: Draft[]): void {
  for (const d of doneOnOpen(plan)) {
    const prerequisite = plan.taskById.get(d.prerequisite);
    out.push({
      code: 'done-depends-on-open',
      span: d.span,
      message: `${d.task} is marked done but depends on ${d.prerequisite}, which is still ${prerequisite?.status === 'in-progress' ? 'in progress' : 'open'}.`,
      related: prerequisite ? [{ span: prerequisite.idSpan, message: `${d.prerequisite} is not done` }] : undefined,
      data: { id: d.task, from: d.prerequisite, to: d.task },
    });
  }
}

/** Kiro `_Requirements: 1.1_` references that requirements.md beside the task list does not define. */
function checkRequirements(plan: Plan, requirements: RequirementIndex, out: Draft[]): void {
  // A requirements.md whose numbering planmark could not read says nothing about what is missing.
  if (requirements.byId.size === 0) return;
  const hasCriteria = [...requirements.byId.keys()].some((id) => id.includes('.'));
  for (const ref of plan.requirementRefs) {
    if (ref.id.includes('.') && !hasCriteria) continue;
    if (requirements.byId.has(ref.id)) continue;
    out.push({
      code: 'unknown-requirement',
      span: ref.span,
      message: `Requirement ${ref.id} is not defined in requirements.md.`,
    });
  }
}

function checkDates(plan: Plan, out: Draft[]): void {
  const dates = new Map<string, { value: string; span: Span }>();
  const check = (key: string, field: { value: string; valueSpan: Span } | undefined) => {
    if (!field) return;
    const value = stripInline(field.value);
    if (isPlaceholderValue(value) || UNDECIDED.test(value)) return;
    // A date followed by a note ("2026-03-09 (Mon)", "2026-03-09, kickoff") is that date.
    const leading = LEADING_DATE.exec(field.value);
    const date = leading ? leading[2] : value;
    const at = leading ? field.valueSpan.start + leading[1].length : field.valueSpan.start;
    const span = leading ? { start: at, end: at + date.length } : field.valueSpan;
    if (!isRealDate(date)) {
      out.push({
        code: 'invalid-date',
        span,
        message: DATE.test(date)
          ? `${key} is ${date}, which is not a real day.`
          : `${key} is "${value}"; write dates as YYYY-MM-DD.`,
      });
      return;
    }
    dates.set(key, { value: date, span });
  };
  for (const key of ['Created', 'Target Start', 'Target End']) check(key, plan.metadata.get(key));
  check('Last Updated', plan.footer.get('Last Updated'));
  const start = dates.get('Target Start');
  const end = dates.get('Target End');
  if (start && end && end.value < start.value) {
    out.push({
      code: 'date-order',
      span: end.span,
      message: `Target End (${end.value}) is before Target Start (${start.value}).`,
      related: [{ span: start.span, message: 'Target Start' }],
    });
  }
  const created = dates.get('Created');
  const updated = dates.get('Last Updated');
  if (created && updated && updated.value < created.value) {
    out.push({
      code: 'date-order',
      span: updated.span,
      message: `Last Updated (${updated.value}) is before the plan was Created (${created.value}).`,
      related: [{ span: created.span, message: 'Created' }],
    });
  }
  const approved = plan.footer.get('Approved');
  const reviewed = plan.footer.get('Reviewed By');
  const approvedValue = approved ? stripInline(approved.value) : '';
  if (approved && isApproval(approvedValue) && !isPlaceholderValue(approvedValue)) {
    const reviewer = reviewed ? stripInline(reviewed.value) : '';
    if (!reviewed || isPlaceholderValue(reviewer) || /^(tbd|tbc|todo|n\/?a|none|nobody|pending|-+|—|–|\?+)$/i.test(reviewer)) {
      out.push({
        code: 'approved-unreviewed',
        span: approved.valueSpan,
        message: !reviewed
          ? 'The plan says Approved: Yes but has no Reviewed By.'
          : !reviewer
            ? 'The plan says Approved: Yes but Reviewed By is empty.'
            : isPlaceholderValue(reviewer)
              ? `The plan says Approved: Yes but Reviewed By is still the placeholder ${reviewer}.`
              : `The plan says Approved: Yes but Reviewed By is "${reviewer}", not a reviewer's name.`,
        related: reviewed ? [{ span: reviewed.value ? reviewed.valueSpan : reviewed.keySpan, message: 'Reviewed By' }] : undefined,
      });
    }
  }
}

function checkSections(plan: Plan, settings: PlanmarkSettings, out: Draft[]): void {
  // Candidate sections: ## headings (and # headings other than the plan title), read by the one
  // section rule (plan/sections.ts): emoji, numbering, punctuation and extra words do not matter.
  const candidates = plan.sections.filter((s, i) => s.level === 2 || (s.level === 1 && i > 0));
  const byName = new Map<string, typeof candidates>();
  const unmatched: typeof candidates = [];
  for (const s of candidates) {
    const name = matchTemplateSection(s.title, settings.requiredSections);
    if (!name) {
      unmatched.push(s);
      continue;
    }
    const list = byName.get(name);
    if (list) list.push(s);
    else byName.set(name, [s]);
  }
  const missing = settings.requiredSections.filter((r) => !byName.has(r));
  // A heading a few letters from a missing section's name is that section, misspelled: one
  // "did you mean" instead of a missing-section warning.
  const near = new Map<string, (typeof candidates)[number]>();
  if (missing.length) {
    for (const s of unmatched) {
      const name = nearTemplateSection(s.title, missing);
      if (name && !near.has(name)) near.set(name, s);
    }
  }
  const anchor = plan.title?.span ?? { start: 0, end: 0 };
  const swallowed = missing.length ? swallowedHeadings(plan, settings.requiredSections) : undefined;
  for (const required of settings.requiredSections) {
    const found = byName.get(required);
    if (!found) {
      const misnamed = near.get(required);
      if (misnamed) {
        out.push({
          code: 'misnamed-section',
          span: misnamed.titleSpan,
          message: `"${misnamed.title}" is not a template section name. Did you mean "${required}"?`,
          data: { section: required },
        });
        continue;
      }
      // The heading is there but a broken fence turned it into code: nested-fence or
      // unclosed-fence reports that one cause.
      if (swallowed?.has(required)) continue;
      out.push({
        code: 'missing-section',
        span: anchor,
        message: `The plan has no "${required}" section.`,
        data: { section: required },
      });
    } else if (found.length > 1) {
      for (const dup of found.slice(1)) {
        out.push({
          code: 'duplicate-section',
          span: dup.titleSpan,
          message: `"${required}" appears more than once; the first is on ${lineLabel(plan, found[0].headingSpan.start)}.`,
          related: [{ span: found[0].titleSpan, message: 'First occurrence' }],
          data: { section: required },
        });
      }
    }
  }
}

/**
 * Heading lines that sit inside code only because a fence broke: inside any fence after a
 * nested opening (from there on, fences pair up wrongly), or inside an unclosed fence.
 */
function swallowedHeadings(plan: Plan, names: readonly string[]): Map<string, { span: Span; fence: Span; nested: boolean }> {
  const out = new Map<string, { span: Span; fence: Span; nested: boolean }>();
  // A loop, not Math.min(...spread): a plan can hold more nested openings than a call has arguments.
  let firstNested = Infinity;
  for (const f of plan.fences) for (const n of f.nestedOpenings) if (n.start < firstNested) firstNested = n.start;
  for (const fence of plan.fences) {
    const nested = fence.span.end > firstNested;
    if (fence.closed && !nested) continue;
    const from = nested ? Math.max(fence.span.start, firstNested) : fence.openingSpan.end;
    forEachHeadingLine(plan.text, from, fence.span.end, (start, end) => {
      const title = plan.text.slice(start, end);
      const key = matchTemplateSection(title, names);
      if (key && !out.has(key)) out.set(key, { span: { start, end }, fence: fence.openingSpan, nested });
    });
  }
  return out;
}

/**
 * Lines in text[from, to) that would be `#` or `##` headings outside code, with the span of each
 * title (trailing blanks and closing #s dropped). Scans lines by hand: the regular expression
 * /^( {0,3}#{1,2}[ \t]+)(.+?)[ \t#]*$/ backtracks quadratically on a long line of "# # # ...x".
 */
function forEachHeadingLine(text: string, from: number, to: number, fn: (start: number, end: number) => void): void {
  let pos = from;
  while (pos < to) {
    let lineEnd = pos;
    while (lineEnd < to && text[lineEnd] !== '\n' && text[lineEnd] !== '\r') lineEnd++;
    let i = pos;
    while (i < lineEnd && i - pos < 3 && text[i] === ' ') i++;
    let hashes = 0;
    while (i < lineEnd && text[i] === '#') {
      i++;
      hashes++;
    }
    if (hashes >= 1 && hashes <= 2 && (text[i] === ' ' || text[i] === '\t')) {
      while (i < lineEnd && (text[i] === ' ' || text[i] === '\t')) i++;
      let end = lineEnd;
      while (end > i && (text[end - 1] === ' ' || text[end - 1] === '\t' || text[end - 1] === '#')) end--;
      // The title keeps at least its first character, as `.+?` did.
      if (i < lineEnd) fn(i, Math.max(end, i + 1));
    }
    pos = lineEnd;
    if (text[pos] === '\r') pos++;
    if (text[pos] === '\n') pos++;
  }
}

function checkTables(plan: Plan, out: Draft[]): void {
  for (const table of plan.tables) {
    const header = table.header.map((c) => c.text.replace(/[*_`]/g, '').trim().toLowerCase());
    const impact = header.findIndex((h) => h === 'impact');
    const method = header.findIndex((h) => h === 'method');
    const isRisk = impact >= 0 && header.some((h) => h.startsWith('risk'));
    const isEndpoints = method >= 0 && header.some((h) => h.startsWith('endpoint'));
    for (const row of table.rows) {
      if (row.cells.length !== table.columnCount) {
        out.push({
          code: 'malformed-row',
          span: row.span,
          message: `This row has ${row.cells.length} cell${row.cells.length === 1 ? '' : 's'}; the table's header has ${table.columnCount}.`,
        });
      }
      const impactCell = isRisk ? row.cells[impact] : undefined;
      if (impactCell && impactCell.text && !isPlaceholderValue(impactCell.text) && !IMPACTS.has(stripInline(impactCell.text).toLowerCase())) {
        out.push({ code: 'invalid-impact', span: impactCell.span, message: `Impact is "${impactCell.text}"; use High, Med or Low.` });
      }
      const methodCell = isEndpoints ? row.cells[method] : undefined;
      if (methodCell && methodCell.text && !isPlaceholderValue(methodCell.text) && !isHttpMethodList(methodCell.text)) {
        out.push({
          code: 'invalid-method',
          span: methodCell.span,
          message: `Method is "${methodCell.text}", not an HTTP method (GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS).`,
        });
      }
    }
  }
}

/**
 * The first fence whose closing fence was forgotten, and where that closing fence belongs: at
 * the first heading inside it (where the next heading begins), else where its content shows the
 * fence should have ended, else at the end of the plan.
 */
export function unclosedFence(plan: Plan): { fence: CodeFence; closeAt: number } | undefined {
  for (const fence of plan.fences) {
    // A fence nested in a Markdown example comes first: nested-fence is the root cause then.
    if (fence.neverClosedAt === undefined && fence.nestedOpenings.length) return undefined;
    if (fence.neverClosedAt === undefined && fence.closed) continue;
    const candidates = [fence.neverClosedAt, fence.firstHeadingAt].filter((o): o is number => o !== undefined);
    const closeAt = candidates.length ? Math.min(...candidates) : fence.span.end;
    return { fence, closeAt };
  }
  return undefined;
}

/** Codes whose findings a swallowed stretch of the plan can cause anywhere (a task row or section gone). */
const CAUSED_BY_SWALLOWED_TEXT = new Set<DiagnosticCode>([
  'missing-section',
  'unknown-task',
  'step-unknown-task',
  'graph-unknown-task',
  'unscheduled-task',
  'graph-missing-edge',
  'table-missing-edge',
  'step-order',
  'task-in-several-steps',
  'nested-fence',
  'mermaid-syntax',
]);

/**
 * After a fence that is never closed, the rest of the plan is read as code (or pairs its fences
 * wrongly): one unclosed-fence error is the root cause, so the findings it causes are dropped.
 */
function rootCauseFilter(plan: Plan, drafts: Draft[]): (d: Draft) => boolean {
  const root = drafts.find((d) => d.code === 'unclosed-fence');
  if (!root) return () => false;
  const from = root.span.start;
  return (d) => d !== root && (d.span.start >= from || CAUSED_BY_SWALLOWED_TEXT.has(d.code));
}

function checkFences(plan: Plan, out: Draft[]): void {
  const unclosed = unclosedFence(plan);
  if (unclosed) {
    const { fence, closeAt } = unclosed;
    const fenceText = fence.fenceChar.repeat(fence.fenceLength);
    const opening = plan.text.slice(fence.openingSpan.start, fence.openingSpan.end).trim();
    const atEnd = closeAt >= plan.text.length;
    out.push({
      code: 'unclosed-fence',
      span: fence.openingSpan,
      message: atEnd
        ? `The code block "${opening}" is never closed: add a closing ${fenceText} line.`
        : `The code block "${opening}" is never closed: the plan from ${lineLabel(plan, closeAt)} on is read as code. ` +
          `Close it with a ${fenceText} line before ${lineLabel(plan, closeAt)}.`,
      related: atEnd ? undefined : [{ span: firstLine(plan, closeAt), message: 'The closing fence belongs before this line' }],
    });
  }
  for (const fence of plan.fences) {
    // A forgotten closing fence is reported above, not as a fence nested in it.
    if (unclosed && fence === unclosed.fence) continue;
    for (const nested of fence.nestedOpenings) {
      const fenceText = fence.fenceChar.repeat(fence.fenceLength);
      const innerLine = plan.text.slice(nested.start, nested.end).trim();
      out.push({
        code: 'nested-fence',
        span: nested,
        message:
          `"${innerLine}" opens a fence inside the ${fenceText}${fence.lang} block from ${lineLabel(plan, fence.span.start)}, ` +
          `with a fence as long as the outer one: its closing ${fenceText} ends the outer block instead, and the rest of the plan ` +
          `turns into code. Make the outer fence longer (${fence.fenceChar.repeat(fence.fenceLength + 1)}).`,
        related: [{ span: fence.openingSpan, message: 'The outer fence opens here' }],
      });
    }
  }
}

/**
 * Applies <!-- planmark-disable ... --> comments, as markdownlint's inline configuration does.
 * Indexed once per plan (by line, and per code by offset) so that checking every diagnostic
 * stays fast when a plan has thousands of directives and thousands of diagnostics.
 */
export function disabledFilter(plan: Plan): (code: DiagnosticCode, offset: number) => boolean {
  if (plan.directives.length === 0) return () => false;
  const lineOf = (offset: number) => plan.lines.positionAt(offset).line;
  const applies = (codes: string[], code: string) => codes.length === 0 || codes.includes(code);
  const wholeFile: string[][] = [];
  const byLine = new Map<number, string[][]>();
  const toggles: { start: number; disable: boolean; codes: string[] }[] = [];
  const addLine = (line: number, codes: string[]) => {
    const list = byLine.get(line);
    if (list) list.push(codes);
    else byLine.set(line, [codes]);
  };
  for (const d of plan.directives) {
    if (d.kind === 'disable-file') wholeFile.push(d.codes);
    else if (d.kind === 'disable-line') addLine(lineOf(d.span.start), d.codes);
    else if (d.kind === 'disable-next-line') addLine(lineOf(d.span.start) + 1, d.codes);
    else toggles.push({ start: d.span.start, disable: d.kind === 'disable', codes: d.codes });
  }
  // The last disable/enable at or before an offset decides; stable, so document order breaks ties.
  toggles.sort((a, b) => a.start - b.start);
  const perCode = new Map<string, { starts: number[]; disable: boolean[] }>();
  const togglesFor = (code: string) => {
    let entry = perCode.get(code);
    if (!entry) {
      entry = { starts: [], disable: [] };
      for (const t of toggles) {
        if (!applies(t.codes, code)) continue;
        entry.starts.push(t.start);
        entry.disable.push(t.disable);
      }
      perCode.set(code, entry);
    }
    return entry;
  };
  return (code, offset) => {
    if (wholeFile.some((codes) => applies(codes, code))) return true;
    const onLine = byLine.get(lineOf(offset));
    if (onLine?.some((codes) => applies(codes, code))) return true;
    const { starts, disable } = togglesFor(code);
    // Last toggle with start <= offset.
    let low = 0;
    let high = starts.length - 1;
    let found = -1;
    while (low <= high) {
      const mid = (low + high) >> 1;
      if (starts[mid] <= offset) {
        found = mid;
        low = mid + 1;
      } else {
        high = mid - 1;
      }
    }
    return found >= 0 && disable[found];
  };
}

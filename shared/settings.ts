// Settings under `planmark.*` and the diagnostic codes, shared by client, server and CLI.
// package.json's `contributes.configuration` must list the same keys and defaults
// (a unit test checks that they agree).
import { ALL_PLAN_KINDS, type PlanKindSettings } from './planKinds';

export type SeveritySetting = 'error' | 'warning' | 'information' | 'hint' | 'off';

/** Every diagnostic code with its default severity and a one-line description. */
export const DIAGNOSTIC_CODES = {
  'unknown-task': { severity: 'error', description: 'A Depends On cell names a task that has no row in the task table.' },
  'step-unknown-task': { severity: 'warning', description: 'A step lists a task that has no row in the task table.' },
  'graph-unknown-task': { severity: 'warning', description: 'The mermaid graph names a task that has no row in the task table.' },
  'duplicate-task': { severity: 'error', description: 'A task ID is defined by more than one table row.' },
  'self-dependency': { severity: 'error', description: 'A task depends on itself.' },
  'dependency-cycle': { severity: 'error', description: 'Tasks depend on each other in a cycle.' },
  'duplicate-dependency': { severity: 'warning', description: 'A Depends On cell names the same task twice.' },
  'graph-missing-edge': { severity: 'warning', description: 'The task table states a dependency that the mermaid graph lacks.' },
  'table-missing-edge': { severity: 'warning', description: 'The mermaid graph states a dependency that the task table lacks.' },
  'unscheduled-task': { severity: 'warning', description: 'A task is listed in no step of the Implementation Sequence.' },
  'task-in-several-steps': { severity: 'warning', description: 'A task is listed in more than one step.' },
  'step-order': { severity: 'warning', description: 'A step lists a task before the step that lists one of its prerequisites.' },
  'invalid-hours': { severity: 'error', description: 'Estimated Hours is not a positive number.' },
  'unestimated-task': { severity: 'information', description: 'A task is not estimated yet (Estimated Hours is TBD, ?, X, N/A or empty); the critical path counts it as unknown.' },
  'invalid-date': { severity: 'error', description: 'A date is not YYYY-MM-DD or not a real day.' },
  'date-order': { severity: 'error', description: 'Target End is before Target Start, or Last Updated before Created.' },
  'missing-section': { severity: 'warning', description: 'A required template section is missing.' },
  'misnamed-section': { severity: 'information', description: 'A heading is a few letters away from a missing template section\'s name (did you mean it?).' },
  'duplicate-section': { severity: 'warning', description: 'A required template section appears more than once.' },
  'malformed-row': { severity: 'error', description: 'A table row has a different number of cells than its header.' },
  'invalid-impact': { severity: 'error', description: 'Impact in the Risk table is not High, Med or Low.' },
  'invalid-method': { severity: 'error', description: 'Method in the endpoints table is not an HTTP method.' },
  'nested-fence': { severity: 'error', description: 'A code fence opens inside another fence of the same length, so the rest of the plan becomes code.' },
  'unclosed-fence': { severity: 'error', description: 'A code fence is never closed, so the plan after it is read as code; reported once, at its opening line.' },
  'approved-unreviewed': { severity: 'error', description: 'Approved: Yes while Reviewed By is empty or a placeholder.' },
  'mermaid-syntax': { severity: 'warning', description: 'The mermaid flowchart has a syntax error.' },
  placeholder: { severity: 'information', description: 'An unfilled template placeholder.' },
  'duplicate-phase': { severity: 'warning', description: 'Another plan of the workspace has the same phase number.' },
  'duplicate-phase-name': { severity: 'warning', description: 'Another plan of the workspace has the same Phase Name.' },
  'phase-overlap': { severity: 'warning', description: "A phase's Target Start is before the Target End of the previous phase (the plan with the next lower phase number)." },
  'created-after-start': { severity: 'warning', description: 'Created is after Target Start.' },
  'unknown-external-task': { severity: 'warning', description: 'A cross-plan dependency (planmark.crossPlanReference, e.g. Phase 3/TASK_004) names a phase or task that no plan of the workspace has.' },
  'schedule-overrun': { severity: 'warning', description: 'The critical path needs more working hours (planmark.hoursPerDay, Monday to Friday) than Target Start to Target End allow.' },
  'done-depends-on-open': { severity: 'warning', description: 'A task marked done depends on a task that is still open.' },
  'unknown-requirement': { severity: 'warning', description: 'A Kiro task names a requirement that requirements.md beside it does not define.' },
} as const satisfies Record<string, { severity: SeveritySetting; description: string }>;

export type DiagnosticCode = keyof typeof DIAGNOSTIC_CODES;

export const ALL_DIAGNOSTIC_CODES = Object.keys(DIAGNOSTIC_CODES) as DiagnosticCode[];

export interface PlanmarkSettings {
  /** Globs (matched against the path, forward slashes) of Markdown files that are plans. */
  files: string[];
  /** Regular expression source for task IDs. */
  taskIdPattern: string;
  /** Section headings a plan must have (## level, matched case-insensitively, ignoring a trailing ":"). */
  requiredSections: string[];
  /** Per-code severity overrides. */
  diagnostics: Partial<Record<DiagnosticCode, SeveritySetting>>;
  /** Milliseconds to wait after the last change before publishing diagnostics. */
  diagnosticsDelay: number;
  /** Plans larger than this many bytes (UTF-8) get no deep analysis (diagnostics, graph, summary); navigation still works. */
  maxFileSize: number;
  /** Graph: above this many tasks the view starts focused on a subgraph. */
  graphFocusThreshold: number;
  /** Working hours per working day (Monday to Friday), for schedule checks and the timeline. */
  hoursPerDay: number;
  /** How a plan names another plan's task, with {phase} and {task}; empty turns cross-plan dependencies off. */
  crossPlanReference: string;
  /** Plan kinds planmark reads (the phase template, spec-kit and Kiro task lists); one turned off is left alone. */
  kinds: PlanKindSettings;
}

export const DEFAULT_REQUIRED_SECTIONS = [
  'Overview',
  'Objectives',
  'Technical Strategy',
  'Technology Stack',
  'Database Design',
  'API Design',
  'Implementation Sequence',
  'Task Breakdown with Dependencies',
  'Code Standards for This Phase',
  'Error Handling Strategy',
  'Security Considerations',
  'Testing Strategy',
  'Performance Considerations',
  'Monitoring & Logging',
  'Deployment Strategy',
  'Rollback Plan',
  'Risk Mitigation',
  'Documentation Requirements',
  'Success Criteria',
  'Review Checklist',
];

export const DEFAULT_SETTINGS: PlanmarkSettings = {
  files: ['**/*.plan.md', '**/plans/**/*.md', '**/specs/**/tasks.md', '**/.kiro/specs/**/tasks.md'],
  taskIdPattern: 'TASK[_-]\\d+',
  requiredSections: DEFAULT_REQUIRED_SECTIONS,
  diagnostics: {},
  diagnosticsDelay: 200,
  maxFileSize: 4 * 1024 * 1024,
  graphFocusThreshold: 300,
  hoursPerDay: 6,
  crossPlanReference: 'Phase {phase}/{task}',
  kinds: { ...ALL_PLAN_KINDS },
};

/** Merges a possibly partial or malformed settings object over the defaults. */
export function resolveSettings(raw: unknown): PlanmarkSettings {
  const value = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const stringArray = (v: unknown, fallback: string[]) =>
    Array.isArray(v) && v.every((s) => typeof s === 'string') ? (v as string[]) : fallback;
  const positive = (v: unknown, fallback: number) => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : fallback);
  const diagnostics: PlanmarkSettings['diagnostics'] = {};
  if (value.diagnostics && typeof value.diagnostics === 'object') {
    for (const [code, severity] of Object.entries(value.diagnostics as Record<string, unknown>)) {
      if (code in DIAGNOSTIC_CODES && ['error', 'warning', 'information', 'hint', 'off'].includes(severity as string)) {
        diagnostics[code as DiagnosticCode] = severity as SeveritySetting;
      }
    }
  }
  return {
    files: stringArray(value.files, DEFAULT_SETTINGS.files),
    taskIdPattern:
      typeof value.taskIdPattern === 'string' && value.taskIdPattern.trim() ? value.taskIdPattern : DEFAULT_SETTINGS.taskIdPattern,
    requiredSections: stringArray(value.requiredSections, DEFAULT_SETTINGS.requiredSections),
    diagnostics,
    diagnosticsDelay: positive(value.diagnosticsDelay, DEFAULT_SETTINGS.diagnosticsDelay),
    maxFileSize: positive(value.maxFileSize, DEFAULT_SETTINGS.maxFileSize),
    graphFocusThreshold: positive(value.graphFocusThreshold, DEFAULT_SETTINGS.graphFocusThreshold),
    hoursPerDay:
      typeof value.hoursPerDay === 'number' && value.hoursPerDay > 0 && value.hoursPerDay <= 24 ? value.hoursPerDay : DEFAULT_SETTINGS.hoursPerDay,
    crossPlanReference: typeof value.crossPlanReference === 'string' ? value.crossPlanReference : DEFAULT_SETTINGS.crossPlanReference,
    kinds: resolveKinds(value.kinds),
  };
}

/** planmark.kinds: each kind on unless set to false. */
function resolveKinds(raw: unknown): PlanKindSettings {
  const value = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const flag = (key: keyof PlanKindSettings) => (typeof value[key] === 'boolean' ? (value[key] as boolean) : true);
  return { template: flag('template'), specKit: flag('specKit'), kiro: flag('kiro') };
}

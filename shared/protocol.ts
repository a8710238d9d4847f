// The one place where client, server and webview agree on custom method names and payloads.
// Import from here; never copy a method name as a string literal.
// Requests and notifications are typed objects (vscode-jsonrpc's RequestType/NotificationType):
// client and server pass them to sendRequest/onRequest, so parameters and results are checked
// on both sides; `X.method` is the method name where a string is needed. The webview imports
// types only from here, so its bundle holds nothing of vscode-jsonrpc.
import { NotificationType, NotificationType0, RequestType, RequestType0 } from 'vscode-jsonrpc';

/** LSP-style zero-based position (UTF-16 code units). */
export interface WirePosition {
  line: number;
  character: number;
}

export interface WireRange {
  start: WirePosition;
  end: WirePosition;
}

/** Where a dependency edge was stated. */
export type EdgeSource = 'table' | 'mermaid' | 'both';

export interface GraphNode {
  /** The task ID, e.g. TASK_001. Untrusted text: escape before display. */
  id: string;
  /** Human label (mermaid node label without the ID, or the ID itself). Untrusted text. */
  label: string;
  /** Estimated hours when the table states a positive number. */
  hours?: number;
  /** Step title that schedules the task (first one when several do). */
  step?: string;
  /** 1-based step number when the step heading has one. */
  stepIndex?: number;
  /** False for a task that is referenced but has no row in the task table. */
  defined: boolean;
  /** True when the task lies on a dependency cycle. */
  inCycle: boolean;
  /** True when the task lies on the critical path. */
  critical: boolean;
  /** Diagnostic messages about this task, for tooltips. */
  problems: string[];
  /** Where the task is defined (its table row), or first referenced when undefined. */
  range?: WireRange;
  dependencies: string[];
  dependents: string[];
  /** Set for a task of another plan named by a cross-plan dependency (Phase 3/TASK_004). */
  external?: {
    /** The phase as written in the reference. */
    phase: string;
    /** The other plan's label ("Phase 3: Billing"), when the reference resolves. Untrusted text. */
    plan?: string;
    uri?: string;
    /** The task in the other plan. */
    range?: WireRange;
  };
  /** Progress, when the plan tracks it (a `- [x]` task line, a Status column): done tasks are drawn dimmed. */
  status?: 'todo' | 'in-progress' | 'done';
  /** An open task whose prerequisites are all done (in the earliest phase with open tasks): marked as runnable next. */
  next?: boolean;
  /** spec-kit `[P]`: may run in parallel with the other [P] tasks of its phase. */
  parallel?: boolean;
}

export interface GraphEdge {
  /** Prerequisite task ID. */
  from: string;
  /** Dependent task ID. */
  to: string;
  source: EdgeSource;
  critical: boolean;
  inCycle: boolean;
}

export interface GraphPayload {
  uri: string;
  version: number;
  title: string;
  nodes: GraphNode[];
  edges: GraphEdge[];
  /** Each cycle as a closed path of task IDs: [A, B, A]. */
  cycles: string[][];
  /** `unestimated`: tasks on the path without an estimate (the path takes at least `hours`). */
  criticalPath: { tasks: string[]; hours: number; unestimated?: string[] };
  /** Step titles in document order, for grouping (a task list's phases). */
  steps: { title: string; index?: number; tasks: string[] }[];
  /** How the plan is written: the phase template, a spec-kit or a Kiro task list. */
  kind?: 'template' | 'specKit' | 'kiro';
  /** Done and total tasks, when the plan tracks progress. */
  progress?: { done: number; total: number };
}

export interface TaskGraphParams {
  uri: string;
}

/** Parameters of the requests about one document. */
export interface DocumentParams {
  uri: string;
}

/** Request: client -> server. Result: GraphPayload, or null when the document is not a plan. */
export const TaskGraphRequest = new RequestType<TaskGraphParams, GraphPayload | null, void>('planmark/taskGraph');

/** Notification: server -> client, after a plan's model changed (debounced). */
export const PlanChangedNotification = new NotificationType<PlanChangedParams>('planmark/planChanged');
export interface PlanChangedParams {
  uri: string;
  version: number;
}

/** Summary for the status bar. */
export interface PlanSummary {
  uri: string;
  version: number;
  taskCount: number;
  errors: number;
  warnings: number;
  criticalPathHours: number;
  /** How the plan is written. */
  kind?: 'template' | 'specKit' | 'kiro';
  /** Progress, when the plan tracks it: done tasks, and the hours left on the critical path of open tasks. */
  progress?: { done: number; total: number; remainingHours: number };
  /** The plan's checklist items outside task lines (a template's Review Checklist...), when it has any. */
  checklist?: { done: number; total: number };
  /** Information diagnostics (placeholders, unestimated tasks), which the Problems panel counts too. */
  information?: number;
  /** Tasks on the critical path without an estimate. */
  criticalPathUnestimated?: number;
}
export const PlanSummaryRequest = new RequestType<DocumentParams, PlanSummary | null, void>('planmark/planSummary');

/** A task for quick picks (Go to Task, Add Task). */
export interface TaskInfo {
  id: string;
  hours?: number;
  dependencies: string[];
  step?: string;
  range: WireRange;
}
export interface TaskListResult {
  uri: string;
  version: number;
  tasks: TaskInfo[];
  nextFreeId: string;
  steps: { title: string; range: WireRange }[];
}
export const TaskListRequest = new RequestType<DocumentParams, TaskListResult | null, void>('planmark/taskList');

/**
 * Edits computed by the server for a client command. `version` is the document version the
 * edit was computed against; the client refuses to apply it to any other version.
 */
export interface CommandEditResult {
  uri: string;
  version: number;
  edits: { range: WireRange; newText: string }[];
  /** Set when nothing was done, e.g. the sources already agree. */
  message?: string;
}

export interface SyncParams {
  uri: string;
  direction: 'graphFromTable' | 'tableFromGraph';
}
export const SyncDependenciesRequest = new RequestType<SyncParams, CommandEditResult | null, void>('planmark/syncDependencies');

export interface AddTaskParams {
  uri: string;
  id: string;
  dependsOn: string[];
  hours?: number;
  /** Title of the step to list the task in (as returned by TaskListRequest), if any. */
  step?: string;
}
export const AddTaskRequest = new RequestType<AddTaskParams, CommandEditResult | null, void>('planmark/addTask');

export interface InsertSectionParams {
  uri: string;
  /** Heading text of the template section, e.g. "Risk Mitigation". */
  section: string;
}
export const InsertSectionRequest = new RequestType<InsertSectionParams, CommandEditResult | null, void>('planmark/insertSection');

export interface SectionListResult {
  uri: string;
  version: number;
  /** Template sections in template order, with whether the plan has them. */
  sections: { title: string; level: number; present: boolean }[];
}
export const SectionListRequest = new RequestType<DocumentParams, SectionListResult | null, void>('planmark/sectionList');

// ---- Webview <-> extension messages ----

export type ExtensionToWebviewMessage =
  | { type: 'graph'; payload: GraphPayload }
  | { type: 'stale'; reason: string }
  | { type: 'highlight'; taskId: string | null }
  | { type: 'theme'; kind: 'light' | 'dark' | 'highContrast' | 'highContrastLight' }
  /** Settings the view reads: above `focusThreshold` tasks it opens focused on the cursor's task (planmark.graphFocusThreshold). */
  | { type: 'settings'; focusThreshold: number };

export type WebviewToExtensionMessage =
  | { type: 'ready' }
  | { type: 'reveal'; taskId: string }
  | { type: 'exportSvg'; svg: string }
  | { type: 'exportPng'; dataUrl: string }
  | { type: 'copySource'; source: string }
  | { type: 'state'; state: GraphViewState }
  | { type: 'rendered'; nodes: number; edges: number; ms: number };

/** What the webview persists across updates and restarts. */
export interface GraphViewState {
  direction: 'TD' | 'LR';
  groupBySteps: boolean;
  filter: string;
  zoom: number;
  panX: number;
  panY: number;
  /** Overview (all tasks, or steps collapsed on large plans) or focus on the cursor's task; unset: chosen by size. */
  mode?: 'overview' | 'focus';
  /** Overview of a large plan: titles of the steps the user expanded. */
  expanded?: string[];
  /** Focus: how many dependency steps around the task are shown. */
  focusDepth?: number;
  /** Filter: also show the matches' direct neighbours. */
  neighbours?: boolean;
}

/** Request: the server's memory, for the benchmark and for bug reports. */
export interface ServerStats {
  rss: number;
  heapUsed: number;
  documents: number;
  /** V8 heap reserved (used or not), memory of Buffers/ArrayBuffers outside it. */
  heapTotal?: number;
  external?: number;
}
export const StatsRequest = new RequestType0<ServerStats | null, void>('planmark/stats');

/**
 * Notification, tests only (the server listens for it when PLANMARK_TEST_HOOKS=1): throw an
 * exception outside every handler, as a bug in a timer would. The server then exits and the
 * client restarts it.
 */
export const TestUncaughtExceptionNotification = new NotificationType0('planmark/test/uncaughtException');

// ---- The workspace of plans: index, Plans view, timeline ----

/** A metadata value of a plan and where it is written. Untrusted text. */
export interface WorkspaceField {
  value: string;
  range: WireRange;
}

export interface WorkspaceTask {
  id: string;
  /** Done / in progress / open, when the plan tracks progress (a checkbox or a Status column). */
  status?: 'todo' | 'in-progress' | 'done';
  /** The ID in its table row. */
  range: WireRange;
  hours?: number;
  /** Prerequisites in the same plan. */
  dependsOn: string[];
  /** Index in WorkspacePlan.steps of the first step listing the task. */
  step?: number;
}

export interface WorkspaceStep {
  title: string;
  number?: number;
  /** The step heading. */
  range: WireRange;
  tasks: string[];
}

/** A dependency on a task of another plan, written as planmark.crossPlanReference says (Phase 3/TASK_004). */
export interface ExternalTaskRef {
  /** The phase as written. */
  phase: string;
  task: string;
  /** The whole reference. */
  range: WireRange;
  /** The task ID inside it. */
  taskRange: WireRange;
  /** The task of this plan that depends on it. */
  dependent: string;
}

/**
 * What the workspace index keeps of a plan: small, no text and no model, so that hundreds of
 * unopened plans cost little memory.
 */
export interface WorkspacePlan {
  uri: string;
  /** Version of the open document it was made from; null when read from disk. */
  version: number | null;
  /** The first heading, or the file name. */
  title: string;
  /** The phase template, a spec-kit or a Kiro task list. */
  kind: 'template' | 'specKit' | 'kiro';
  /** Tasks done of all, when the plan tracks progress. */
  progress?: { done: number; total: number };
  phase?: WorkspaceField;
  phaseName?: WorkspaceField;
  created?: WorkspaceField;
  targetStart?: WorkspaceField;
  targetEnd?: WorkspaceField;
  tasks: WorkspaceTask[];
  steps: WorkspaceStep[];
  criticalPath: { tasks: string[]; hours: number };
  /** The plan's own diagnostics. */
  errors: number;
  warnings: number;
  external: ExternalTaskRef[];
}

export interface WorkspacePlansResult {
  /** True while the first scan of the workspace runs. */
  indexing: boolean;
  /** Plans in phase order (plans without a phase number last, by title). */
  plans: (WorkspacePlan & {
    /** "Phase 3: Billing", the spec folder of a task list, or the title. Untrusted text. */
    label: string;
    /** The plan's own problems and the workspace's findings about it. */
    problems: { errors: number; warnings: number };
  })[];
}
/** Request: client -> server, no params. Result: WorkspacePlansResult. */
export const WorkspacePlansRequest = new RequestType0<WorkspacePlansResult, void>('planmark/workspacePlans');
export interface WorkspacePlansChangedParams {
  /** True while the first scan of the workspace runs. */
  indexing: boolean;
}
/** Notification: server -> client, when a plan of the workspace changed (debounced). */
export const WorkspacePlansChangedNotification = new NotificationType<WorkspacePlansChangedParams>('planmark/workspacePlansChanged');

export interface TimelineResult {
  /** A mermaid gantt chart of the phases and their steps. */
  mermaid: string;
  plans: number;
}
/** Request: client -> server, no params. Result: TimelineResult. */
export const TimelineRequest = new RequestType0<TimelineResult, void>('planmark/timeline');

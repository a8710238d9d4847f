// The plan model: what a plan document says, independent of any editor or protocol.
// Every range is a Span of UTF-16 offsets into the document text; convert with the
// plan's LineIndex when a position is needed.

import type { PlanKind } from '../../../shared/planKinds';

export type { PlanKind } from '../../../shared/planKinds';

export interface Span {
  start: number;
  /** Exclusive. */
  end: number;
}

export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

/** Options that change how a document is understood. */
export interface PlanOptions {
  /** Regular expression source for task IDs (no flags, no anchors). */
  taskIdPattern: string;
}

/** Progress of a task: from the checkbox of its task line or the Status column of its row. */
export type TaskStatus = 'todo' | 'in-progress' | 'done';

export const DEFAULT_TASK_ID_PATTERN = 'TASK[_-]\\d+';

export interface Field {
  key: string;
  keySpan: Span;
  /** Value text, trimmed. */
  value: string;
  /** Span of the trimmed value (empty span at the end of the key when the value is empty). */
  valueSpan: Span;
  /** Span of the whole line holding the field. */
  lineSpan: Span;
}

export interface Section {
  /** Heading text, inline markup stripped, trimmed. */
  title: string;
  level: number;
  /** The heading line. */
  headingSpan: Span;
  /** The heading text. */
  titleSpan: Span;
  /** From the heading to the next heading of the same or a higher level (or the end). */
  span: Span;
  /** Index of the parent section in Plan.sections, or -1 for a top-level one. */
  parent: number;
  children: number[];
}

export interface Cell {
  /** Cell text, trimmed, as written (markup not stripped). */
  text: string;
  /** Span of the trimmed text; an empty span where the cell is empty. */
  span: Span;
}

export interface TableRow {
  span: Span;
  cells: Cell[];
}

export interface Table {
  span: Span;
  header: Cell[];
  /** Index in Plan.sections of the innermost section holding the table, or -1. */
  section: number;
  rows: TableRow[];
  /** Number of columns the header declares. */
  columnCount: number;
}

export interface TaskRef {
  id: string;
  span: Span;
}

export interface TaskDefinition {
  id: string;
  /** The ID's span in the Task cell. */
  idSpan: Span;
  /** The whole row. */
  rowSpan: Span;
  row: TableRow;
  /** Index of the table in Plan.tables. */
  table: number;
  /** References in the Depends On cell, in order (duplicates kept). */
  dependsOn: TaskRef[];
  dependsOnCell?: Cell;
  hoursCell?: Cell;
  /** Parsed hours, when the cell is an estimate (`6`, `6h`, `4 hrs`, `2.5`). */
  hours?: number;
  /** The hours cell says the task is not estimated yet (`TBD`, `?`, `X`, `N/A`, empty). */
  unestimated?: boolean;
  /** Index in Plan.sections of the innermost section holding the task, or -1. */
  section: number;
  /** Progress, when the plan tracks it (a checkbox, a Status column); undefined otherwise. */
  status?: TaskStatus;
  /** Task-list kinds: the task's title (its line after the ID and markers). */
  title?: string;
  /** spec-kit `[P]`: may run in parallel with the other [P] tasks of its phase. */
  parallel?: boolean;
  /** spec-kit `[US1]`: the user story the task belongs to. */
  story?: string;
  /** Kiro `- [ ]*`: an optional task. */
  optional?: boolean;
  /** Kiro sub-task 2.1: its parent task 2. */
  parent?: string;
  /** Kiro `_Requirements: 1.1, 2.3_`: the requirement references of the task. */
  requirements?: TaskRef[];
}

/**
 * A place outside a table cell where task IDs are written as dependencies (a task list's
 * "depends on ..." text, a Kiro `_Depends on:_` line): for completion.
 */
export interface DependencySlot {
  /** From the end of the keyword to the end of the statement. */
  span: Span;
  /** The task that waits, when known. */
  task?: string;
  refs: TaskRef[];
}

/** A requirement of Kiro's requirements.md, as a task refers to it ("1.1": requirement 1, criterion 1). */
export interface RequirementInfo {
  id: string;
  /** The requirement's heading, or the acceptance criterion's text. */
  text: string;
  range: Range;
}

/** Kiro's requirements.md beside a task list, read by the server and handed to the features. */
export interface RequirementIndex {
  uri: string;
  byId: Map<string, RequirementInfo>;
}

export interface Step {
  /** Heading text, e.g. "Step 1: Foundation Setup". */
  title: string;
  /** Number from "Step N" when present. */
  number?: number;
  headingSpan: Span;
  span: Span;
  /** The **Tasks:** field, when present. */
  tasksField?: Field;
  tasks: TaskRef[];
}

export type MermaidEdgeKind = 'solid' | 'dotted' | 'thick' | 'invisible';

export interface MermaidNode {
  /** The node identifier used in edges (alias), e.g. "A" or "TASK_001". */
  alias: string;
  /** First span where the alias appears. */
  aliasSpan: Span;
  /** Label text inside the shape brackets, when one is given. */
  label?: string;
  labelSpan?: Span;
  /** Task ID the node stands for: from its label, or its alias when that is an ID. */
  taskId?: string;
  /** Span of the task ID text (in the label, or the alias). */
  taskIdSpan?: Span;
}

export interface MermaidEdge {
  /** Aliases. */
  from: string;
  to: string;
  fromSpan: Span;
  toSpan: Span;
  /** From the start of the source node reference to the end of the target node reference. */
  span: Span;
  kind: MermaidEdgeKind;
  label?: string;
}

export interface MermaidProblem {
  message: string;
  span: Span;
}

export interface MermaidFlowchart {
  /** graph or flowchart. */
  keyword: 'graph' | 'flowchart';
  direction: 'TD' | 'TB' | 'BT' | 'RL' | 'LR';
  /** Unique nodes by alias, in order of first appearance. */
  nodes: MermaidNode[];
  edges: MermaidEdge[];
  /** Every occurrence of an alias in a node reference, for find-references and rename. */
  aliasOccurrences: { alias: string; span: Span }[];
  problems: MermaidProblem[];
}

export interface MermaidBlock {
  /** The whole fenced code block. */
  span: Span;
  /** Start offset of the code content (first line after the opening fence). */
  contentStart: number;
  flowchart?: MermaidFlowchart;
  /** Index of the enclosing section in Plan.sections, or -1. */
  section: number;
}

/** A dependency edge: `from` must finish before `to` starts. */
export interface DependencyEdge {
  from: string;
  to: string;
  /** Where the edge is stated: the Depends On reference, or the mermaid edge. */
  span: Span;
  /** 'table': the task list's own statement (a Depends On cell, or a task list's dependency text); 'mermaid': the graph. */
  source: 'table' | 'mermaid';
}

export interface ChecklistItem {
  checked: boolean;
  span: Span;
  section: number;
}

export interface CodeFence {
  span: Span;
  lang: string;
  fenceChar: '`' | '~';
  fenceLength: number;
  openingSpan: Span;
  /** False when the fence runs to the end of the document. */
  closed: boolean;
  /** Lines inside that look like an opening fence of the same character and length with an info string. */
  nestedOpenings: Span[];
  /**
   * Start of the line where the content shows the closing fence was forgotten (a template
   * heading, another fence's opening; in mermaid any heading or table row). Unset when nothing shows it.
   */
  neverClosedAt?: number;
  /** Start of the first content line that is a Markdown heading. */
  firstHeadingAt?: number;
}

export interface TaskMention {
  id: string;
  span: Span;
  kind: 'definition' | 'dependsOn' | 'step' | 'mermaid' | 'text';
}

export interface Placeholder {
  text: string;
  span: Span;
}

export interface DisableDirective {
  kind: 'disable' | 'enable' | 'disable-next-line' | 'disable-line' | 'disable-file';
  /** Empty means every code. */
  codes: string[];
  span: Span;
}

export interface Plan {
  uri: string;
  version: number;
  text: string;
  /** How the plan is written: the phase template, a spec-kit or a Kiro task list. */
  kind: PlanKind;
  lines: LineIndexLike;
  /** The first heading, if any. */
  title?: { text: string; span: Span };
  sections: Section[];
  /** Overview fields by key (Phase, Phase Name, Created, Target Start, Target End). */
  metadata: Map<string, Field>;
  /** Sign-off fields by key (Created By, Reviewed By, Approved, Last Updated). */
  footer: Map<string, Field>;
  tables: Table[];
  /** Every task row in document order, duplicates included. */
  tasks: TaskDefinition[];
  /** First definition of each task ID. */
  taskById: Map<string, TaskDefinition>;
  /** Template: the steps of the Implementation Sequence. Task lists: their phases (or Kiro's parent tasks). */
  steps: Step[];
  /** Index of the Implementation Sequence section, or -1. */
  sequenceSection: number;
  /** `**Tasks:**` fields outside every step (no `Step N` heading above them): read by no step. */
  looseTaskFields: Field[];
  mermaid: MermaidBlock[];
  /** Table Depends On edges followed by mermaid edges. */
  edges: DependencyEdge[];
  checklists: ChecklistItem[];
  fences: CodeFence[];
  /** Every occurrence of a task ID, sorted by offset. */
  mentions: TaskMention[];
  placeholders: Placeholder[];
  directives: DisableDirective[];
  /** Task lists: where dependencies are written outside a table (for completion). */
  dependencySlots: DependencySlot[];
  /** Kiro: every requirement reference, sorted by offset. */
  requirementRefs: TaskRef[];
  /** A new RegExp (global) for task IDs; create per use since it is stateful. */
  taskIdRegExp(): RegExp;
}

export interface LineIndexLike {
  positionAt(offset: number): Position;
  offsetAt(position: Position): number;
  readonly lineCount: number;
}

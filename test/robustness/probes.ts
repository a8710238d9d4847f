// Named probes that run one piece of the server on one (usually huge or pathological) text. They
// run in a worker thread (isolated.ts) so that a probe that hangs can be stopped and reported
// instead of blocking the test run. Each returns a small, cloneable summary.
import { findTaskIds, parsePlan, splitTableRow, taskIdRegExp, DEFAULT_TASK_ID_PATTERN, type Plan } from '../../server/src/plan';
import { classifyTable } from '../../server/src/plan/facts';
import { parseMermaidFlowchart } from '../../server/src/plan/mermaid';
import { stripJsonComments } from '../../server/src/cli';
import { complete } from '../../server/src/features/completion';
import { computeDiagnostics, isRealDate, sectionKey } from '../../server/src/features/diagnostics';
import { eolOf, insertSectionEdit, syncGraphFromTable, syncTableFromGraph } from '../../server/src/features/planEdits';
import { normalizeSectionTitle } from '../../server/src/features/util';
import { validateTaskIdPattern } from '../../server/src/settings';
import { hasPlanTitle, isPlanDocument } from '../../shared/planFiles';
import { DEFAULT_SETTINGS, resolveSettings } from '../../shared/settings';
import { codeActions } from '../../server/src/features/codeActions';
import { findDefinition } from '../../server/src/features/definition';
import { documentSymbols } from '../../server/src/features/documentSymbols';
import { foldingRanges } from '../../server/src/features/foldingRanges';
import { hoverTask } from '../../server/src/features/hover';
import { headingKey, planSummary, sectionList, taskList } from '../../server/src/features/planInfo';
import { findReferences } from '../../server/src/features/references';
import { prepareRename } from '../../server/src/features/rename';
import { buildTaskGraph } from '../../server/src/features/taskGraph';
import { exercise, type ExerciseOptions } from './harness';

export const probes = {
  /** parsePlan + every language feature (harness.exercise). */
  exercise: (text: string, options: ExerciseOptions = {}) => exercise(text, options),
  /**
   * One parse, then every feature that reads the whole plan, and the position-based ones at
   * the start, middle and end of line `line` (no edit is applied, so nothing is re-parsed).
   */
  features: (text: string, line: number) => {
    const plan = parsePlan(text, { uri: 'file:///a.plan.md' });
    const diagnostics = computeDiagnostics(plan, DEFAULT_SETTINGS);
    documentSymbols(plan);
    foldingRanges(plan);
    buildTaskGraph(plan, diagnostics);
    taskList(plan);
    sectionList(plan);
    planSummary(plan, diagnostics);
    codeActions(plan, diagnostics);
    syncGraphFromTable(plan);
    syncTableFromGraph(plan);
    for (const section of ['Overview', 'Review Checklist']) insertSectionEdit(plan, section);
    const start = plan.lines.offsetAt({ line, character: 0 });
    const end = plan.lines.offsetAt({ line, character: Number.MAX_SAFE_INTEGER });
    for (const offset of [start, start + 3, (start + end) >> 1, end]) {
      const p = plan.lines.positionAt(offset);
      complete(plan, p, DEFAULT_SETTINGS);
      findDefinition(plan, p);
      findReferences(plan, p, true);
      hoverTask(plan, p);
      prepareRename(plan, p);
    }
    return diagnostics.length;
  },
  /** parsePlan + diagnostics. */
  parse: (text: string) => {
    const plan = parsePlan(text);
    return { tasks: plan.tasks.length, diagnostics: computeDiagnostics(plan, DEFAULT_SETTINGS).length };
  },
  completion: (text: string, line: number, character: number) =>
    complete(parsePlan(text), { line, character }, DEFAULT_SETTINGS).items.length,
  insertSection: (text: string, title: string) => insertSectionEdit(parsePlan(text), title)?.range ?? null,
  sync: (text: string) => {
    const plan = parsePlan(text);
    return [syncGraphFromTable(plan), syncTableFromGraph(plan)].map((r) => (typeof r === 'string' ? r : r.length));
  },
  // Exported patterns and the public functions that hold the others, on one adversarial string.
  taskIds: (text: string) => [findTaskIds(text, DEFAULT_TASK_ID_PATTERN, 0).length, text.match(taskIdRegExp(DEFAULT_TASK_ID_PATTERN))?.length ?? 0],
  tableRow: (text: string) => classifyTable(splitTableRow(text)).kind,
  planTitle: (text: string) => [hasPlanTitle(text), isPlanDocument('/work/notes.md', text, DEFAULT_SETTINGS.files)],
  taskIdPatternSetting: (text: string) => validateTaskIdPattern(text) ?? 'ok',
  settings: (text: string) => resolveSettings({ taskIdPattern: text, files: [text], requiredSections: [text] }).taskIdPattern.length,
  mermaid: (text: string) => {
    const chart = parseMermaidFlowchart(`graph TD\n${text}\n`, DEFAULT_TASK_ID_PATTERN);
    return chart ? chart.nodes.length + chart.edges.length + chart.problems.length : -1;
  },
  titles: (text: string) => [sectionKey(text), normalizeSectionTitle(text), headingKey(text)].map((s) => s.length),
  date: (text: string) => isRealDate(text),
  jsonComments: (text: string) => stripJsonComments(text).length,
  eol: (text: string) => eolOf({ text } as Plan).length,
};

export type ProbeName = keyof typeof probes;

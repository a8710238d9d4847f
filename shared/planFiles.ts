// Which Markdown documents are plans. Shared by the client (to start the server only when a
// plan is open), the server (to analyse only plans) and the CLI.
import picomatch from 'picomatch';
import { ALL_PLAN_KINDS, type PlanKind, type PlanKindSettings } from './planKinds';

const PLAN_TITLE = /^[ \t]{0,3}#{1,6}[ \t]+Implementation Plan\b/i;
const ATX_HEADING = /^[ \t]{0,3}#{1,6}(?:[ \t]|$)/;

/** True when the first ATX heading of the text starts with "Implementation Plan". */
export function hasPlanTitle(text: string): boolean {
  // Only the head of the document matters; bound the scan so huge files stay cheap.
  const head = text.length > 65536 ? text.slice(0, 65536) : text;
  let inFence = false;
  for (const line of head.split(/\r\n|\r|\n/)) {
    if (/^[ \t]{0,3}(```|~~~)/.test(line)) inFence = !inFence;
    if (inFence) continue;
    if (ATX_HEADING.test(line)) return PLAN_TITLE.test(line);
  }
  return false;
}

const matcherCache = new Map<string, (path: string) => boolean>();

/** True when the path matches one of the globs (matched against the whole path and its tail). */
export function matchesPlanGlobs(fsPath: string, globs: readonly string[]): boolean {
  const key = globs.join('\u0000');
  let match = matcherCache.get(key);
  if (!match) {
    const isMatch = picomatch(globs as string[], { dot: true, nocase: process.platform === 'win32' });
    match = (p: string) => isMatch(p) || isMatch(p.replace(/^\/+/, ''));
    matcherCache.set(key, match);
  }
  return match(fsPath.replace(/\\/g, '/'));
}

export function isMarkdownPath(fsPath: string): boolean {
  return /\.(md|markdown|mdown|mkd)$/i.test(fsPath);
}

/**
 * The path globs are matched against: relative to the innermost workspace folder holding the
 * file, so a folder named "plans" above the workspace does not make every file a plan.
 */
export function pathForGlobs(fsPath: string, roots: readonly string[]): string {
  const file = fsPath.replace(/\\/g, '/');
  let best: string | undefined;
  for (const root of roots) {
    const r = root.replace(/\\/g, '/').replace(/\/+$/, '');
    if (file.startsWith(r + '/') && (!best || r.length > best.length)) best = r;
  }
  return best ? file.slice(best.length + 1) : file;
}

/** Whether planmark reads the document as a plan of any kind (see planKindOf). */
export function isPlanDocument(
  fsPath: string,
  text: string,
  globs: readonly string[],
  roots: readonly string[] = [],
  kinds: PlanKindSettings = ALL_PLAN_KINDS,
): boolean {
  return planKindOf(fsPath, text, globs, roots, kinds) !== undefined;
}

// ---- Plan kinds ----
//
// A plan is written in one of three shapes: planmark's phase template (a task table), a GitHub
// spec-kit task list (specs/NNN-feature/tasks.md: `- [ ] T001 [P] [US1] ...`) or a Kiro task
// list (.kiro/specs/feature/tasks.md: `- [ ] 2.1 ...`). The kind decides how tasks are read and
// which rules apply; template-only rules (sections, placeholders, metadata) run on template plans only.

export type { PlanKind, PlanKindSettings } from './planKinds';
export { ALL_PLAN_KINDS } from './planKinds';

const KIRO_TASKS_PATH = /(?:^|\/)\.kiro\/specs\/(?:[^/]+\/)+tasks\.md$/i;
const KIRO_NEIGHBOUR_PATH = /(?:^|\/)\.kiro\/specs\/(?:[^/]+\/)+(?:requirements|design)\.md$/i;
const SPEC_KIT_TASKS_PATH = /(?:^|\/)specs\/(?:[^/]+\/)+tasks\.md$/i;
/** spec-kit's other documents of a feature folder: none is a task list. */
const SPEC_KIT_NEIGHBOUR_PATH = /(?:^|\/)specs\/[^/]+\/(?:plan|spec|research|data-model|quickstart)\.md$/i;

/** The head of a document, where its shape shows; bounded so huge files stay cheap. */
function head(text: string): string {
  return text.length > 65536 ? text.slice(0, 65536) : text;
}

/** The first ATX heading outside fenced code (and outside front matter), if any. */
export function firstHeading(text: string): string | undefined {
  let inFence = false;
  for (const line of head(text).split(/\r\n|\r|\n/)) {
    if (/^[ \t]{0,3}(```|~~~)/.test(line)) inFence = !inFence;
    if (inFence) continue;
    if (ATX_HEADING.test(line)) return line.replace(/^[ \t]{0,3}#{1,6}[ \t]*/, '').replace(/[ \t#]*$/, '');
  }
  return undefined;
}

/** spec-kit's plan.md: "Implementation Plan: Feature" with its Branch line or Technical Context. */
export function looksLikeSpecKitPlan(text: string): boolean {
  const title = firstHeading(text);
  if (!title || !/^Implementation Plan\s*:/i.test(title)) return false;
  return /^\s*\*\*(?:Branch|Input)\*\*\s*:|^#{2,3}\s+(?:Technical Context|Constitution Check|Complexity Tracking)\b/im.test(head(text));
}

const KIRO_TASK_LINE = /^[ \t]*[-*+][ \t]+\[[ xX~-]\]\*?[ \t]+\d+(?:\.\d+)*\.?[ \t]+\S/m;
const SPEC_KIT_TASK_LINE = /^[ \t]*[-*+][ \t]+(?:\[[ xX~-]\][ \t]+)?\*{0,2}T\d{2,}\*{0,2}\b/gm;
const TEMPLATE_TASK_TABLE = /^[ \t]*\|[ \t]*\**Task(?: ID)?\**[ \t]*\|.*\|/im;

/** A Kiro task list: checkbox items numbered 1., 2.1 ..., and no template task table. */
export function looksLikeKiroTasks(text: string): boolean {
  const h = head(text);
  return KIRO_TASK_LINE.test(h) && !TEMPLATE_TASK_TABLE.test(h);
}

/** A spec-kit task list: list items that start with T001-style IDs. */
export function looksLikeSpecKitTasks(text: string): boolean {
  const h = head(text);
  const count = h.match(SPEC_KIT_TASK_LINE)?.length ?? 0;
  if (count === 0 || TEMPLATE_TASK_TABLE.test(h)) return false;
  return count >= 2 || /^Tasks\b/i.test(firstHeading(text) ?? '');
}

/**
 * The kind of a Markdown document, or undefined when it is not a plan planmark reads.
 *  1. By path: `.kiro/specs/<feature>/tasks.md` is a Kiro task list, `specs/<feature>/tasks.md` a
 *     spec-kit one; their neighbours (Kiro requirements.md and design.md; spec-kit plan.md,
 *     spec.md, research.md, data-model.md, quickstart.md) are never plans.
 *  2. Otherwise a file matching planmark.files, or whose first heading starts with
 *     "Implementation Plan", is a plan, and its shape decides the kind: numbered checkbox items
 *     (`- [ ] 1.`) make a Kiro task list, T001-style items a spec-kit one, anything else the
 *     template; spec-kit's plan.md shape ("Implementation Plan: ..." with **Branch**) is no plan.
 *  3. A document titled "Tasks..." listing T001-style items is a spec-kit task list anywhere.
 * A kind turned off in planmark.kinds makes its documents no plans at all.
 */
export function planKindOf(
  fsPath: string,
  text: string,
  globs: readonly string[],
  roots: readonly string[] = [],
  kinds: PlanKindSettings = ALL_PLAN_KINDS,
): PlanKind | undefined {
  const rel = pathForGlobs(fsPath, roots).replace(/\\/g, '/');
  const enabled = (kind: PlanKind) => (kinds[kind] ? kind : undefined);
  if (KIRO_TASKS_PATH.test(rel)) return enabled('kiro');
  if (KIRO_NEIGHBOUR_PATH.test(rel)) return undefined;
  if (SPEC_KIT_TASKS_PATH.test(rel) && !/(?:^|\/)\.kiro\//i.test(rel)) {
    return looksLikeKiroTasks(text) && !looksLikeSpecKitTasks(text) ? enabled('kiro') : enabled('specKit');
  }
  if (SPEC_KIT_NEIGHBOUR_PATH.test(rel) && !matchesPlanGlobs(rel, globs)) return undefined;
  if (matchesPlanGlobs(rel, globs) || hasPlanTitle(text)) {
    if (looksLikeSpecKitPlan(text)) return undefined;
    if (looksLikeSpecKitTasks(text)) return enabled('specKit');
    if (looksLikeKiroTasks(text)) return enabled('kiro');
    return enabled('template');
  }
  if (looksLikeSpecKitTasks(text) && /^Tasks\b/i.test(firstHeading(text) ?? '')) return enabled('specKit');
  return undefined;
}

// GitHub spec-kit task lists (specs/NNN-feature/tasks.md):
//   - [ ] T014 [P] [US1] Implement the service in src/services/x.py (depends on T012, T013)
// Dependencies are prose: on a task line ("depends on T004, T005", "after T010", "blocks T020")
// and in statements anywhere else ("T012 depends on T010", "T012-T015 depend on T011",
// "T001 → T002 → T003"), typically in the "Dependencies & Execution Order" section.
import type { Span, TaskRef } from '../types';
import { expandRange, type DependencyStatement, type ParsedTask, type TaskLine } from './listTasks';

/** Task IDs of spec-kit: T001. */
export const SPEC_KIT_ID_PATTERN = 'T\\d{2,}';

const TASK_START = /^(\*\*|__)?(T\d{2,})\1?(?![A-Za-z0-9_])[ \t]*:?[ \t]*/;
const MARKER = /^\[([^\]\n]{1,40})\][ \t]*/;

function splitId(id: string): [string, number, number] | undefined {
  const m = /^(T)(\d+)$/.exec(id);
  return m ? [m[1], Number(m[2]), m[2].length] : undefined;
}

export function readSpecKitTask(line: TaskLine): ParsedTask | undefined {
  const content = line.text.slice(line.contentStart);
  const m = TASK_START.exec(content);
  if (!m) return undefined;
  const idStart = line.span.start + line.contentStart + (m[1]?.length ?? 0);
  let rest = content.slice(m[0].length);
  let parallel = false;
  let story: string | undefined;
  for (let marker = MARKER.exec(rest); marker; marker = MARKER.exec(rest)) {
    const tag = marker[1].trim();
    if (/^p$/i.test(tag)) parallel = true;
    else if (/^(?:US|Story\s*)\d+$/i.test(tag)) story = tag.toUpperCase().replace(/^STORY\s*/, 'US');
    else break;
    rest = rest.slice(marker[0].length);
  }
  return {
    id: m[2],
    idSpan: { start: idStart, end: idStart + m[2].length },
    title: rest.trim(),
    parallel: parallel || undefined,
    story,
  };
}

// An ID list: IDs and ranges joined by commas, "and", "&", "/" or "+".
const ID = String.raw`T\d{2,}`;
const RANGE = String.raw`(${ID})(?:\s*(?:-|–|—|\.\.|to|through|thru)\s*(${ID}))?`;
const RANGE_TEXT = String.raw`${ID}(?:\s*(?:-|–|—|\.\.|to|through|thru)\s*${ID})?`;
const SEPARATOR = String.raw`\s*(?:,\s*and|,|and|&|\/|\+)\s*(?:tasks?\s+)?`;
const ID_LIST = new RegExp(String.raw`(?<![A-Za-z0-9_])(?:tasks?\s+)?${RANGE_TEXT}(?:${SEPARATOR}${RANGE_TEXT})*(?![A-Za-z0-9_])`, 'gi');
const ONE = new RegExp(String.raw`(?<![A-Za-z0-9_])${RANGE}(?![A-Za-z0-9_])`, 'g');

/** "waits for": the IDs after the keyword are prerequisites of the subject. */
const WAITS = String.raw`depends\s+on|depend\s+on|dependent\s+on|dependencies|prerequisites?|requires|require|needs|need|after|blocked\s+by|waits?\s+for|follows|follow`;
/** "goes first": the IDs after the keyword wait for the subject. */
const PRECEDES = String.raw`blocks|block|unblocks|unblock|before|precedes|precede|required\s+by|needed\s+by|then|→|->|=>|⟶|⇒`;
const FILLER = String.raw`(?:(?:must|can|should|only|will|is|are|start|starts|run|runs|begin|begins|be|comes?|(?:all\s+)?tasks?)\s+)*`;
const STRICT_BETWEEN = new RegExp(String.raw`^[\s*_:,()\[\]\-–—]*${FILLER}(?:(${WAITS})|(${PRECEDES}))\s*:?\s*(?:\*\*|__)?\s*(?:tasks?\s+)?$`, 'i');
const KEYWORD = new RegExp(String.raw`(?<![\w])(?:(${WAITS})|(${PRECEDES}))(?![\w])`, 'gi');
const NEGATION = /\b(?:not|no|never|without|independent(?:ly)?|parallel\s+with|alongside)\b|n't\b/i;

/**
 * The text between two ID lists, when it states a dependency: one keyword, with at most a few
 * words around it ("Tests (T004-T007) before implementation (T008-T014)", "T002 and T003 can run
 * after T001"), and no negation ("T012 does not depend on T010").
 */
const BETWEEN = {
  exec(between: string): RegExpExecArray | null {
    const strict = STRICT_BETWEEN.exec(between);
    if (strict) return strict;
    if (between.length > 80 || NEGATION.test(between)) return null;
    KEYWORD.lastIndex = 0;
    const found = [...between.matchAll(KEYWORD)];
    if (found.length !== 1) return null;
    const k = found[0];
    const words = (s: string) => s.split(/[^A-Za-z0-9]+/).filter(Boolean).length;
    if (words(between.slice(0, k.index)) > 4 || words(between.slice(k.index! + k[0].length)) > 3) return null;
    return k;
  },
};
const INLINE = new RegExp(String.raw`(?<![A-Za-z])(?:(${WAITS})|(blocks|block|unblocks|required\s+by|needed\s+by|before))\b\s*:?\s*(?:\*\*|__)?\s*`, 'gi');

const HAS_KEYWORD = new RegExp(INLINE.source, 'i');

interface IdList {
  start: number;
  end: number;
  refs: (TaskRef & { inner?: boolean })[];
}

function idLists(line: string, base: number): IdList[] {
  const out: IdList[] = [];
  ID_LIST.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = ID_LIST.exec(line))) {
    const refs: (TaskRef & { inner?: boolean })[] = [];
    ONE.lastIndex = 0;
    const chunk = m[0];
    let r: RegExpExecArray | null;
    while ((r = ONE.exec(chunk))) {
      const firstStart = base + m.index + r.index;
      const ids = expandRange(r[1], r[2], splitId);
      const whole: Span = { start: firstStart, end: firstStart + r[0].length };
      ids.forEach((id, i) => {
        if (i === 0) refs.push({ id, span: { start: firstStart, end: firstStart + r![1].length } });
        else if (i === ids.length - 1 && r![2]) refs.push({ id, span: { start: whole.end - r![2].length, end: whole.end } });
        else refs.push({ id, span: whole, inner: true });
      });
    }
    out.push({ start: base + m.index, end: base + m.index + m[0].length, refs });
  }
  return out;
}

/**
 * The dependency statements of one line. On a task's own lines (`owner` given), keywords
 * followed by IDs make the owner wait ("depends on T004") or go first ("blocks T020").
 */
export function specKitStatements(line: string, base: number, owner?: string, ownerSpan?: Span): DependencyStatement[] {
  if (!/T\d{2}/.test(line) && !(owner && HAS_KEYWORD.test(line))) return [];
  const out: DependencyStatement[] = [];
  const lists = idLists(line, base);
  // Statements between ID lists: "T012 depends on T010", "T001 → T002 → T003".
  let chained = false;
  for (let i = 0; i + 1 < lists.length; i++) {
    const between = line.slice(lists[i].end - base, lists[i + 1].start - base);
    const m = BETWEEN.exec(between);
    if (!m) continue;
    chained = true;
    const [dependents, prerequisites] = m[1] ? [lists[i].refs, lists[i + 1].refs] : [lists[i + 1].refs, lists[i].refs];
    out.push({ dependents, prerequisites });
  }
  // A statement being typed: "T016 depends on " at the end of the line.
  const last = lists[lists.length - 1];
  if (last && !owner) {
    const tail = line.slice(last.end - base);
    const m = BETWEEN.exec(tail);
    if (m && m[1] && tail.trim()) {
      const start = last.end + tail.length;
      out.push({ dependents: last.refs, prerequisites: [], slot: { span: { start, end: start }, task: last.refs[0]?.id, refs: [] } });
    }
  }
  for (let i = 0; i + 1 < lists.length; i++) {
    const between = line.slice(lists[i].end - base, lists[i + 1].start - base);
    const m = BETWEEN.exec(between);
    if (m && m[1]) {
      out.push({
        dependents: [],
        prerequisites: [],
        slot: { span: { start: lists[i + 1].start, end: lists[i + 1].end }, task: lists[i].refs[0]?.id, refs: lists[i + 1].refs },
      });
    }
  }
  if (!owner || chained) return out;
  // On the task's own lines: "(depends on T004, T005)", "after T010", "blocks T020".
  const self = { id: owner, span: ownerSpan ?? { start: base, end: base } };
  INLINE.lastIndex = 0;
  let k: RegExpExecArray | null;
  while ((k = INLINE.exec(line))) {
    const after = base + k.index + k[0].length;
    const list = lists.find((l) => l.start === after);
    if (k[1] && list) out.push({ dependents: [self], prerequisites: list.refs, slot: { span: { start: after, end: list.end }, task: owner, refs: list.refs } });
    // "(depends on |)" being typed: a slot without IDs yet, where the keyword ends the clause.
    else if (k[1] && /^(?:$|[),;])/.test(line.slice(after - base))) out.push({ dependents: [self], prerequisites: [], slot: { span: { start: after, end: after }, task: owner, refs: [] } });
    else if (!k[1] && list) out.push({ dependents: list.refs, prerequisites: [self] });
  }
  return out;
}

// Kiro task lists (.kiro/specs/feature/tasks.md):
//   # Implementation Plan
//   - [ ] 2. Implement the data layer
//   - [ ] 2.1 Create the models
//     - detail bullets
//     - _Requirements: 1.1, 2.3_
//     - _Depends on: 1_
//   - [ ]* 2.2 Write unit tests for the models   (optional task)
// Task IDs are the numbers; requirement references point into requirements.md beside the file.
import type { DependencySlot, TaskRef } from '../types';
import { expandRange, type ParsedTask, type TaskLine } from './listTasks';

/** Kiro task IDs: 1, 2.1, 3.2.1. */
export const KIRO_ID_PATTERN = '\\d+(?:\\.\\d+)*';

const TASK_START = /^(?:\*\*|__)?(\d{1,4}(?:\.\d{1,4})*)\.?(?:\*\*|__)?(?=[ \t])[ \t]*/;

export function readKiroTask(line: TaskLine): ParsedTask | undefined {
  // A checkbox is what makes a numbered item a task; numbered prose lists are not.
  if (line.status === undefined) return undefined;
  const content = line.text.slice(line.contentStart);
  const m = TASK_START.exec(content);
  if (!m) return undefined;
  const lead = content.indexOf(m[1]);
  const idStart = line.span.start + line.contentStart + lead;
  const dot = m[1].lastIndexOf('.');
  return {
    id: m[1],
    idSpan: { start: idStart, end: idStart + m[1].length },
    title: content.slice(m[0].length).replace(/\*$/, '').trim(),
    parent: dot > 0 ? m[1].slice(0, dot) : undefined,
  };
}

function splitId(id: string): [string, number, number] | undefined {
  const m = /^((?:\d+\.)*)(\d+)$/.exec(id);
  return m ? [m[1], Number(m[2]), 0] : undefined;
}

// "_Depends on: 2.1, 3_", "**Dependencies:** Task 1", "- Depends on: 1.2-1.4".
const DEPENDS_LINE = /^[ \t]*(?:[-*+][ \t]+)?(?:_|\*)?(?:\*\*|__)?(?:depends[ \t]+on|dependencies|depends|prerequisites?|blocked[ \t]+by|after)(?:\*\*|__)?[ \t]*:[ \t]*(?:\*\*|__)?/i;
// "_Requirements: 1.1, 2.3_", "**Validates: Requirements 1.2, 1.3**".
const REQUIREMENTS_LINE = /^[ \t]*(?:[-*+][ \t]+)?(?:_|\*)?(?:\*\*|__)?(?:(?:validates|covers|implements|satisfies)[ \t]*:[ \t]*(?:requirements?[ \t]*:?)?|(?:requirements?|reqs?)(?:\*\*|__)?[ \t]*:)[ \t]*(?:\*\*|__)?/i;
const ID_OR_RANGE = /(?<![\w.])(?:tasks?[ \t]+|req(?:uirement)?s?[ \t]+)?(\d{1,4}(?:\.\d{1,4})*)(?:[ \t]*(?:-|–|—|to|through)[ \t]*(\d{1,4}(?:\.\d{1,4})*))?(?![\w]|\.\d)/gi;

function refsIn(text: string, base: number): TaskRef[] {
  const refs: TaskRef[] = [];
  ID_OR_RANGE.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = ID_OR_RANGE.exec(text))) {
    const firstStart = base + m.index + m[0].indexOf(m[1]);
    const ids = expandRange(m[1], m[2], splitId);
    const end = base + m.index + m[0].length;
    ids.forEach((id, i) => {
      if (i === 0) refs.push({ id, span: { start: firstStart, end: firstStart + m![1].length } });
      else if (i === ids.length - 1 && m![2]) refs.push({ id, span: { start: end - m![2].length, end } });
      else refs.push({ id, span: { start: firstStart, end } });
    });
  }
  return refs;
}

/** The `_Depends on:_` and `_Requirements:_` lines among a task's own lines. */
export function kiroDependencyLines(lines: { text: string; start: number }[]): { slots: DependencySlot[]; requirements: TaskRef[] } {
  const slots: DependencySlot[] = [];
  const requirements: TaskRef[] = [];
  for (const line of lines) {
    const dep = DEPENDS_LINE.exec(line.text);
    if (dep) {
      const valueStart = line.start + dep[0].length;
      const value = line.text.slice(dep[0].length).replace(/[_*\s]+$/, '');
      slots.push({ span: { start: valueStart, end: valueStart + value.length }, refs: refsIn(value, valueStart) });
      continue;
    }
    const req = REQUIREMENTS_LINE.exec(line.text);
    if (req) {
      const valueStart = line.start + req[0].length;
      const value = line.text.slice(req[0].length).replace(/[_*\s]+$/, '');
      for (const r of refsIn(value, valueStart)) requirements.push(r);
    }
  }
  return { slots, requirements };
}

// Folding ranges by section: a heading folds down to the line before the next heading of the
// same or a higher level.
import { FoldingRangeKind, type FoldingRange } from 'vscode-languageserver-types';
import type { Plan } from '../plan';

export function foldingRanges(plan: Plan): FoldingRange[] {
  const out: FoldingRange[] = [];
  for (const s of plan.sections) {
    const startLine = plan.lines.positionAt(s.headingSpan.start).line;
    let end = s.span.end;
    // Do not fold the trailing blank lines into the section.
    while (end > s.headingSpan.end && /\s/.test(plan.text[end - 1])) end--;
    const endLine = plan.lines.positionAt(end).line;
    if (endLine > startLine) out.push({ startLine, endLine, kind: FoldingRangeKind.Region });
  }
  return out;
}

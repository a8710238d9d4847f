// Document symbols: the section tree, with each task under the section holding its row.
import { SymbolKind, type DocumentSymbol } from 'vscode-languageserver-types';
import type { Plan, Span } from '../plan';
import { toRange } from './util';

/** A section without the blank lines before the next heading, so it ends on its own last line. */
function trimmed(plan: Plan, span: Span, headingEnd: number): Span {
  let end = span.end;
  while (end > headingEnd && /\s/.test(plan.text[end - 1])) end--;
  return { start: span.start, end };
}

export function documentSymbols(plan: Plan): DocumentSymbol[] {
  const symbols: DocumentSymbol[] = plan.sections.map((s) => ({
    name: s.title || '(untitled)',
    kind: s.level === 1 ? SymbolKind.File : SymbolKind.Namespace,
    range: toRange(plan, trimmed(plan, s.span, s.headingSpan.end)),
    selectionRange: toRange(plan, s.headingSpan),
    children: [],
  }));
  const roots: DocumentSymbol[] = [];
  plan.sections.forEach((s, i) => (s.parent >= 0 ? symbols[s.parent].children!.push(symbols[i]) : roots.push(symbols[i])));
  for (const task of plan.tasks) {
    const sectionIndex = task.section;
    const symbol: DocumentSymbol = {
      name: task.id,
      detail: task.hoursCell?.text ? `${task.hoursCell.text} h` : task.title || undefined,
      kind: SymbolKind.Event,
      range: toRange(plan, task.rowSpan),
      selectionRange: toRange(plan, task.idSpan),
    };
    if (sectionIndex >= 0) symbols[sectionIndex].children!.push(symbol);
    else roots.push(symbol);
  }
  // Tasks were added after the sub-sections: put every list back in document order.
  const byPosition = (a: DocumentSymbol, b: DocumentSymbol) =>
    a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character;
  for (const s of symbols) s.children!.sort(byPosition);
  roots.sort(byPosition);
  return roots;
}

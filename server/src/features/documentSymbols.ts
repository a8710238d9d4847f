// Document symbols: the section tree, with each task under the section holding its row.
import { SymbolKind, type DocumentSymbol } from 'vscode-languageserver-types';
import type { Plan } from '../plan';
import { toRange } from './util';

export function documentSymbols(plan: Plan): DocumentSymbol[] {
  const symbols: DocumentSymbol[] = plan.sections.map((s) => ({
    name: s.title || '(untitled)',
    kind: s.level === 1 ? SymbolKind.File : SymbolKind.Namespace,
    range: toRange(plan, s.span),
    selectionRange: toRange(plan, s.headingSpan),
    children: [],
  }));
  const roots: DocumentSymbol[] = [];
  plan.sections.forEach((s, i) => (s.parent >= 0 ? symbols[s.parent].children!.push(symbols[i]) : roots.push(symbols[i])));
  for (const task of plan.tasks) {
    const sectionIndex = plan.tables[task.table].section;
    const symbol: DocumentSymbol = {
      name: task.id,
      detail: task.hoursCell?.text ? `${task.hoursCell.text} h` : undefined,
      kind: SymbolKind.Event,
      range: toRange(plan, task.rowSpan),
      selectionRange: toRange(plan, task.idSpan),
    };
    if (sectionIndex >= 0) symbols[sectionIndex].children!.push(symbol);
    else roots.push(symbol);
  }
  return roots;
}

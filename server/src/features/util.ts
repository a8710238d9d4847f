// Small conversions shared by the language features.
import type { Range } from 'vscode-languageserver-types';
import type { Plan, Span } from '../plan';

export function toRange(plan: Plan, span: Span): Range {
  return { start: plan.lines.positionAt(span.start), end: plan.lines.positionAt(span.end) };
}

export function lineOf(plan: Plan, offset: number): number {
  return plan.lines.positionAt(offset).line + 1;
}

/** "line 12" for messages (1-based, as editors show lines). */
export function lineLabel(plan: Plan, offset: number): string {
  return `line ${lineOf(plan, offset)}`;
}

export function normalizeSectionTitle(title: string): string {
  return title
    .replace(/[*_`]/g, '')
    .replace(/:\s*$/, '')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();
}

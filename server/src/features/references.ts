// Find references: every place a task ID is written (rows, Depends On, steps, graph, prose).
import type { Location, Position } from 'vscode-languageserver-types';
import { mentionAt, type Plan } from '../plan';
import { toRange } from './util';

export function findReferences(plan: Plan, position: Position, includeDeclaration: boolean): Location[] {
  const mention = mentionAt(plan, plan.lines.offsetAt(position));
  if (!mention) return [];
  return plan.mentions
    .filter((m) => m.id === mention.id && (includeDeclaration || m.kind !== 'definition'))
    .map((m) => ({ uri: plan.uri, range: toRange(plan, m.span) }));
}

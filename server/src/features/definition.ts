// Go to definition: a task ID anywhere in the plan -> the table row that defines it.
import type { Location, Position } from 'vscode-languageserver-types';
import { mentionAt, type Plan } from '../plan';
import { toRange } from './util';

export function findDefinition(plan: Plan, position: Position): Location[] {
  const mention = mentionAt(plan, plan.lines.offsetAt(position));
  if (!mention) return [];
  const definitions = plan.tasks.filter((t) => t.id === mention.id);
  return definitions.map((t) => ({ uri: plan.uri, range: toRange(plan, t.idSpan) }));
}

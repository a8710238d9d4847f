// Go to definition: a task ID anywhere in the plan -> the table row or task line that defines
// it; a Kiro requirement reference -> the requirement in requirements.md.
import type { Location, Position } from 'vscode-languageserver-types';
import { mentionAt, type Plan, type RequirementIndex } from '../plan';
import { requirementAt } from './hover';
import { toRange } from './util';

export function findDefinition(plan: Plan, position: Position, requirements?: RequirementIndex): Location[] {
  const offset = plan.lines.offsetAt(position);
  const mention = mentionAt(plan, offset);
  if (!mention) {
    const ref = requirementAt(plan, offset);
    const info = ref && requirements?.byId.get(ref.id);
    return info && requirements ? [{ uri: requirements.uri, range: info.range }] : [];
  }
  const definitions = plan.tasks.filter((t) => t.id === mention.id);
  return definitions.map((t) => ({ uri: plan.uri, range: toRange(plan, t.idSpan) }));
}

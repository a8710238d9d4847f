// Rename a task ID everywhere in the document, as one edit.
import { ResponseError, type Position, type Range, type WorkspaceEdit } from 'vscode-languageserver/node';
import { mentionAt, type Plan } from '../plan';
import { toRange } from './util';

export function prepareRename(plan: Plan, position: Position): { range: Range; placeholder: string } | null {
  const mention = mentionAt(plan, plan.lines.offsetAt(position));
  if (!mention) return null;
  return { range: toRange(plan, mention.span), placeholder: mention.id };
}

/** Throws a ResponseError the client shows when the new name is not a task ID or is taken. */
export function renameTask(plan: Plan, position: Position, newName: string): WorkspaceEdit | null {
  const mention = mentionAt(plan, plan.lines.offsetAt(position));
  if (!mention) return null;
  const name = newName.trim();
  const re = plan.taskIdRegExp();
  const match = re.exec(name);
  if (!match || match.index !== 0 || match[0].length !== name.length) {
    throw new ResponseError(-32602, `"${newName}" is not a task ID (the pattern is planmark.taskIdPattern).`);
  }
  if (name !== mention.id && plan.mentions.some((m) => m.id === name)) {
    throw new ResponseError(-32602, `${name} is already used in this plan.`);
  }
  const edits = plan.mentions.filter((m) => m.id === mention.id).map((m) => ({ range: toRange(plan, m.span), newText: name }));
  return { changes: { [plan.uri]: edits } };
}

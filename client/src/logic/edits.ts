// Pure checks for applying a server-computed CommandEditResult.
import type { CommandEditResult } from '../../../shared/protocol';

export type EditDecision =
  | { kind: 'apply' }
  /** Nothing to apply; show `message` as information. */
  | { kind: 'nothing'; message: string }
  /** Refuse: the result does not belong to this document state. */
  | { kind: 'refuse'; message: string };

/** Decides what to do with a result computed for `uri` against the document's current version. */
export function decideEdit(result: CommandEditResult | null | undefined, uri: string, version: number): EditDecision {
  if (!result) return { kind: 'refuse', message: 'Planmark could not compute the edit: this document is not a plan.' };
  if (result.uri !== uri) {
    return { kind: 'refuse', message: 'Planmark computed the edit for another document; nothing was changed.' };
  }
  if (!Array.isArray(result.edits) || result.edits.length === 0) {
    return { kind: 'nothing', message: result.message || 'Nothing to change.' };
  }
  if (result.version !== version) {
    return {
      kind: 'refuse',
      message: `The plan changed while Planmark computed the edit (version ${result.version}, now ${version}); nothing was changed. Run the command again.`,
    };
  }
  return { kind: 'apply' };
}

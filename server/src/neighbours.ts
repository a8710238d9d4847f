// Files beside a plan that its kind refers to: Kiro's requirements.md next to tasks.md. Read from
// the open document when the editor has it, else from disk; parsed once per text. The pure core
// never reads files: the index is handed to the features that need it.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { fsPathOf } from './documents';
import { parseRequirements, type Plan, type RequirementIndex } from './plan';

export class Neighbours {
  private readonly parsed = new Map<string, { text: string; index: RequirementIndex }>();

  /** `openText(uri)`: the text of an open document, if the editor has it open. */
  constructor(private readonly openText: (uri: string) => string | undefined) {}

  /** The URI of requirements.md beside a Kiro task list. */
  static requirementsUriOf(planUri: string): string | undefined {
    if (!planUri.startsWith('file:')) return undefined;
    return pathToFileURL(path.join(path.dirname(fsPathOf(planUri)), 'requirements.md')).toString();
  }

  /** Kiro's requirements.md beside the plan, or undefined (another kind, or no such file). */
  requirementsFor(plan: Plan): RequirementIndex | undefined {
    if (plan.kind !== 'kiro') return undefined;
    const uri = Neighbours.requirementsUriOf(plan.uri);
    if (!uri) return undefined;
    let text = this.openText(uri) ?? this.openTextByPath(uri);
    if (text === undefined) {
      try {
        text = fs.readFileSync(fsPathOf(uri), 'utf8');
      } catch {
        this.parsed.delete(uri);
        return undefined;
      }
    }
    const hit = this.parsed.get(uri);
    if (hit && hit.text === text) return hit.index;
    const index = parseRequirements(uri, text);
    this.parsed.set(uri, { text, index });
    return index;
  }

  private openTextByPath(uri: string): string | undefined {
    // The editor may spell the same file's URI differently (an encoded drive letter).
    return this.openText(decodeURIComponent(uri));
  }

  /** Whether a document is a requirements.md some Kiro task list may read. */
  static isRequirementsFile(uri: string): boolean {
    return /\/requirements\.md$/i.test(uri);
  }
}

// Open documents as the server tracks them: the text (kept for every Markdown file so
// incremental sync stays correct) and, for plans only, a PlanDocument that updates its model
// edit by edit.
import type { TextDocumentContentChangeEvent } from 'vscode-languageserver/node';
import { fileURLToPath } from 'node:url';
import { isPlanDocument } from '../../shared/planFiles';
import { LineIndex, PlanDocument, type Plan } from './plan';

export function fsPathOf(uri: string): string {
  try {
    if (uri.startsWith('file:')) return fileURLToPath(uri);
    const url = new URL(uri);
    return decodeURIComponent(url.pathname);
  } catch {
    return uri;
  }
}

export class OpenDocument {
  private planDocument: PlanDocument | undefined;
  private textValue: string;
  private versionValue: number;

  constructor(
    readonly uri: string,
    readonly languageId: string,
    text: string,
    version: number,
    private taskIdPattern: string,
  ) {
    this.textValue = text;
    this.versionValue = version;
  }

  get text(): string {
    return this.planDocument ? this.planDocument.text : this.textValue;
  }

  get version(): number {
    return this.planDocument ? this.planDocument.version : this.versionValue;
  }

  isPlan(globs: readonly string[]): boolean {
    return isPlanDocument(fsPathOf(this.uri), this.text, globs);
  }

  /** The plan model for the current version (parsed on first use, then kept incrementally). */
  plan(): Plan {
    if (!this.planDocument) {
      this.planDocument = new PlanDocument(this.uri, this.textValue, this.versionValue, { taskIdPattern: this.taskIdPattern });
    }
    return this.planDocument.plan;
  }

  get lastUpdate() {
    return this.planDocument?.lastUpdate;
  }

  /** Drops the model (settings changed); it is rebuilt on next use. */
  reset(taskIdPattern: string): void {
    this.textValue = this.text;
    this.versionValue = this.version;
    this.taskIdPattern = taskIdPattern;
    this.planDocument = undefined;
  }

  applyChanges(changes: TextDocumentContentChangeEvent[], version: number): void {
    for (const change of changes) {
      if (!('range' in change) || !change.range) {
        if (this.planDocument) this.planDocument.setText(change.text, version);
        else this.textValue = change.text;
        continue;
      }
      const text = this.text;
      const lines = new LineIndex(text);
      const start = lines.offsetAt(change.range.start);
      const end = Math.max(start, lines.offsetAt(change.range.end));
      if (this.planDocument) {
        this.planDocument.applyEdits([{ start, end, text: change.text }], version);
      } else {
        this.textValue = text.slice(0, start) + change.text + text.slice(end);
      }
    }
    if (this.planDocument) this.planDocument.applyEdits([], version);
    this.versionValue = version;
  }
}

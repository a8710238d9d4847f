// Open documents as the server tracks them: the text (kept for every Markdown file so
// incremental sync stays correct) and, for plans only, a PlanDocument that updates its model
// edit by edit. Large parses go to the background parser; edits arriving meanwhile are queued
// and applied incrementally once it answers, so no text is ever lost.
import { fileURLToPath } from 'node:url';
import type { TextDocumentContentChangeEvent } from 'vscode-languageserver/node';
import { isPlanDocument } from '../../shared/planFiles';
import type { BackgroundParser } from './backgroundParser';
import { LineIndex, PlanDocument, type Plan } from './plan';
import type { TextEdit } from './plan/blocks';

/** Documents up to this size are parsed inline; larger ones on the worker. */
export const INLINE_PARSE_LIMIT = 64 * 1024;
/** The largest stretch an edit may reparse inline; beyond it the worker reparses the whole text. */
export const INLINE_REPARSE_LIMIT = 64 * 1024;

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
  private parsing: Promise<void> | undefined;
  private queued: TextEdit[] = [];
  private generation = 0;

  constructor(
    readonly uri: string,
    readonly languageId: string,
    text: string,
    version: number,
    private taskIdPattern: string,
    private readonly parser: BackgroundParser,
    private readonly log: (message: string) => void = () => undefined,
  ) {
    this.textValue = text;
    this.versionValue = version;
  }

  get text(): string {
    return this.textValue;
  }

  get version(): number {
    return this.versionValue;
  }

  isPlan(globs: readonly string[], roots: readonly string[] = []): boolean {
    return isPlanDocument(fsPathOf(this.uri), this.textValue, globs, roots);
  }

  get lastUpdate() {
    return this.planDocument?.lastUpdate;
  }

  /** The plan model for the current version, once any background parse has finished. */
  async plan(): Promise<Plan> {
    if (!this.planDocument && !this.parsing) {
      if (this.textValue.length <= INLINE_PARSE_LIMIT) {
        this.planDocument = new PlanDocument(this.uri, this.textValue, this.versionValue, { taskIdPattern: this.taskIdPattern });
      } else {
        this.parseInBackground();
      }
    }
    while (this.parsing) await this.parsing;
    return this.planDocument!.plan;
  }

  /** Drops the model (settings changed); it is rebuilt on next use. */
  reset(taskIdPattern: string): void {
    this.taskIdPattern = taskIdPattern;
    this.planDocument = undefined;
    this.parsing = undefined;
    this.queued = [];
    this.generation++;
  }

  applyChanges(changes: TextDocumentContentChangeEvent[], version: number): void {
    const edits: TextEdit[] = [];
    for (const change of changes) {
      const text = this.textValue;
      let edit: TextEdit;
      if (!('range' in change) || !change.range) {
        edit = { start: 0, end: text.length, text: change.text };
      } else {
        const lines = new LineIndex(text);
        const start = lines.offsetAt(change.range.start);
        const end = Math.max(start, lines.offsetAt(change.range.end));
        edit = { start, end, text: change.text };
      }
      this.textValue = text.slice(0, edit.start) + edit.text + text.slice(edit.end);
      edits.push(edit);
    }
    this.versionValue = version;
    if (this.parsing) {
      this.queued.push(...edits);
    } else if (this.planDocument) {
      if (!this.planDocument.applyEdits(edits, version, INLINE_REPARSE_LIMIT)) this.parseInBackground();
    }
  }

  private parseInBackground(): void {
    const generation = ++this.generation;
    const text = this.textValue;
    const version = this.versionValue;
    this.planDocument = undefined;
    this.queued = [];
    const started = Date.now();
    this.parsing = this.parser.parse(text, this.taskIdPattern).then(
      (blocks) => {
        if (generation !== this.generation) return;
        this.log(`parsed ${this.uri} (${(text.length / 1024).toFixed(0)} KiB) in the background in ${Date.now() - started} ms`);
        const doc = PlanDocument.fromBlocks(this.uri, text, version, blocks, { taskIdPattern: this.taskIdPattern });
        const queued = this.queued;
        this.queued = [];
        this.parsing = undefined;
        this.planDocument = doc;
        if (queued.length && !doc.applyEdits(queued, this.versionValue, INLINE_REPARSE_LIMIT)) this.parseInBackground();
      },
      (error: Error) => {
        if (generation !== this.generation) return;
        // The worker is gone: parse inline rather than lose the document.
        this.log(`background parse failed (${error.message}); parsing inline`);
        this.parsing = undefined;
        this.queued = [];
        this.planDocument = new PlanDocument(this.uri, this.textValue, this.versionValue, { taskIdPattern: this.taskIdPattern });
      },
    );
  }
}

// Open documents as the server tracks them: the text (kept for every Markdown file so
// incremental sync stays correct) and, for plans only, a PlanDocument that updates its model
// edit by edit. Large parses go to the background parser; edits arriving meanwhile are queued
// and applied incrementally once it answers, so no text is ever lost.
import { fileURLToPath } from 'node:url';
import type { TextDocumentContentChangeEvent } from 'vscode-languageserver/node';
import { ALL_PLAN_KINDS, planKindOf, type PlanKind, type PlanKindSettings } from '../../shared/planFiles';
import type { BackgroundParser } from './backgroundParser';
import { extractionPattern, LineIndex, PlanDocument, type Plan } from './plan';
import { parseCost, type TextEdit } from './plan/blocks';

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
  /** The line index of the text, for changes given by range: built once, then kept edit by edit. */
  private lineIndex: LineIndex | undefined;
  /** The UTF-8 size of the text, computed on demand and dropped on every change. */
  private bytes: number | undefined;

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

  /** The text's size in bytes of UTF-8, as files are measured (a UTF-16 length undercounts non-ASCII text). */
  get byteLength(): number {
    this.bytes ??= Buffer.byteLength(this.textValue, 'utf8');
    return this.bytes;
  }

  /**
   * Whether the text is over `limit` bytes of UTF-8. Cheap for most texts: every UTF-16 unit is 1
   * to 3 bytes (a surrogate pair is 4 bytes for 2 units, a lone surrogate 3), so the bytes are
   * counted only when the length alone cannot decide.
   */
  exceeds(limit: number): boolean {
    const length = this.textValue.length;
    if (length > limit) return true;
    if (length * 3 <= limit) return false;
    return this.byteLength > limit;
  }

  isPlan(globs: readonly string[], roots: readonly string[] = [], kinds: PlanKindSettings = ALL_PLAN_KINDS): boolean {
    return this.kindOf(globs, roots, kinds) !== undefined;
  }

  /** The plan kind of the document now (its path and shape), or undefined when it is no plan. */
  kindOf(globs: readonly string[], roots: readonly string[] = [], kinds: PlanKindSettings = ALL_PLAN_KINDS): PlanKind | undefined {
    // Asked by every request and every publish: kept until the text or the settings change.
    const known = this.knownKind;
    if (known && known.text === this.textValue && known.globs === globs && known.roots === roots && known.kinds === kinds) return known.kind;
    const kind = planKindOf(fsPathOf(this.uri), this.textValue, globs, roots, kinds);
    this.knownKind = { text: this.textValue, globs, roots, kinds, kind };
    return kind;
  }

  private knownKind:
    | { text: string; globs: readonly string[]; roots: readonly string[]; kinds: PlanKindSettings; kind: PlanKind | undefined }
    | undefined;

  /** The kind the model is built for; a different kind rebuilds it. */
  private kind: PlanKind = 'template';

  private get options() {
    return { taskIdPattern: this.taskIdPattern, kind: this.kind };
  }

  get lastUpdate() {
    return this.planDocument?.lastUpdate;
  }

  /** The plan model for the current version, once any background parse has finished. */
  async plan(kind: PlanKind = 'template'): Promise<Plan> {
    if (kind !== this.kind) {
      this.reset(this.taskIdPattern);
      this.kind = kind;
    }
    if (!this.planDocument && !this.parsing) {
      // A worker costs its start and the copy of the blocks back: a plan whose parse is cheap
      // (mostly table rows and graph lines, which remark does not read) is parsed here.
      if (this.textValue.length <= INLINE_PARSE_LIMIT || parseCost(this.textValue) <= INLINE_PARSE_LIMIT) {
        this.planDocument = new PlanDocument(this.uri, this.textValue, this.versionValue, this.options);
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
    // The text after each change and its line index, handed on to the plan document.
    const after: { text: string; lines?: LineIndex }[] = [];
    for (const change of changes) {
      const text = this.textValue;
      let edit: TextEdit;
      if (!('range' in change) || !change.range) {
        edit = { start: 0, end: text.length, text: change.text };
        this.textValue = change.text;
        this.lineIndex = undefined;
      } else {
        const lines = (this.lineIndex ??= new LineIndex(text));
        const start = lines.offsetAt(change.range.start);
        const end = Math.max(start, lines.offsetAt(change.range.end));
        edit = { start, end, text: change.text };
        this.textValue = text.slice(0, start) + edit.text + text.slice(end);
        this.lineIndex = lines.withEdit(start, end, edit.text.length, this.textValue);
      }
      this.bytes = undefined;
      edits.push(edit);
      after.push({ text: this.textValue, lines: this.lineIndex });
    }
    this.versionValue = version;
    if (this.parsing) {
      this.queued.push(...edits);
    } else if (this.planDocument) {
      if (!this.planDocument.applyEdits(edits, version, INLINE_REPARSE_LIMIT, after)) this.parseInBackground();
    }
  }

  private parseInBackground(): void {
    const generation = ++this.generation;
    const text = this.textValue;
    const version = this.versionValue;
    this.planDocument = undefined;
    this.queued = [];
    const started = Date.now();
    this.parsing = this.parser.parse(text, extractionPattern(this.options)).then(
      (blocks) => {
        if (generation !== this.generation) return;
        this.log(`parsed ${this.uri} (${(text.length / 1024).toFixed(0)} KiB) in the background in ${Date.now() - started} ms`);
        const doc = PlanDocument.fromBlocks(this.uri, text, version, blocks, this.options);
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
        this.planDocument = new PlanDocument(this.uri, this.textValue, this.versionValue, this.options);
      },
    );
  }
}

// A plan document kept up to date edit by edit. Owns the text and its top-level blocks; the
// Plan model is assembled lazily, once per version, and cached.
import { assemblePlan } from './assemble';
import { parseBlocks, updateBlocks, type Block, type TextEdit, type UpdateKind } from './blocks';
import { DEFAULT_TASK_ID_PATTERN, type Plan } from './types';

export interface PlanDocumentOptions {
  taskIdPattern?: string;
}

export class PlanDocument {
  private blocks: Block[];
  private cached: Plan | undefined;
  private readonly taskIdPattern: string;
  /** How the last update was done, for tests and the benchmark. */
  lastUpdate: UpdateKind = 'full';

  constructor(
    readonly uri: string,
    private textValue: string,
    private versionValue: number,
    options: PlanDocumentOptions = {},
  ) {
    this.taskIdPattern = options.taskIdPattern ?? DEFAULT_TASK_ID_PATTERN;
    this.blocks = parseBlocks(textValue, 0, textValue.length, { taskIdPattern: this.taskIdPattern });
  }

  get text(): string {
    return this.textValue;
  }

  get version(): number {
    return this.versionValue;
  }

  get pattern(): string {
    return this.taskIdPattern;
  }

  /**
   * Applies edits in order, each in the coordinates of the text left by the previous one
   * (the LSP didChange convention).
   */
  applyEdits(edits: TextEdit[], version: number): void {
    const ctx = { taskIdPattern: this.taskIdPattern };
    for (const edit of edits) {
      const start = Math.max(0, Math.min(edit.start, this.textValue.length));
      const end = Math.max(start, Math.min(edit.end, this.textValue.length));
      const oldText = this.textValue;
      const newText = oldText.slice(0, start) + edit.text + oldText.slice(end);
      const result = updateBlocks(this.blocks, oldText, newText, { start, end, text: edit.text }, ctx);
      this.blocks = result.blocks;
      this.lastUpdate = result.kind;
      this.textValue = newText;
    }
    this.versionValue = version;
    this.cached = undefined;
  }

  /** Replaces the whole text (a full-sync client, or a reload). */
  setText(text: string, version: number): void {
    this.textValue = text;
    this.versionValue = version;
    this.blocks = parseBlocks(text, 0, text.length, { taskIdPattern: this.taskIdPattern });
    this.lastUpdate = 'full';
    this.cached = undefined;
  }

  get plan(): Plan {
    if (!this.cached) {
      this.cached = assemblePlan(this.uri, this.versionValue, this.textValue, this.blocks, this.taskIdPattern);
    }
    return this.cached;
  }

  /** The blocks, for tests that compare incremental and full parses. */
  get blockList(): readonly Block[] {
    return this.blocks;
  }
}

/** Parses a whole text into a Plan (CLI, tests). */
export function parsePlan(text: string, options: PlanDocumentOptions & { uri?: string; version?: number } = {}): Plan {
  return new PlanDocument(options.uri ?? 'untitled:plan.md', text, options.version ?? 0, options).plan;
}

// A plan document kept up to date edit by edit. Owns the text and its top-level blocks; the
// Plan model is assembled lazily, once per version, and cached.
import { setLineage } from './analysis';
import { assemblePlan } from './assemble';
import { changedLabels, definitionsOf, parseBlocks, resolveReferences, updateBlocks, type Block, type TextEdit, type UpdateKind } from './blocks';
import { KIRO_ID_PATTERN } from './kinds/kiro';
import { LineIndex } from './lineIndex';
import { SPEC_KIT_ID_PATTERN } from './kinds/specKit';
import { DEFAULT_TASK_ID_PATTERN, type Plan, type PlanKind } from './types';

export interface PlanDocumentOptions {
  /** The template's task ID pattern (planmark.taskIdPattern). */
  taskIdPattern?: string;
  /** How the plan is written; the phase template by default. */
  kind?: PlanKind;
}

/** A pattern no text matches: Kiro's numeric IDs are read from task lines only, never from prose. */
const NOTHING = '(?!)';

/**
 * The task ID pattern block facts are extracted with: the setting for template plans, T001 for
 * spec-kit; for Kiro none, since its IDs are plain numbers that prose is full of.
 */
export function extractionPattern(options: PlanDocumentOptions): string {
  if (options.kind === 'specKit') return SPEC_KIT_ID_PATTERN;
  if (options.kind === 'kiro') return NOTHING;
  return options.taskIdPattern ?? DEFAULT_TASK_ID_PATTERN;
}

/** The pattern of the plan's own task IDs (rename checks a new name against it). */
export function idPattern(options: PlanDocumentOptions): string {
  if (options.kind === 'kiro') return KIRO_ID_PATTERN;
  return extractionPattern(options);
}

export class PlanDocument {
  private blocks: Block[];
  private cached: Plan | undefined;
  /** The line index of the text, kept edit by edit once a plan has been assembled. */
  private lineIndex: LineIndex | undefined;
  /** The last plan assembled, whose charts the next assembly may take over (assemblePlan). */
  private previousPlan: Plan | undefined;
  /** Links this document's plans, so that analyses reuse what a previous version found (analysis.ts). */
  private readonly lineage = {};
  private readonly taskIdPattern: string;
  readonly kind: PlanKind;
  private readonly idPattern: string;
  /** How the last update was done, for tests and the benchmark. */
  lastUpdate: UpdateKind = 'full';

  constructor(
    readonly uri: string,
    private textValue: string,
    private versionValue: number,
    options: PlanDocumentOptions = {},
  ) {
    this.taskIdPattern = extractionPattern(options);
    this.kind = options.kind ?? 'template';
    this.idPattern = idPattern(options);
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
   * (the LSP didChange convention). With `maxSyncParse`, an edit that would need a larger
   * reparse is not parsed here: the text is still updated, the method returns false, and the
   * caller must parse the whole text elsewhere (a worker) and hand the blocks to `setBlocks`.
   */
  applyEdits(
    edits: TextEdit[],
    version: number,
    maxSyncParse = Infinity,
    /**
     * The text after each edit (and its line index), when the caller has made them already (the
     * server's open document): one copy of each text and index rather than two per keystroke.
     */
    results?: readonly { text: string; lines?: LineIndex }[],
  ): boolean {
    let parsed = !this.stale;
    for (let i = 0; i < edits.length; i++) {
      const edit = edits[i];
      const start = Math.max(0, Math.min(edit.start, this.textValue.length));
      const end = Math.max(start, Math.min(edit.end, this.textValue.length));
      const oldText = this.textValue;
      const given = results?.[i];
      const newText = given ? given.text : oldText.slice(0, start) + edit.text + oldText.slice(end);
      this.textValue = newText;
      this.lineIndex = given ? given.lines : this.lineIndex?.withEdit(start, end, edit.text.length, newText);
      if (!parsed) continue;
      // Definitions made outside a reparsed stretch still resolve its references.
      const definitions = definitionsOf(this.blocks);
      const ctx = { taskIdPattern: this.taskIdPattern, definitions };
      const result = frontMatterChanged(oldText, newText, start)
        ? newText.length > maxSyncParse
          ? undefined
          : { blocks: parseBlocks(newText, 0, newText.length, { taskIdPattern: this.taskIdPattern }), kind: 'full' as const }
        : updateBlocks(this.blocks, oldText, newText, { start, end, text: edit.text }, ctx, maxSyncParse);
      if (!result) {
        parsed = false;
        continue;
      }
      let blocks = result.blocks;
      let kind = result.kind;
      // A definition added, removed or renamed: the blocks that use its label change too.
      const after = definitionsOf(blocks);
      const changed = changedLabels(definitions, after);
      if (changed.size > 0) {
        const resolved = resolveReferences(newText, blocks, changed, { taskIdPattern: this.taskIdPattern, definitions: after });
        if (resolved) blocks = resolved;
        else if (newText.length > maxSyncParse) {
          parsed = false;
          continue;
        } else {
          blocks = parseBlocks(newText, 0, newText.length, { taskIdPattern: this.taskIdPattern });
          kind = 'full';
        }
      }
      this.blocks = blocks;
      this.lastUpdate = kind;
    }
    this.stale = !parsed;
    this.versionValue = version;
    this.cached = undefined;
    return parsed;
  }

  /** True after applyEdits deferred a reparse: the blocks do not match the text until setBlocks. */
  stale = false;

  /** Blocks parsed elsewhere for exactly the current text. */
  setBlocks(blocks: Block[]): void {
    this.blocks = blocks;
    this.stale = false;
    this.lastUpdate = 'full';
    this.cached = undefined;
  }

  /** A document whose blocks were parsed elsewhere (a worker thread). */
  static fromBlocks(uri: string, text: string, version: number, blocks: Block[], options: PlanDocumentOptions = {}): PlanDocument {
    const doc = new PlanDocument(uri, '', version, options);
    doc.textValue = text;
    doc.blocks = blocks;
    return doc;
  }

  /** Replaces the whole text (a full-sync client, or a reload). */
  setText(text: string, version: number): void {
    this.textValue = text;
    this.lineIndex = undefined;
    this.versionValue = version;
    this.blocks = parseBlocks(text, 0, text.length, { taskIdPattern: this.taskIdPattern });
    this.lastUpdate = 'full';
    this.cached = undefined;
  }

  get plan(): Plan {
    if (this.stale) throw new Error('PlanDocument: the model is being reparsed; wait for setBlocks');
    if (!this.cached) {
      this.lineIndex ??= new LineIndex(this.textValue);
      this.cached = assemblePlan(this.uri, this.versionValue, this.textValue, this.blocks, this.taskIdPattern, this.kind, this.idPattern, this.lineIndex, this.previousPlan);
      this.previousPlan = this.cached;
      setLineage(this.cached, this.lineage);
    }
    return this.cached;
  }

  /** The blocks, for tests that compare incremental and full parses. */
  get blockList(): readonly Block[] {
    return this.blocks;
  }
}

/** Parses a whole text into a Plan (CLI, tests). */
/**
 * The end of the YAML front matter that opens `text` (`---` lines around it, as
 * remark-frontmatter reads it), or -1 when there is none.
 */
function frontMatterEnd(text: string): number {
  const open = /^---[ \t]*\r?\n/.exec(text);
  if (!open) return -1;
  const close = /^---[ \t]*$/m.exec(text.slice(open[0].length));
  return close ? open[0].length + close.index + close[0].length : -1;
}

/**
 * True when an edit at `start` changes whether or where the front matter ends: front matter
 * is read only by a parse from the document start, and a closing `---` anywhere below can make
 * or unmake it, so such an edit needs a parse of the whole text.
 */
function frontMatterChanged(oldText: string, newText: string, start: number): boolean {
  if (!oldText.startsWith('---') && !newText.startsWith('---')) return false;
  const before = frontMatterEnd(oldText);
  const after = frontMatterEnd(newText);
  if (before === -1 && after === -1) return false;
  return before !== after || start <= before;
}

export function parsePlan(text: string, options: PlanDocumentOptions & { uri?: string; version?: number } = {}): Plan {
  return new PlanDocument(options.uri ?? 'untitled:plan.md', text, options.version ?? 0, options).plan;
}

// The workspace index: a small summary (shared/protocol.ts WorkspacePlan) of every plan in the
// workspace folders, opened or not. Read once in the background at start, kept current from
// file-watcher events and from the open documents, which take precedence over what is on disk.
// Summaries survive restarts in a cache file keyed by path, modification time and size, so an
// unchanged workspace is not parsed again.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { WorkspacePlan } from '../../../shared/protocol';
import { isMarkdownPath, planKindOf } from '../../../shared/planFiles';
import type { PlanKind } from '../../../shared/planKinds';
import type { PlanmarkSettings } from '../../../shared/settings';
import { computeDiagnostics } from '../features/diagnostics';
import type { Plan } from '../plan';
import { summarisePlan, withoutCrossPlanFindings } from './summary';

/** Folders never searched for plans. Dot folders are searched: Kiro keeps its specs in .kiro/. */
export const SKIP_DIRS = new Set(['node_modules', '.git', '.hg', '.svn', '.vscode-test', 'dist', 'out']);
/** Bound the walk of a huge repository; plans past it are still indexed once opened. */
const MAX_MARKDOWN_FILES = 20_000;
const CACHE_FORMAT = 2;

export interface IndexDeps {
  settings(): PlanmarkSettings;
  /** Workspace folders (file system paths). */
  roots(): string[];
  /** Parses a plan of a kind; large texts go to the background parser. */
  parse(uri: string, text: string, kind: PlanKind): Promise<Plan>;
  log(message: string): void;
  /** Where to keep summaries between sessions; none: no cache. */
  cacheFile?: string;
}

export interface ScanProgress {
  report(done: number, total: number): void;
  readonly cancelled?: boolean;
}

interface CacheEntry {
  mtimeMs: number;
  size: number;
  /** null: the file is not a plan. */
  plan: WorkspacePlan | null;
}

/** Yield to the event loop so that requests are answered between files. */
const yieldToRequests = () => new Promise<void>((resolve) => setImmediate(resolve));

export class WorkspaceIndex {
  private readonly disk = new Map<string, WorkspacePlan>();
  private readonly open = new Map<string, WorkspacePlan>();
  private cache = new Map<string, CacheEntry>();
  private cacheLoaded = false;
  private cacheKey = '';
  private saveTimer: ReturnType<typeof setTimeout> | undefined;
  private generation = 0;
  private readonly listeners: ((uris: string[]) => void)[] = [];
  /** True while a scan runs. */
  indexing = false;
  /** The last scan, for tests and for requests that want the whole workspace. */
  scanned: Promise<void> = Promise.resolve();
  /** Figures of the last scan, for the log and the benchmark. */
  lastScan = { files: 0, plans: 0, parsed: 0, cached: 0, ms: 0 };

  constructor(private readonly deps: IndexDeps) {}

  onDidChange(listener: (uris: string[]) => void): void {
    this.listeners.push(listener);
  }

  private changed(uris: string[]): void {
    for (const l of this.listeners) l(uris);
  }

  /** Every plan: the open documents' summaries over the disk ones. */
  plans(): WorkspacePlan[] {
    const out = new Map(this.disk);
    for (const [key, plan] of this.open) out.set(key, plan);
    return [...out.values()];
  }

  get(uri: string): WorkspacePlan | undefined {
    const key = keyOf(uri);
    return this.open.get(key) ?? this.disk.get(key);
  }

  get size(): number {
    return this.plans().length;
  }

  /** An open document's summary; replaces the disk one while the document is open. */
  setOpen(plan: WorkspacePlan): void {
    const key = keyOf(plan.uri);
    const previous = this.open.get(key);
    if (previous && previous.version === plan.version && previous.uri === plan.uri) return;
    this.open.set(key, plan);
    this.changed([plan.uri]);
  }

  /** The document is no longer a plan (or was closed): the disk summary applies again. */
  closeOpen(uri: string): void {
    if (!this.open.delete(keyOf(uri))) return;
    this.changed([uri]);
    if (uri.startsWith('file:')) void this.refreshFile(uri);
  }

  /** Reads the workspace folders; a new scan cancels one still running. */
  scan(progress?: ScanProgress): Promise<void> {
    const generation = ++this.generation;
    this.indexing = true;
    this.scanned = this.runScan(generation, progress).finally(() => {
      if (generation === this.generation) this.indexing = false;
    });
    return this.scanned;
  }

  private async runScan(generation: number, progress?: ScanProgress): Promise<void> {
    const started = Date.now();
    const settings = this.deps.settings();
    this.loadCache(settings);
    const files: string[] = [];
    for (const root of this.deps.roots()) {
      await this.walk(root, files, generation);
      if (generation !== this.generation) return;
    }
    const found = new Set<string>();
    let parsed = 0;
    let cached = 0;
    for (let i = 0; i < files.length; i++) {
      if (generation !== this.generation || progress?.cancelled) return;
      progress?.report(i, files.length);
      const uri = pathToFileURL(files[i]).href;
      const result = await this.readFile(files[i], uri, settings);
      if (generation !== this.generation) return;
      if (result.parsed) parsed++;
      else cached++;
      if (result.plan) {
        found.add(files[i]);
        this.disk.set(files[i], result.plan);
      } else {
        this.disk.delete(files[i]);
      }
      await yieldToRequests();
    }
    for (const key of [...this.disk.keys()]) if (!found.has(key)) this.disk.delete(key);
    const liveFiles = new Set(files);
    for (const file of [...this.cache.keys()]) if (!liveFiles.has(file)) this.cache.delete(file);
    this.lastScan = { files: files.length, plans: found.size, parsed, cached, ms: Date.now() - started };
    this.deps.log(
      `workspace index: ${found.size} plans in ${files.length} Markdown files (${parsed} read, ${cached} from the cache) in ${this.lastScan.ms} ms`,
    );
    this.saveCache(true);
    this.changed([...found].map((f) => pathToFileURL(f).href));
  }

  private async walk(dir: string, out: string[], generation: number): Promise<void> {
    let entries: fs.Dirent[];
    try {
      entries = await fs.promises.readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      if (generation !== this.generation || out.length >= MAX_MARKDOWN_FILES) return;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!SKIP_DIRS.has(entry.name)) await this.walk(full, out, generation);
      } else if (entry.isFile() && isMarkdownPath(entry.name)) {
        out.push(full);
      }
    }
  }

  /** Re-reads one file from disk (created or changed on disk, or closed in the editor). */
  async refreshFile(uri: string): Promise<void> {
    const file = fsPathOfFileUri(uri);
    if (!file || !isMarkdownPath(file)) return;
    const result = await this.readFile(file, uri, this.deps.settings());
    const before = this.disk.get(file);
    if (result.plan) this.disk.set(file, result.plan);
    else this.disk.delete(file);
    this.saveCache(false);
    if (before || result.plan) this.changed([uri]);
  }

  /** A file or folder was deleted. */
  remove(uri: string): void {
    const file = fsPathOfFileUri(uri);
    if (!file) return;
    const inside = (f: string) => f === file || f.startsWith(file + path.sep);
    const removed = [...this.disk.keys()].filter(inside);
    for (const f of removed) this.disk.delete(f);
    for (const f of [...this.cache.keys()]) if (inside(f)) this.cache.delete(f);
    if (removed.length) {
      this.saveCache(false);
      this.changed(removed.map((f) => pathToFileURL(f).href));
    }
  }

  private async readFile(file: string, uri: string, settings: PlanmarkSettings): Promise<{ plan: WorkspacePlan | null; parsed: boolean }> {
    let stat: fs.Stats;
    try {
      stat = await fs.promises.stat(file);
    } catch {
      this.cache.delete(file);
      return { plan: null, parsed: false };
    }
    const hit = this.cache.get(file);
    if (hit && hit.mtimeMs === stat.mtimeMs && hit.size === stat.size) {
      return { plan: hit.plan, parsed: false };
    }
    let plan: WorkspacePlan | null = null;
    if (stat.size <= settings.maxFileSize) {
      try {
        let text = await fs.promises.readFile(file, 'utf8');
        if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
        const kind = planKindOf(file, text, settings.files, this.deps.roots(), settings.kinds);
        if (kind) {
          const model = await this.deps.parse(uri, text, kind);
          const diagnostics = withoutCrossPlanFindings(model, computeDiagnostics(model, settings), settings);
          plan = summarisePlan(model, diagnostics, settings, null);
        }
      } catch (error) {
        this.deps.log(`workspace index: cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    this.cache.set(file, { mtimeMs: stat.mtimeMs, size: stat.size, plan });
    return { plan, parsed: true };
  }

  /** Settings that change a summary: a cache made under others is dropped. */
  private static keyOf(settings: PlanmarkSettings, roots: string[]): string {
    const { files, taskIdPattern, requiredSections, diagnostics, maxFileSize, crossPlanReference, kinds } = settings;
    return JSON.stringify({ CACHE_FORMAT, files, taskIdPattern, requiredSections, diagnostics, maxFileSize, crossPlanReference, kinds, roots });
  }

  private loadCache(settings: PlanmarkSettings): void {
    const key = WorkspaceIndex.keyOf(settings, this.deps.roots());
    if (this.cacheLoaded && key === this.cacheKey) return;
    this.cacheKey = key;
    this.cache = new Map();
    if (!this.cacheLoaded && this.deps.cacheFile) {
      try {
        const data = JSON.parse(fs.readFileSync(this.deps.cacheFile, 'utf8')) as { key: string; entries: [string, CacheEntry][] };
        if (data.key === key && Array.isArray(data.entries)) this.cache = new Map(data.entries);
      } catch {
        // No cache yet, or an unreadable one: start afresh.
      }
    }
    this.cacheLoaded = true;
  }

  private saveCache(now: boolean): void {
    const file = this.deps.cacheFile;
    if (!file) return;
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    const write = () => {
      try {
        fs.mkdirSync(path.dirname(file), { recursive: true });
        const tmp = `${file}.${process.pid}.tmp`;
        fs.writeFileSync(tmp, JSON.stringify({ key: this.cacheKey, entries: [...this.cache] }));
        fs.renameSync(tmp, file);
      } catch (error) {
        this.deps.log(`workspace index: cannot write the cache ${file}: ${error instanceof Error ? error.message : String(error)}`);
      }
    };
    if (now) write();
    else {
      this.saveTimer = setTimeout(write, 2000);
      this.saveTimer.unref?.();
    }
  }

  dispose(): void {
    this.generation++;
    if (this.saveTimer) {
      clearTimeout(this.saveTimer);
      this.saveCache(true);
    }
  }
}

function fsPathOfFileUri(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}

/**
 * The key of a document: its path for a file, so that the editor's URI of an open plan and the
 * URI made from the path on disk (which may escape characters differently) are one plan.
 */
function keyOf(uri: string): string {
  return fsPathOfFileUri(uri) ?? uri;
}

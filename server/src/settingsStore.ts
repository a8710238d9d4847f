// Where the server's settings come from, for any LSP client:
// - a client with `workspace/configuration` (VS Code, Neovim 0.8+, Helix, Zed...) is asked for
//   the `planmark` section once unscoped and once per workspace folder (`scopeUri`), so that
//   resource-scoped settings (planmark.files, planmark.taskIdPattern...) agree with the client's
//   own in a multi-root workspace;
// - a client without it pushes settings in `workspace/didChangeConfiguration` (Neovim 0.7's
//   `settings`, Emacs eglot's workspace configuration) or passes them as initializationOptions;
//   those values are used as they come, in any of the shapes clients send:
//   `{ planmark: {...} }`, `{ "planmark.files": [...] }` or the section itself.
import { DEFAULT_SETTINGS, resolveSettings, type PlanmarkSettings } from '../../shared/settings';
import { validateTaskIdPattern } from './settings';

/** The `planmark` section of what a client sent, or undefined when it holds none. */
export function planmarkSection(value: unknown): Record<string, unknown> | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const record = value as Record<string, unknown>;
  const nested = record.planmark;
  const section: Record<string, unknown> = nested && typeof nested === 'object' && !Array.isArray(nested) ? { ...(nested as object) } : {};
  let found = nested !== undefined;
  // Dotted keys, as in a VS Code settings.json: "planmark.files", "planmark.diagnostics".
  for (const [key, v] of Object.entries(record)) {
    if (!key.startsWith('planmark.')) continue;
    found = true;
    const path = key.slice('planmark.'.length).split('.');
    let target = section;
    for (const part of path.slice(0, -1)) {
      const next = target[part];
      target = target[part] = next && typeof next === 'object' && !Array.isArray(next) ? (next as Record<string, unknown>) : {};
    }
    target[path[path.length - 1]] = v;
  }
  return found ? section : undefined;
}

/** Known keys of the section: a bare section (`{ files: [...] }`) is recognised by them. */
const KNOWN_KEYS = new Set(Object.keys(DEFAULT_SETTINGS));

/** What a client pushed (didChangeConfiguration `settings` or initializationOptions), as a section. */
export function pushedSection(value: unknown): Record<string, unknown> | undefined {
  const section = planmarkSection(value);
  if (section) return section;
  if (value && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).some((k) => KNOWN_KEYS.has(k))) {
    return value as Record<string, unknown>;
  }
  return undefined;
}

export interface ConfigurationItem {
  scopeUri?: string;
  section: string;
}

export class SettingsStore {
  /** Settings for documents outside every workspace folder (and for workspace-wide work). */
  global: PlanmarkSettings = DEFAULT_SETTINGS;
  /** Per workspace folder, longest URI prefix first. */
  private folders: { prefix: string; settings: PlanmarkSettings }[] = [];
  private pushed: Record<string, unknown> | undefined;
  private warned = new Set<string>();

  constructor(
    /** The client answers workspace/configuration. */
    private readonly canPull: boolean,
    private readonly folderUris: () => string[],
    private readonly warn: (message: string) => void,
  ) {}

  /** Settings for the document at `uri`: those of the workspace folder holding it. */
  for(uri: string): PlanmarkSettings {
    for (const f of this.folders) if (uri.startsWith(f.prefix)) return f.settings;
    return this.global;
  }

  /** Every distinct settings object in use. */
  all(): PlanmarkSettings[] {
    return [this.global, ...this.folders.map((f) => f.settings)];
  }

  /** Records what a client pushed; returns false when it held no planmark settings. */
  push(value: unknown): boolean {
    const section = pushedSection(value);
    if (!section) return false;
    this.pushed = section;
    return true;
  }

  /** Reads the settings again: pulled from the client when it can answer, else the pushed ones. */
  async load(pull: (items: ConfigurationItem[]) => Promise<unknown[]>, log: (message: string) => void): Promise<void> {
    this.warned.clear(); // a bad pattern is told once per reload
    if (!this.canPull) {
      this.global = this.resolve(this.pushed);
      this.folders = [];
      return;
    }
    const folders = this.folderUris();
    let values: unknown[] = [];
    try {
      values = await pull([{ section: 'planmark' }, ...folders.map((scopeUri) => ({ scopeUri, section: 'planmark' }))]);
    } catch (error) {
      log(`workspace/configuration failed, using ${this.pushed ? 'the pushed settings' : 'defaults'}: ${String(error)}`);
    }
    // A client that answers null (it has no such section) leaves the pushed settings in force.
    const valueOf = (v: unknown) => (v && typeof v === 'object' ? v : this.pushed);
    this.global = this.resolve(valueOf(values[0]));
    this.folders = folders
      .map((uri, i) => ({ prefix: uri.endsWith('/') ? uri : `${uri}/`, settings: this.resolve(valueOf(values[i + 1])) }))
      .sort((a, b) => b.prefix.length - a.prefix.length);
  }

  private resolve(raw: unknown): PlanmarkSettings {
    const settings = resolveSettings(raw);
    const problem = validateTaskIdPattern(settings.taskIdPattern);
    if (problem) {
      const key = `${settings.taskIdPattern}\n${problem}`;
      if (!this.warned.has(key)) {
        this.warned.add(key);
        this.warn(`Planmark: planmark.taskIdPattern is not usable (${problem}); using the default.`);
      }
      settings.taskIdPattern = DEFAULT_SETTINGS.taskIdPattern;
    }
    return settings;
  }
}

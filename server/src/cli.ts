// `planmark check [paths or globs]`: the language server's diagnostics for CI.
// Prints `path:line:col: severity code message`, or JSON with --format json. Exit status: 1 when
// any error is found, 0 otherwise, 2 on bad usage.
import fs from 'node:fs';
import path from 'node:path';
import picomatch from 'picomatch';
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver-types';
import { isMarkdownPath, isPlanDocument } from '../../shared/planFiles';
import { DEFAULT_SETTINGS, resolveSettings, type PlanmarkSettings } from '../../shared/settings';
import { computeDiagnostics } from './features/diagnostics';
import { parsePlan } from './plan';
import { validateTaskIdPattern } from './settings';

const USAGE = `Usage: planmark check [options] [paths or globs...]

Checks implementation plans and prints one line per problem:
  path:line:col: severity code message

With no paths, checks the Markdown files under the current folder that match
planmark.files (default: **/*.plan.md, **/plans/**/*.md) or are titled
"Implementation Plan".

Options:
  --format text|json   output format (default: text)
  --config FILE        JSON settings: the "planmark" object of a VS Code settings.json,
                       or the keys without the "planmark." prefix
  --max-warnings N     exit 1 when there are more than N warnings
  -h, --help           show this help
`;

const SEVERITY_NAMES: Record<number, string> = {
  [DiagnosticSeverity.Error]: 'error',
  [DiagnosticSeverity.Warning]: 'warning',
  [DiagnosticSeverity.Information]: 'info',
  [DiagnosticSeverity.Hint]: 'hint',
};

class UsageError extends Error {}

interface Options {
  format: 'text' | 'json';
  config?: string;
  maxWarnings?: number;
  inputs: string[];
}

function parseArgs(argv: string[]): Options | 'help' {
  if (argv[0] === '-h' || argv[0] === '--help') return 'help';
  if (argv[0] !== 'check') throw new UsageError(argv.length ? `unknown command "${argv[0]}"` : 'missing command');
  const options: Options = { format: 'text', inputs: [] };
  for (let i = 1; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${arg} needs a value`);
      return v;
    };
    if (arg === '-h' || arg === '--help') return 'help';
    else if (arg === '--format') {
      const f = value();
      if (f !== 'text' && f !== 'json') throw new UsageError(`--format must be text or json, not "${f}"`);
      options.format = f;
    } else if (arg.startsWith('--format=')) {
      const f = arg.slice('--format='.length);
      if (f !== 'text' && f !== 'json') throw new UsageError(`--format must be text or json, not "${f}"`);
      options.format = f;
    } else if (arg === '--config') options.config = value();
    else if (arg === '--max-warnings') {
      const n = Number(value());
      if (!Number.isInteger(n) || n < 0) throw new UsageError('--max-warnings needs a whole number');
      options.maxWarnings = n;
    } else if (arg.startsWith('-') && arg !== '-') throw new UsageError(`unknown option ${arg}`);
    else options.inputs.push(arg);
  }
  return options;
}

function loadSettings(file: string | undefined): PlanmarkSettings {
  if (!file) return DEFAULT_SETTINGS;
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`cannot read --config ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const object = (raw ?? {}) as Record<string, unknown>;
  // Accept {"planmark": {...}}, {"planmark.files": [...]} or the bare keys.
  let settings: Record<string, unknown> = (object.planmark as Record<string, unknown>) ?? {};
  for (const [key, value] of Object.entries(object)) {
    if (key.startsWith('planmark.')) settings = setPath(settings, key.slice('planmark.'.length).split('.'), value);
    else if (key !== 'planmark') settings[key] = value;
  }
  const resolved = resolveSettings(settings);
  const problem = validateTaskIdPattern(resolved.taskIdPattern);
  if (problem) throw new UsageError(`taskIdPattern is not usable: ${problem}`);
  return resolved;
}

function setPath(target: Record<string, unknown>, keys: string[], value: unknown): Record<string, unknown> {
  let node = target;
  keys.slice(0, -1).forEach((k) => {
    node[k] = typeof node[k] === 'object' && node[k] ? node[k] : {};
    node = node[k] as Record<string, unknown>;
  });
  node[keys[keys.length - 1]] = value;
  return target;
}

const SKIP_DIRS = new Set(['node_modules', '.git', '.vscode-test', 'dist', 'out']);

function walk(dir: string, out: string[]): void {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(entry.name)) walk(full, out);
    } else if (entry.isFile() && isMarkdownPath(entry.name)) out.push(full);
  }
}

/** Explicit files are checked as given; folders and globs contribute only plan documents. */
function collectFiles(inputs: string[], settings: PlanmarkSettings): { file: string; explicit: boolean }[] {
  const out = new Map<string, boolean>();
  const cwd = process.cwd();
  const all = () => {
    const files: string[] = [];
    walk(cwd, files);
    return files;
  };
  if (inputs.length === 0) {
    for (const f of all()) out.set(f, false);
  }
  let cache: string[] | undefined;
  for (const input of inputs) {
    const full = path.resolve(input);
    if (fs.existsSync(full) && fs.statSync(full).isFile()) out.set(full, true);
    else if (fs.existsSync(full) && fs.statSync(full).isDirectory()) {
      const files: string[] = [];
      walk(full, files);
      for (const f of files) if (!out.has(f)) out.set(f, false);
    } else if (picomatch.scan(input).isGlob) {
      const isMatch = picomatch(input.replace(/\\/g, '/'), { dot: false });
      cache ??= all();
      const matched = cache.filter((f) => isMatch(path.relative(cwd, f).split(path.sep).join('/')));
      for (const f of matched) out.set(f, true);
    } else {
      throw new UsageError(`no such file or folder: ${input}`);
    }
  }
  void settings;
  return [...out].map(([file, explicit]) => ({ file, explicit })).sort((a, b) => a.file.localeCompare(b.file));
}

export function runCli(argv: string[], write: (s: string) => void = (s) => process.stdout.write(s), writeError: (s: string) => void = (s) => process.stderr.write(s)): number {
  let options: Options | 'help';
  let settings: PlanmarkSettings;
  let files: { file: string; explicit: boolean }[];
  try {
    options = parseArgs(argv);
    if (options === 'help') {
      write(USAGE);
      return 0;
    }
    settings = loadSettings(options.config);
    files = collectFiles(options.inputs, settings);
  } catch (error) {
    if (error instanceof UsageError) {
      writeError(`planmark: ${error.message}\n\n${USAGE}`);
      return 2;
    }
    throw error;
  }
  const results: { file: string; diagnostics: Diagnostic[] }[] = [];
  let errors = 0;
  let warnings = 0;
  for (const { file, explicit } of files) {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (error) {
      writeError(`planmark: cannot read ${file}: ${error instanceof Error ? error.message : String(error)}\n`);
      errors++;
      continue;
    }
    if (!explicit && !isPlanDocument(file, text, settings.files)) continue;
    if (text.length > settings.maxFileSize) {
      writeError(`planmark: ${file} is larger than maxFileSize (${settings.maxFileSize} bytes); skipped.\n`);
      continue;
    }
    const plan = parsePlan(text, { uri: file, taskIdPattern: settings.taskIdPattern });
    const diagnostics = computeDiagnostics(plan, settings);
    results.push({ file, diagnostics });
    for (const d of diagnostics) {
      if (d.severity === DiagnosticSeverity.Error) errors++;
      else if (d.severity === DiagnosticSeverity.Warning) warnings++;
    }
  }
  const display = (file: string) => path.relative(process.cwd(), file) || file;
  if (options.format === 'json') {
    write(
      JSON.stringify(
        results.map((r) => ({
          file: display(r.file),
          diagnostics: r.diagnostics.map((d) => ({
            line: d.range.start.line + 1,
            column: d.range.start.character + 1,
            endLine: d.range.end.line + 1,
            endColumn: d.range.end.character + 1,
            severity: SEVERITY_NAMES[d.severity ?? 1],
            code: d.code,
            message: d.message,
          })),
        })),
        null,
        2,
      ) + '\n',
    );
  } else {
    for (const r of results) {
      for (const d of r.diagnostics) {
        write(`${display(r.file)}:${d.range.start.line + 1}:${d.range.start.character + 1}: ${SEVERITY_NAMES[d.severity ?? 1]} ${d.code} ${d.message}\n`);
      }
    }
    writeError(`${results.length} plan${results.length === 1 ? '' : 's'} checked: ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}.\n`);
  }
  if (errors > 0) return 1;
  if (options.maxWarnings !== undefined && warnings > options.maxWarnings) return 1;
  return 0;
}

if (require.main === module) {
  process.exitCode = runCli(process.argv.slice(2));
}

// `planmark check [paths or globs]`: the language server's diagnostics for CI.
// Prints `path:line:col: severity code message`, or JSON with --format json. Exit status: 1 when
// any error is found, 0 otherwise, 2 on bad usage.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import picomatch from 'picomatch';
import { DiagnosticSeverity } from 'vscode-languageserver-types';
import { isMarkdownPath } from '../../shared/planFiles';
import { DEFAULT_SETTINGS, resolveSettings, type PlanmarkSettings } from '../../shared/settings';
import { countProblems, runGraphCli, workspaceFindingsByUri, type CheckedPlan } from './cliWorkspace';
import { computeDiagnostics } from './features/diagnostics';
import type { Plan } from './plan';
import { validateTaskIdPattern } from './settings';
import { toGithubCommands, toSarif } from './cli/formats';
import { checkPlan, readPlanFile, requirementsBeside, withWorkspaceFindings, type Candidate, type PlanCheck } from './cli/checkFile';
import { checkInWorkers, isCheckWorker, runCheckWorker, type FileOutcome } from './cli/checkWorkers';
import { version as PLANMARK_VERSION } from '../../package.json';

const USAGE = `Usage: planmark check [options] [paths or globs...]
       planmark graph [--format mermaid|json] [paths or globs...]   (see planmark graph --help)
       planmark lsp --stdio      the language server, for any editor (also: planmark-language-server --stdio)

Checks implementation plans and prints one line per problem:
  path:line:col: severity code message

Files named on the command line are checked as they are. Folders, globs (quote them)
and no paths at all (the current folder) contribute only plans: Markdown files whose
path matches planmark.files (default: **/*.plan.md, **/plans/**/*.md) or whose first
heading starts with "Implementation Plan" (default globs: **/*.plan.md,
**/plans/**/*.md, **/specs/**/tasks.md, **/.kiro/specs/**/tasks.md). Each plan is read
as its kind: a template plan, a spec-kit task list (specs/NNN-feature/tasks.md) or a
Kiro task list (.kiro/specs/feature/tasks.md); --format json prints each file's kind.

Options:
  --format text|json|sarif|github
                       output format (default: text): sarif is a SARIF 2.1.0 log for
                       GitHub code scanning (upload-sarif); github prints workflow
                       commands that annotate the files in a GitHub Actions run
  --config FILE        JSON settings: a VS Code settings.json (comments allowed) with
                       "planmark.*" keys or a "planmark" object, or the keys without
                       the "planmark." prefix
  --max-warnings N     exit 1 when there are more than N warnings
  --concurrency auto|off|N
                       check files in N worker threads; auto (the default) starts
                       one per CPU when there are enough files to pay for it, off
                       checks them all in one thread
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
  format: 'text' | 'json' | 'sarif' | 'github';
  config?: string;
  maxWarnings?: number;
  /** Worker threads for the files: a number, one per CPU when it pays (auto), or none (off). */
  concurrency: 'auto' | 'off' | number;
  inputs: string[];
}

function parseArgs(argv: string[]): Options | 'help' {
  if (argv[0] === '-h' || argv[0] === '--help') return 'help';
  if (argv[0] !== 'check') throw new UsageError(argv.length ? `unknown command "${argv[0]}"` : 'missing command');
  const options: Options = { format: 'text', concurrency: 'auto', inputs: [] };
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
      if (f !== 'text' && f !== 'json' && f !== 'sarif' && f !== 'github') throw new UsageError(`--format must be text, json, sarif or github, not "${f}"`);
      options.format = f;
    } else if (arg.startsWith('--format=')) {
      const f = arg.slice('--format='.length);
      if (f !== 'text' && f !== 'json' && f !== 'sarif' && f !== 'github') throw new UsageError(`--format must be text, json, sarif or github, not "${f}"`);
      options.format = f;
    } else if (arg === '--config') options.config = value();
    else if (arg === '--max-warnings') {
      const n = Number(value());
      if (!Number.isInteger(n) || n < 0) throw new UsageError('--max-warnings needs a whole number');
      options.maxWarnings = n;
    } else if (arg === '--concurrency' || arg.startsWith('--concurrency=')) {
      const v = arg === '--concurrency' ? value() : arg.slice('--concurrency='.length);
      const n = Number(v);
      if (v !== 'auto' && v !== 'off' && !(Number.isInteger(n) && n >= 1)) throw new UsageError(`--concurrency must be auto, off or a whole number of threads, not "${v}"`);
      options.concurrency = v === 'auto' || v === 'off' ? v : n;
    } else if (arg.startsWith('-') && arg !== '-') throw new UsageError(`unknown option ${arg}`);
    else options.inputs.push(arg);
  }
  return options;
}

function loadSettings(file: string | undefined): PlanmarkSettings {
  if (!file) return DEFAULT_SETTINGS;
  let raw: unknown;
  try {
    raw = JSON.parse(stripJsonComments(fs.readFileSync(file, 'utf8')));
  } catch (error) {
    throw new UsageError(`cannot read --config ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new UsageError(`--config ${file} must hold a JSON object`);
  const object = raw as Record<string, unknown>;
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

/** VS Code's settings.json is JSONC: drop comments and trailing commas, leaving strings alone. */
export function stripJsonComments(text: string): string {
  let out = '';
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i];
    if (c === '"') {
      let j = i + 1;
      while (j < n && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j + 1;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < n && text[i] !== '\n') i++;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? n : end + 2;
    } else if (c === ',') {
      let j = i + 1;
      // Look past white space and comments for a closing bracket.
      for (;;) {
        while (j < n && /\s/.test(text[j])) j++;
        if (text.startsWith('//', j)) while (j < n && text[j] !== '\n') j++;
        else if (text.startsWith('/*', j)) j = text.indexOf('*/', j + 2) < 0 ? n : text.indexOf('*/', j + 2) + 2;
        else break;
      }
      if (text[j] !== '}' && text[j] !== ']') out += c;
      i++;
    } else {
      out += c;
      i++;
    }
  }
  return out;
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

function toSlashes(p: string): string {
  return p.split(path.sep).join('/');
}

/** Relative to `root` when inside it, else relative to `fallback`. */
function relativeFrom(root: string, fallback: string, file: string): string {
  const rel = path.relative(root, file);
  const outside = rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel);
  return toSlashes(outside ? path.relative(fallback, file) : rel);
}

/** Explicit files are checked as given; folders and globs contribute only plan documents. */
function collectFiles(inputs: string[]): Candidate[] {
  const out = new Map<string, Candidate>();
  const cwd = process.cwd();
  const addWalked = (dir: string) => {
    const files: string[] = [];
    walk(dir, files);
    for (const f of files) if (!out.has(f)) out.set(f, { file: f, explicit: false, matchPath: relativeFrom(cwd, dir, f) });
  };
  if (inputs.length === 0) addWalked(cwd);
  for (const input of inputs) {
    const full = path.resolve(input);
    const stat = fs.existsSync(full) ? fs.statSync(full) : undefined;
    if (stat?.isFile()) out.set(full, { file: full, explicit: true, matchPath: relativeFrom(cwd, path.dirname(full), full) });
    else if (stat?.isDirectory()) addWalked(full);
    else if (picomatch.scan(input).isGlob) {
      const pattern = input.replace(/\\/g, '/').replace(/^\.\//, '');
      const { base } = picomatch.scan(pattern);
      const root = path.resolve(base || '.');
      const isMatch = picomatch(pattern, { dot: false });
      const files: string[] = [];
      walk(root, files);
      const matched = files.filter((f) => isMatch(path.isAbsolute(pattern) ? toSlashes(f) : relativeFrom(cwd, root, f)));
      if (matched.length === 0) throw new UsageError(`no files match ${input}`);
      for (const f of matched) if (!out.has(f)) out.set(f, { file: f, explicit: false, matchPath: relativeFrom(cwd, root, f) });
    } else {
      throw new UsageError(`no such file or folder: ${input}`);
    }
  }
  return [...out.values()].sort((a, b) => a.file.localeCompare(b.file));
}

let stdoutGuarded = false;

/** `planmark check | head` closes stdout early: stop quietly instead of crashing on EPIPE. */
function guardStdout(): void {
  if (stdoutGuarded) return;
  stdoutGuarded = true;
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
    throw error;
  });
}

const writeStdout = (s: string) => {
  guardStdout();
  process.stdout.write(s);
};

/** Reads the candidates that are plans and hands each parsed plan on (for `planmark graph`). */
function readPlans(files: Candidate[], settings: PlanmarkSettings, writeError: (s: string) => void, each: (file: string, plan: Plan) => void): void {
  for (const candidate of files) {
    const read = readPlanFile(candidate, settings);
    if (read.message) writeError(read.message);
    if (read.plan) each(candidate.file, read.plan);
  }
}

/** The bundle to start check workers from: this file once bundled (dist/cli.js); none when run from the sources. */
const CHECK_WORKER_SCRIPT = __filename.endsWith('.js') ? __filename : undefined;

/**
 * Checked in this thread below this many bytes of files in all: starting a worker (loading the
 * bundle) costs about as much as checking 30 KiB of plans.
 */
const WORKER_MIN_BYTES = 192 * 1024;
/** A worker is started for at least this many bytes of files. */
const BYTES_PER_WORKER = 96 * 1024;

/** How many check workers to start for the files: 1 means none, the files are checked in this thread. */
function workerCount(concurrency: Options['concurrency'], sizes: number[]): number {
  if (concurrency === 'off') return 1;
  if (typeof concurrency === 'number') return Math.max(1, Math.min(concurrency, sizes.length));
  const total = sizes.reduce((a, b) => a + b, 0);
  if (sizes.length < 2 || total < WORKER_MIN_BYTES) return 1;
  return Math.max(1, Math.min(os.availableParallelism(), sizes.length, Math.floor(total / BYTES_PER_WORKER)));
}

/** Checks the files in this thread: the same steps as a check worker takes, in file order. */
function checkInThisThread(files: Candidate[], settings: PlanmarkSettings): FileOutcome[] {
  const plans: (Plan | undefined)[] = [];
  const outcomes = files.map((candidate): FileOutcome => {
    const read = readPlanFile(candidate, settings);
    plans.push(read.plan);
    return { message: read.message, unreadable: read.unreadable, check: read.plan && checkPlan(candidate.file, read.plan, settings) };
  });
  const findings = findingsOf(outcomes.flatMap((o) => (o.check ? [o.check] : [])), settings);
  outcomes.forEach((o, i) => {
    const mine = o.check && findings.get(o.check.summary.uri);
    if (mine) o.check!.diagnostics = withWorkspaceFindings(plans[i]!, o.check!.diagnostics, mine, settings);
  });
  return outcomes;
}

/** Cross-plan rules: the plans checked together are one workspace. */
function findingsOf(checks: PlanCheck[], settings: PlanmarkSettings) {
  return workspaceFindingsByUri(
    checks.map((c) => c.summary),
    settings,
  );
}

type Prepared = { code: number } | { options: Options; settings: PlanmarkSettings; files: Candidate[] };

/** Everything before the files are read: arguments, settings, the files to check; `graph` runs here whole. */
function prepare(argv: string[], write: (s: string) => void, writeError: (s: string) => void): Prepared {
  try {
    if (argv[0] === 'graph') {
      const loadPlans = (inputs: string[], config: string | undefined) => {
        const s = loadSettings(config);
        const plans: CheckedPlan[] = [];
        readPlans(collectFiles(inputs), s, writeError, (file, plan) => plans.push({ file, plan, diagnostics: computeDiagnostics(plan, s, requirementsBeside(plan)) }));
        return { settings: s, plans };
      };
      return { code: runGraphCli(argv.slice(1), { loadPlans, usageError: (m) => new UsageError(m) }, write) };
    }
    const options = parseArgs(argv);
    if (options === 'help') {
      write(USAGE);
      return { code: 0 };
    }
    return { options, settings: loadSettings(options.config), files: collectFiles(options.inputs) };
  } catch (error) {
    if (error instanceof UsageError) {
      writeError(`planmark: ${error.message}\n\n${USAGE}`);
      return { code: 2 };
    }
    throw error;
  }
}

/** `planmark check` in this thread, whatever --concurrency says (in-process use and tests). */
export function runCli(argv: string[], write: (s: string) => void = writeStdout, writeError: (s: string) => void = (s) => process.stderr.write(s)): number {
  const prepared = prepare(argv, write, writeError);
  if ('code' in prepared) return prepared.code;
  return report(prepared.options, checkInThisThread(prepared.files, prepared.settings), write, writeError);
}

/**
 * `planmark check` as bin/planmark.js runs it: many files (--concurrency auto: more than a few
 * hundred KiB in all) are checked in worker threads, one per CPU; the output is the same.
 */
export async function runCliAsync(
  argv: string[],
  write: (s: string) => void = writeStdout,
  writeError: (s: string) => void = (s) => process.stderr.write(s),
  workerScript: string | undefined = CHECK_WORKER_SCRIPT,
): Promise<number> {
  const prepared = prepare(argv, write, writeError);
  if ('code' in prepared) return prepared.code;
  const { options, settings, files } = prepared;
  const sizes = files.map(({ file }) => {
    try {
      return fs.statSync(file).size;
    } catch {
      return 0;
    }
  });
  const workers = workerScript ? workerCount(options.concurrency, sizes) : 1;
  if (workers <= 1) return report(options, checkInThisThread(files, settings), write, writeError);
  // The largest files first, so that no worker is left with a big one at the end.
  const order = files.map((_, i) => i).sort((a, b) => sizes[b] - sizes[a] || a - b);
  const outcomes = await checkInWorkers(workerScript!, files, settings, workers, order, (checks) => findingsOf(checks, settings));
  return report(options, outcomes, write, writeError);
}

/** Prints the outcomes in file order in the chosen format; returns the exit status. */
function report(options: Options, outcomes: FileOutcome[], write: (s: string) => void, writeError: (s: string) => void): number {
  let errors = 0;
  for (const o of outcomes) {
    if (o.message) writeError(o.message);
    if (o.unreadable) errors++;
  }
  const results = outcomes.flatMap((o) => (o.check ? [o.check] : []));
  const counts = countProblems(results);
  errors += counts.errors;
  const warnings = counts.warnings;
  const display = (file: string) => path.relative(process.cwd(), file) || file;
  const summary = () =>
    writeError(`${results.length} plan${results.length === 1 ? '' : 's'} checked: ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}.\n`);
  if (options.format === 'sarif') {
    write(JSON.stringify(toSarif(results.map((r) => ({ file: display(r.file), diagnostics: r.diagnostics })), PLANMARK_VERSION), null, 2) + '\n');
    summary();
  } else if (options.format === 'github') {
    write(toGithubCommands(results.map((r) => ({ file: display(r.file), diagnostics: r.diagnostics }))));
    summary();
  } else if (options.format === 'json') {
    write(
      JSON.stringify(
        results.map((r) => ({
          file: display(r.file),
          kind: r.kind,
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
    summary();
  }
  if (errors > 0) return 1;
  if (options.maxWarnings !== undefined && warnings > options.maxWarnings) return 1;
  return 0;
}

if (isCheckWorker()) {
  runCheckWorker();
} else if (require.main === module) {
  void runCliAsync(process.argv.slice(2)).then((code) => (process.exitCode = code));
}

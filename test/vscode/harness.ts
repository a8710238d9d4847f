// Helpers for VS Code suites that need the runner (scripts/vscode-test/run.mjs) to act on the
// workbench page, which the extension host cannot see: take a screenshot, or evaluate a
// JavaScript expression in the webview frames / the workbench page.
//
// Protocol: the suite prints a request line through console.log; it reaches the runner through
// window.codeAutomationLog. The runner acts and writes a JSON answer into
// $PLANMARK_TEST_IPC_DIR (out/vscode-queries/), which the suite polls for.
//   PLANMARK_SCREENSHOT_NOW <name>          -> <screenshot dir>/<name>.png, answer <name>.screenshot.json
//   PLANMARK_QUERY <id> <json-string expr>  -> evaluated in every frame but the workbench's, answer <id>.json
//   PLANMARK_QUERY_PAGE <id> <json expr>    -> evaluated in the workbench page itself, answer <id>.json
// Only the code-server back end supports this; under @vscode/test-electron `runnerAvailable()`
// is false, screenshot() resolves to null and the queries throw.
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface FrameResult<T = unknown> {
  /** URL of the frame (webview frames contain `/webview/`). */
  url: string;
  name: string;
  /** true for the frames that hold a webview's content (the inner `fake.html`/`active-frame`). */
  webviewContent: boolean;
  value?: T;
  error?: string;
}

let counter = 0;
const ipcDir = (): string | undefined => process.env.PLANMARK_TEST_IPC_DIR || undefined;

/** True when the runner can take screenshots and answer queries (code-server back end). */
export function runnerAvailable(): boolean {
  return !!ipcDir();
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

async function waitForFile(file: string, timeoutMs: number): Promise<unknown> {
  const t0 = Date.now();
  for (;;) {
    if (fs.existsSync(file)) {
      const text = fs.readFileSync(file, 'utf8');
      fs.rmSync(file, { force: true });
      return JSON.parse(text);
    }
    if (Date.now() - t0 > timeoutMs) {
      throw new Error(`the test runner did not answer within ${timeoutMs} ms (waited for ${file})`);
    }
    await sleep(50);
  }
}

function newId(prefix: string): string {
  return `${prefix}-${process.pid}-${Date.now()}-${++counter}`;
}

/**
 * Asks the runner for a screenshot of the workbench now; resolves with the PNG's path once it
 * is written (null when the back end cannot take one). `name` is a file name without `.png`.
 */
export async function screenshot(name: string, timeoutMs = 30_000): Promise<string | null> {
  const dir = ipcDir();
  if (!dir) return null;
  if (!/^[\w.-]+$/.test(name)) throw new Error(`screenshot name must match [\\w.-]+: ${name}`);
  const answerFile = path.join(dir, `${name}.screenshot.json`);
  fs.rmSync(answerFile, { force: true });
  console.log(`PLANMARK_SCREENSHOT_NOW ${name}`);
  const answer = (await waitForFile(answerFile, timeoutMs)) as { ok: boolean; path?: string; error?: string };
  if (!answer.ok) throw new Error(`screenshot ${name} failed: ${answer.error}`);
  return answer.path ?? null;
}

async function query<T>(kind: 'PLANMARK_QUERY' | 'PLANMARK_QUERY_PAGE', expression: string, timeoutMs: number): Promise<FrameResult<T>[]> {
  const dir = ipcDir();
  if (!dir) throw new Error('page queries need the code-server back end (PLANMARK_TEST_IPC_DIR is not set)');
  const id = newId('q');
  const answerFile = path.join(dir, `${id}.json`);
  console.log(`${kind} ${id} ${JSON.stringify(expression)}`);
  const answer = (await waitForFile(answerFile, timeoutMs)) as { ok: boolean; results?: FrameResult<T>[]; error?: string };
  if (!answer.ok) throw new Error(`query failed: ${answer.error}`);
  return answer.results ?? [];
}

/**
 * Evaluates `expression` (a JavaScript expression, or a function's source which is then called)
 * in every frame of the page except the workbench's own, i.e. in the webviews' frames.
 * The value must be JSON-serialisable. Use `webviewContent` to keep the frames holding content.
 */
export function queryFrames<T = unknown>(expression: string, timeoutMs = 30_000): Promise<FrameResult<T>[]> {
  return query<T>('PLANMARK_QUERY', expression, timeoutMs);
}

/** Evaluates `expression` in the workbench page itself (one result). */
export async function queryWorkbench<T = unknown>(expression: string, timeoutMs = 30_000): Promise<T> {
  const [r] = await query<T>('PLANMARK_QUERY_PAGE', expression, timeoutMs);
  if (!r) throw new Error('no answer from the workbench page');
  if (r.error) throw new Error(`workbench query failed: ${r.error}`);
  return r.value as T;
}

/**
 * Polls the webview content frames until `expression` gives a non-empty value in one of them;
 * resolves with that value. Handy to wait for a webview to render (e.g. its SVG).
 */
export async function waitForWebview<T = unknown>(expression: string, timeoutMs = 30_000): Promise<T> {
  const t0 = Date.now();
  let last: FrameResult<T>[] = [];
  while (Date.now() - t0 < timeoutMs) {
    last = await queryFrames<T>(expression, timeoutMs);
    const hit = last.find((r) => r.webviewContent && !r.error && r.value !== null && r.value !== undefined && (r.value as unknown) !== '' && (r.value as unknown) !== false);
    if (hit) return hit.value as T;
    await sleep(250);
  }
  throw new Error(`no webview frame gave a value for ${expression} within ${timeoutMs} ms; last answers: ${JSON.stringify(last).slice(0, 2000)}`);
}

export const EXTENSION_ID = 'planmark.planmark';

/** Polls `probe` until it returns something truthy; fails with what it waited for. */
export async function waitFor<T>(what: string, probe: () => T | Thenable<T>, timeoutMs = 20_000): Promise<NonNullable<T>> {
  const started = Date.now();
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== null && value !== false) return value as NonNullable<T>;
    } catch (error) {
      last = error;
    }
    if (Date.now() - started > timeoutMs) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last: ${String(last).slice(0, 1500)})` : ''}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

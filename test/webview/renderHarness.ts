// Headless-chromium harness for the graph webview: builds the bundle, serves the exact page
// produced by client/src/graph/webviewHtml.ts (with a VS Code-like theme stylesheet), stubs
// acquireVsCodeApi and drives the page with window.postMessage.
//
// Reused by test/webview/render.test.ts and by the benchmark (`renderInChromium`).
import * as esbuild from 'esbuild';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import { webviewHtml } from '../../client/src/graph/webviewHtml';
import type { ExtensionToWebviewMessage, GraphPayload, WebviewToExtensionMessage } from '../../shared/protocol';

export const ROOT = path.resolve(__dirname, '..', '..');
export const CHROMIUM_PATH = process.env.PLANMARK_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-dev-shm-usage',
];
export const TEST_NONCE = 'dGVzdC1ub25jZS1wbGFubWFyaw==';

export type ThemeName = 'dark' | 'light';

/** VS Code "Dark Modern" / "Light Modern" values of the variables graph.css uses. */
const THEME_VARS: Record<ThemeName, Record<string, string>> = {
  dark: {
    'editor-background': '#1f1f1f',
    'editor-foreground': '#cccccc',
    'descriptionForeground': '#9d9d9d',
    'editorWidget-background': '#202020',
    'editorWidget-border': '#313131',
    'editorLineNumber-foreground': '#6e7681',
    'sideBar-background': '#181818',
    'panel-border': '#2b2b2b',
    'errorForeground': '#f85149',
    'editorWarning-foreground': '#cca700',
    'charts-orange': '#d18616',
    'charts-yellow': '#cca700',
    'charts-blue': '#3794ff',
    'focusBorder': '#0078d4',
    'button-background': '#0078d4',
    'button-foreground': '#ffffff',
    'button-secondaryBackground': '#313131',
    'button-secondaryForeground': '#cccccc',
    'button-secondaryHoverBackground': '#3c3c3c',
    'input-background': '#313131',
    'input-foreground': '#cccccc',
    'input-border': '#3c3c3c',
    'input-placeholderForeground': '#989898',
    'editorHoverWidget-background': '#202020',
    'editorHoverWidget-border': '#454545',
    'editorHoverWidget-foreground': '#cccccc',
    'inputValidation-warningBackground': '#352a05',
    'inputValidation-warningBorder': '#b89500',
    'font-family': '"Segoe WPC", "Segoe UI", "Ubuntu", "DejaVu Sans", sans-serif',
    'font-size': '13px',
  },
  light: {
    'editor-background': '#ffffff',
    'editor-foreground': '#3b3b3b',
    'descriptionForeground': '#616161',
    'editorWidget-background': '#f8f8f8',
    'editorWidget-border': '#c8c8c8',
    'editorLineNumber-foreground': '#6e7681',
    'sideBar-background': '#f8f8f8',
    'panel-border': '#e5e5e5',
    'errorForeground': '#f85149',
    'editorWarning-foreground': '#bf8803',
    'charts-orange': '#d18616',
    'charts-yellow': '#bf8803',
    'charts-blue': '#1a85ff',
    'focusBorder': '#005fb8',
    'button-background': '#005fb8',
    'button-foreground': '#ffffff',
    'button-secondaryBackground': '#e5e5e5',
    'button-secondaryForeground': '#3b3b3b',
    'button-secondaryHoverBackground': '#cccccc',
    'input-background': '#ffffff',
    'input-foreground': '#3b3b3b',
    'input-border': '#cecece',
    'input-placeholderForeground': '#767676',
    'editorHoverWidget-background': '#f8f8f8',
    'editorHoverWidget-border': '#c8c8c8',
    'editorHoverWidget-foreground': '#3b3b3b',
    'inputValidation-warningBackground': '#f6f5d2',
    'inputValidation-warningBorder': '#b89500',
    'font-family': '"Segoe WPC", "Segoe UI", "Ubuntu", "DejaVu Sans", sans-serif',
    'font-size': '13px',
  },
};

export function themeCss(theme: ThemeName): string {
  const vars = Object.entries(THEME_VARS[theme])
    .map(([k, v]) => `  --vscode-${k}: ${v};`)
    .join('\n');
  return `html {\n${vars}\n}\n`;
}

let bundlePromise: Promise<{ dir: string }> | undefined;

/** Bundles webview/src/main.ts and webview/media/graph.css like scripts/build.mjs, into a temp dir. */
export function buildWebviewBundle(): Promise<{ dir: string }> {
  bundlePromise ??= (async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'planmark-webview-'));
    process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
    const common = { bundle: true, logLevel: 'warning' as const, absWorkingDir: ROOT, sourcemap: false as const };
    await Promise.all([
      esbuild.build({
        ...common,
        entryPoints: ['webview/src/main.ts'],
        outfile: path.join(dir, 'webview.js'),
        platform: 'browser',
        format: 'iife',
        target: 'es2022',
      }),
      esbuild.build({
        ...common,
        entryPoints: ['webview/src/enginesEntry.ts'],
        outfile: path.join(dir, 'webview-engines.js'),
        platform: 'browser',
        format: 'iife',
        target: 'es2022',
      }),
      esbuild.build({ ...common, entryPoints: ['webview/media/graph.css'], outfile: path.join(dir, 'webview.css') }),
    ]);
    return { dir };
  })();
  return bundlePromise;
}

export interface WebviewServer {
  origin: string;
  url(theme?: ThemeName): string;
  /** How many times a page fetched the engine bundle (mermaid, ELK, dagre). */
  enginesRequests(): number;
  close(): Promise<void>;
}

/** Serves the page (webviewHtml with a test nonce), the bundle and a VS Code-like theme on 127.0.0.1. */
export async function startWebviewServer(): Promise<WebviewServer> {
  const { dir } = await buildWebviewBundle();
  const js = fs.readFileSync(path.join(dir, 'webview.js'));
  const enginesJs = fs.readFileSync(path.join(dir, 'webview-engines.js'));
  const css = fs.readFileSync(path.join(dir, 'webview.css'));
  let origin = '';
  let enginesRequests = 0;
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', origin);
    const send = (type: string, body: string | Buffer) => {
      res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(body);
    };
    if (url.pathname === '/webview.js') return send('text/javascript', js);
    if (url.pathname === '/webview-engines.js') {
      enginesRequests++;
      return send('text/javascript', enginesJs);
    }
    if (url.pathname === '/webview.css') return send('text/css', css);
    if (url.pathname === '/theme-dark.css') return send('text/css', themeCss('dark'));
    if (url.pathname === '/theme-light.css') return send('text/css', themeCss('light'));
    if (url.pathname === '/') {
      const theme: ThemeName = url.searchParams.get('theme') === 'light' ? 'light' : 'dark';
      // Like VS Code: theme variables on <html>, theme kind as a <body> class.
      const html = webviewHtml({
        cspSource: origin,
        nonce: TEST_NONCE,
        scriptUri: `${origin}/webview.js`,
        enginesScriptUri: `${origin}/webview-engines.js`,
        styleUri: `${origin}/webview.css`,
      })
        .replace('<title>', `<link rel="stylesheet" href="${origin}/theme-${theme}.css">\n    <title>`)
        .replace('<body>', `<body class="vscode-${theme}">`);
      return send('text/html; charset=utf-8', html);
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    url: (theme: ThemeName = 'dark') => `${origin}/?theme=${theme}`,
    enginesRequests: () => enginesRequests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Launches the system chromium. Throws (never skips) when it is missing. */
export async function launchChromium(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM_PATH)) {
    throw new Error(`chromium not found at ${CHROMIUM_PATH} (set PLANMARK_CHROMIUM or install the chromium package)`);
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
}

export interface CspViolation {
  directive: string;
  blocked: string;
  sample: string;
}

type RenderedMessage = Extract<WebviewToExtensionMessage, { type: 'rendered' }>;
/** 'layered': the direct engine's built-in layout (mermaid falls back to dagre for it). */
export type LayoutOption = 'auto' | 'layered' | 'dagre' | 'elk';
/** Who draws: mermaid, the direct SVG builder, or 'auto' (direct from DIRECT_THRESHOLD nodes). */
export type EngineOption = 'auto' | 'mermaid' | 'direct';

/** One open webview page with helpers. */
export class WebviewPage {
  readonly errors: string[] = [];
  constructor(readonly page: Page) {
    page.on('pageerror', (e) => this.errors.push(String(e)));
  }

  /** Messages the page posted to the "extension", in order. */
  posted(): Promise<WebviewToExtensionMessage[]> {
    return this.page.evaluate(() => (window as unknown as { __posted: WebviewToExtensionMessage[] }).__posted.slice());
  }

  cspViolations(): Promise<CspViolation[]> {
    return this.page.evaluate(() => (window as unknown as { __csp: CspViolation[] }).__csp.slice());
  }

  /** Posts a message as the extension would (window.postMessage). */
  async send(message: ExtensionToWebviewMessage | Record<string, unknown>): Promise<void> {
    await this.page.evaluate((m) => window.postMessage(m, '*'), message as unknown as Record<string, unknown>);
  }

  private renderedCount(): Promise<number> {
    return this.page.evaluate(
      () => (window as unknown as { __posted: { type: string }[] }).__posted.filter((m) => m.type === 'rendered').length,
    );
  }

  /** Runs `action` and waits for the next `rendered` message. */
  async waitForRender(action: () => Promise<void>, timeout = 180_000): Promise<RenderedMessage & { layout: string; engine: string }> {
    const before = await this.renderedCount();
    await action();
    await this.page.waitForFunction(
      (n) => (window as unknown as { __posted: { type: string }[] }).__posted.filter((m) => m.type === 'rendered').length > n,
      before,
      { timeout, polling: 20 },
    );
    const all = await this.posted();
    const rendered = all.filter((m): m is RenderedMessage => m.type === 'rendered')[before]!;
    const { layout, engine } = await this.page.evaluate(() => {
      const d = document.querySelector<HTMLElement>('.pm-viewport')?.dataset;
      return { layout: d?.layout ?? '', engine: d?.engine ?? '' };
    });
    return { ...rendered, layout, engine };
  }

  /** Posts a graph and waits until it is drawn. */
  renderPayload(payload: GraphPayload): Promise<RenderedMessage & { layout: string; engine: string }> {
    return this.waitForRender(() => this.send({ type: 'graph', payload }));
  }

  /** Forces the layout ('auto' | 'layered' | 'dagre' | 'elk') for the following renders. */
  async setLayout(layout: LayoutOption): Promise<void> {
    await this.page.evaluate((l) => (window as unknown as { __planmarkSetLayout: (l: string) => void }).__planmarkSetLayout(l), layout);
  }

  /** Forces who draws ('auto' | 'mermaid' | 'direct') the following renders. */
  async setEngine(engine: EngineOption): Promise<void> {
    await this.page.evaluate((e) => (window as unknown as { __planmarkSetEngine: (e: string) => void }).__planmarkSetEngine(e), engine);
  }

  close(): Promise<void> {
    return this.page.close();
  }
}

export interface OpenOptions {
  theme?: ThemeName;
  viewport?: { width: number; height: number };
  /** Value returned by the stubbed vscode.getState(). */
  state?: unknown;
  /** Message the stubbed extension posts as soon as the page says 'ready' (e.g. the graph). */
  replyToReady?: ExtensionToWebviewMessage;
}

/** Opens the webview page with a stubbed acquireVsCodeApi and waits for its `ready` message. */
export async function openWebview(browser: Browser, server: WebviewServer, options: OpenOptions = {}): Promise<WebviewPage> {
  const page = await browser.newPage({ viewport: options.viewport ?? { width: 1200, height: 800 } });
  // A string, not a function: tsx compiles functions with an `__name` helper the page lacks.
  // The `__name` shim makes page.evaluate callbacks compiled the same way work too.
  await page.addInitScript({
    content: `(() => {
      const w = window;
      w.__name = w.__name || ((f) => f);
      const posted = [];
      const csp = [];
      w.__posted = posted;
      w.__csp = csp;
      w.__state = ${JSON.stringify(options.state ?? null)} ?? undefined;
      const postedAt = [];
      w.__postedAt = postedAt;
      const autoReply = ${JSON.stringify(options.replyToReady ?? null)};
      w.acquireVsCodeApi = () => ({
        postMessage: (m) => {
          posted.push(JSON.parse(JSON.stringify(m)));
          postedAt.push(performance.now());
          // Like the extension: answer 'ready' with the graph at once.
          if (autoReply && m.type === 'ready') setTimeout(() => window.postMessage(autoReply, '*'), 0);
        },
        getState: () => w.__state,
        setState: (s) => { w.__state = s; },
      });
      document.addEventListener('securitypolicyviolation', (e) => {
        csp.push({ directive: e.effectiveDirective || e.violatedDirective, blocked: e.blockedURI, sample: e.sample });
      });
    })();`,
  });
  const wp = new WebviewPage(page);
  await page.goto(server.url(options.theme ?? 'dark'));
  await page.waitForFunction(
    () => (window as unknown as { __posted: { type: string }[] }).__posted.some((m) => m.type === 'ready'),
    undefined,
    { timeout: 30_000 },
  );
  return wp;
}

export interface RenderMeasurement {
  /** Milliseconds reported by the webview's `rendered` message (generation + mermaid + DOM). */
  ms: number;
  /** Wall-clock milliseconds from postMessage to the `rendered` message. */
  wallMs: number;
  nodes: number;
  edges: number;
  layout: string;
  engine: string;
}

/**
 * Renders each payload in turn in one headless chromium page and reports the times.
 * A warm-up render (3 tasks) runs first so one-time costs (bundle evaluation, first mermaid
 * initialisation) are not charged to the first payload; ELK's first use is included.
 */
export async function renderInChromium(
  payloads: GraphPayload[],
  options: {
    /** Layout for every payload (default 'auto': what the view picks, see renderer.ts). */
    layout?: LayoutOption;
    /** Layout per payload (overrides `layout`), e.g. to interleave dagre and ELK runs. */
    layouts?: LayoutOption[];
    /** Engine for every payload (default 'auto'). */
    engine?: EngineOption;
    /** Engine per payload (overrides `engine`), e.g. to interleave mermaid and direct runs. */
    engines?: EngineOption[];
    theme?: ThemeName;
  } = {},
): Promise<RenderMeasurement[]> {
  const server = await startWebviewServer();
  const browser = await launchChromium();
  try {
    const wp = await openWebview(browser, server, { theme: options.theme });
    await wp.setLayout(options.layout ?? 'auto');
    await wp.setEngine(options.engine ?? 'auto');
    await wp.renderPayload({
      uri: 'file:///warmup.md',
      version: 0,
      title: 'warm-up',
      nodes: ['A', 'B', 'C'].map((id) => ({ id, label: id, defined: true, inCycle: false, critical: false, problems: [], dependencies: [], dependents: [] })),
      edges: [{ from: 'A', to: 'B', source: 'both', critical: false, inCycle: false }],
      cycles: [],
      criticalPath: { tasks: [], hours: 0 },
      steps: [],
    });
    const out: RenderMeasurement[] = [];
    for (const [i, payload] of payloads.entries()) {
      const layout = options.layouts?.[i];
      if (layout) await wp.setLayout(layout);
      const engine = options.engines?.[i];
      if (engine) await wp.setEngine(engine);
      const t0 = Date.now();
      const r = await wp.renderPayload(payload);
      out.push({ ms: r.ms, wallMs: Date.now() - t0, nodes: r.nodes, edges: r.edges, layout: r.layout, engine: r.engine });
    }
    if (wp.errors.length) throw new Error(`page errors: ${wp.errors.join('; ')}`);
    return out;
  } finally {
    await browser.close();
    await server.close();
  }
}

export interface FirstPaint {
  tasks: number;
  /** Milliseconds from the start of the page's navigation to its `rendered` message. */
  ms: number;
  engine: string;
  /** True when the page loaded the engine bundle (mermaid, ELK, dagre) for this drawing. */
  enginesLoaded: boolean;
}

/**
 * The webview's first paint: a fresh page whose stubbed extension answers 'ready' with the graph
 * at once, timed from navigation start to the page's `rendered` message (page time). Median of
 * `runs` fresh pages per payload.
 */
export async function measureFirstPaint(payloads: GraphPayload[], runs = 3): Promise<FirstPaint[]> {
  const server = await startWebviewServer();
  const browser = await launchChromium();
  try {
    const out: FirstPaint[] = [];
    for (const payload of payloads) {
      const times: number[] = [];
      let engine = '';
      let enginesLoaded = false;
      for (let i = 0; i < runs + 1; i++) {
        const before = server.enginesRequests();
        const wp = await openWebview(browser, server, { replyToReady: { type: 'graph', payload } });
        await wp.page.waitForFunction(
          () => (window as unknown as { __posted: { type: string }[] }).__posted.some((m) => m.type === 'rendered'),
          undefined,
          { timeout: 180_000, polling: 20 },
        );
        const ms = await wp.page.evaluate(() => {
          const w = window as unknown as { __posted: { type: string }[]; __postedAt: number[] };
          return w.__postedAt[w.__posted.findIndex((m) => m.type === 'rendered')]!;
        });
        engine = (await wp.page.evaluate(() => document.querySelector<HTMLElement>('.pm-viewport')?.dataset.engine)) ?? '';
        enginesLoaded = server.enginesRequests() > before;
        if (i > 0) times.push(ms); // the first page warms chromium's caches
        await wp.close();
      }
      times.sort((a, b) => a - b);
      out.push({ tasks: payload.nodes.length, ms: times[times.length >> 1]!, engine, enginesLoaded });
    }
    return out;
  } finally {
    await browser.close();
    await server.close();
  }
}

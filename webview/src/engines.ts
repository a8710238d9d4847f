// Loads the drawing engines the webview needs only sometimes: mermaid (graphs under
// DIRECT_THRESHOLD tasks, renderer.ts) and the ELK and dagre layouts (heavyLayouts.ts). They are
// ~8 MB of script, so they live in a second bundle (dist/webview-engines.js, enginesEntry.ts)
// that a graph drawn by the built-in layout never loads. The page's script tag names it
// (data-engines-src, webviewHtml.ts); it is added as a <script> carrying the page's CSP nonce,
// so the strict policy (script-src 'nonce-...') still covers every script that runs.
import type { Mermaid } from 'mermaid' with { 'resolution-mode': 'import' };
import type { layoutWithDagre, layoutWithElk } from './heavyLayouts';

export interface Engines {
  mermaid: Mermaid;
  layoutWithElk: typeof layoutWithElk;
  layoutWithDagre: typeof layoutWithDagre;
}

type EnginesGlobal = { __planmarkEngines?: Engines };

// document.currentScript is only set while the bundle's top level runs: read it now.
const ownScript = typeof document === 'undefined' ? null : (document.currentScript as HTMLScriptElement | null);
const nonce = ownScript?.nonce ?? '';
const enginesSrc = ownScript?.dataset.enginesSrc;

let loading: Promise<Engines> | undefined;

/** The engine bundle, loaded once on first use. */
export function loadEngines(): Promise<Engines> {
  loading ??= new Promise<Engines>((resolve, reject) => {
    const ready = (globalThis as EnginesGlobal).__planmarkEngines;
    if (ready) return resolve(ready);
    if (!enginesSrc) return reject(new Error('the drawing engines are not available (no data-engines-src on the page script)'));
    const script = document.createElement('script');
    script.nonce = nonce;
    script.src = enginesSrc;
    script.addEventListener('load', () => {
      const engines = (globalThis as EnginesGlobal).__planmarkEngines;
      if (engines) resolve(engines);
      else reject(new Error('the drawing engines did not load'));
    });
    script.addEventListener('error', () => reject(new Error('the drawing engines could not be loaded')));
    document.head.append(script);
  });
  // A failed load may be retried on the next drawing.
  loading.catch(() => (loading = undefined));
  return loading;
}

/** True once the engine bundle has been loaded into the page (for tests and the bench). */
export function enginesLoaded(): boolean {
  return !!(globalThis as EnginesGlobal).__planmarkEngines;
}

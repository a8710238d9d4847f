// Builds the HTML of the task graph webview. Pure (no `vscode` import) so tests can serve the
// exact page the extension uses.
//
// Content Security Policy:
// - Scripts: only our bundle, via a per-load nonce. No 'unsafe-inline', no 'unsafe-eval', no
//   inline handlers. Plan text is never executed or parsed as HTML by our code.
// - Styles: `style-src ${cspSource} 'unsafe-inline'` and NO nonce. Mermaid inserts a <style>
//   element into every SVG it renders and sets many `style="..."` attributes (label layout,
//   classDef colours, edge dash patterns). Those cannot carry a nonce; without
//   'unsafe-inline' chromium blocks them and the graph renders as black boxes with no labels.
//   A nonce must not be listed in style-src, because a nonce makes browsers ignore
//   'unsafe-inline'. Inline styles cannot run code, and the stylesheet link below is served
//   from `cspSource` anyway.
// - Images: `data:`/`blob:` so the PNG export can rasterise the SVG through an <img>.
import type { GraphViewState } from '../../../shared/protocol';

export interface WebviewHtmlOptions {
  /** `webview.cspSource` */
  cspSource: string;
  /** Fresh random nonce (base64 or hex) for this page load. */
  nonce: string;
  /** `webview.asWebviewUri(dist/webview.js)` */
  scriptUri: string;
  /** `webview.asWebviewUri(dist/webview-engines.js)`: mermaid, ELK and dagre, loaded by the page only when it draws with them. */
  enginesScriptUri?: string;
  /** `webview.asWebviewUri(dist/webview.css)` */
  styleUri: string;
  /** View state to start from (direction, grouping, filter, zoom, pan). */
  initialState?: GraphViewState;
}

/** Escapes text for a double-quoted HTML attribute value. */
export function escapeHtmlAttribute(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

const NONCE = /^[A-Za-z0-9+/=_-]{16,}$/;

/** Source expressions are space separated; reject anything that could add a directive. */
function cspToken(value: string, what: string): string {
  if (!/^(?:'[a-z-]+'|[^\s;,'"]+)$/.test(value)) throw new Error(`webviewHtml: invalid ${what}`);
  return value;
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  const src = cspSource
    .split(/\s+/)
    .filter(Boolean)
    .map((s) => cspToken(s, 'cspSource'))
    .join(' ');
  if (!NONCE.test(nonce)) throw new Error('webviewHtml: the nonce must be at least 16 base64/hex characters');
  const n = nonce;
  return [
    "default-src 'none'",
    `img-src ${src} data: blob:`,
    `style-src ${src} 'unsafe-inline'`,
    `script-src 'nonce-${n}'`,
    `font-src ${src}`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ') + ';';
}

export function webviewHtml(options: WebviewHtmlOptions): string {
  const { cspSource, nonce, scriptUri, styleUri, initialState, enginesScriptUri } = options;
  const attr = escapeHtmlAttribute;
  const state = initialState
    ? `\n    <meta name="planmark-initial-state" content="${attr(JSON.stringify(initialState))}">`
    : '';
  return `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta http-equiv="Content-Security-Policy" content="${attr(contentSecurityPolicy(cspSource, nonce))}">
    <meta name="viewport" content="width=device-width, initial-scale=1">${state}
    <link rel="stylesheet" href="${attr(styleUri)}" nonce="${attr(nonce)}">
    <title>Task Graph</title>
  </head>
  <body>
    <div id="app" role="application" aria-label="Task dependency graph"></div>
    <script nonce="${attr(nonce)}" src="${attr(scriptUri)}"${enginesScriptUri ? ` data-engines-src="${attr(enginesScriptUri)}"` : ''}></script>
  </body>
</html>
`;
}

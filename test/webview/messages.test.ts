import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { contentSecurityPolicy, webviewHtml } from '../../client/src/graph/webviewHtml';
import { parseExtensionMessage, parseViewState } from '../../webview/src/messages';
import { makePayload } from './payloads';

describe('webview message validation', () => {
  it('accepts the four extension messages', () => {
    const payload = makePayload(4, { cycle: true });
    const g = parseExtensionMessage({ type: 'graph', payload });
    assert.ok(g.ok);
    assert.deepEqual(g.value, { type: 'graph', payload });
    assert.deepEqual(parseExtensionMessage({ type: 'stale', reason: 'x' }), { ok: true, value: { type: 'stale', reason: 'x' } });
    assert.deepEqual(parseExtensionMessage({ type: 'highlight', taskId: null }), { ok: true, value: { type: 'highlight', taskId: null } });
    assert.deepEqual(parseExtensionMessage({ type: 'theme', kind: 'highContrastLight' }), {
      ok: true,
      value: { type: 'theme', kind: 'highContrastLight' },
    });
  });

  it('fills optional node fields and drops unknown ones', () => {
    const r = parseExtensionMessage({
      type: 'graph',
      payload: { uri: 'u', version: 1, nodes: [{ id: 'A', extra: '<script>' }], edges: [] },
    });
    assert.ok(r.ok && r.value.type === 'graph');
    const node = r.value.payload.nodes[0]!;
    assert.equal(node.label, 'A');
    assert.equal(node.defined, true);
    assert.deepEqual(node.problems, []);
    assert.ok(!('extra' in node));
  });

  it('rejects unknown types and malformed shapes', () => {
    const bad: unknown[] = [
      null,
      'graph',
      [],
      { type: 'eval', code: '1' },
      { type: 'graph' },
      { type: 'graph', payload: { uri: 'u', version: 1, nodes: [{ id: 3 }], edges: [] } },
      { type: 'graph', payload: { uri: 'u', version: 1, nodes: [], edges: [{ from: 'a', to: 'b', source: 'css' }] } },
      { type: 'graph', payload: { uri: 'u', version: 1, nodes: [{ id: 'A', problems: [{}] }], edges: [] } },
      { type: 'stale', reason: 42 },
      { type: 'highlight', taskId: {} },
      { type: 'theme', kind: 'solarized' },
    ];
    for (const m of bad) assert.equal(parseExtensionMessage(m).ok, false, JSON.stringify(m));
  });

  it('validates view state', () => {
    const s = { direction: 'LR', groupBySteps: true, filter: 'x', zoom: 0.5, panX: 1, panY: -2 };
    assert.deepEqual(parseViewState({ ...s, junk: 1 }), s);
    assert.equal(parseViewState({ ...s, direction: 'RL' }), undefined);
    assert.equal(parseViewState({ ...s, zoom: 0 }), undefined);
    assert.equal(parseViewState({ ...s, panX: Number.NaN }), undefined);
    assert.equal(parseViewState(null), undefined);
  });
});

describe('webviewHtml', () => {
  const opts = {
    cspSource: 'https://*.vscode-cdn.net',
    nonce: 'abcdefghijklmnopqrstuvwx',
    scriptUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview.js',
    styleUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview.css',
  };

  it('has a strict CSP: nonce-only scripts, inline styles only for mermaid', () => {
    const csp = contentSecurityPolicy(opts.cspSource, opts.nonce);
    assert.equal(
      csp,
      "default-src 'none'; img-src https://*.vscode-cdn.net data: blob:; style-src https://*.vscode-cdn.net 'unsafe-inline'; " +
        "script-src 'nonce-abcdefghijklmnopqrstuvwx'; font-src https://*.vscode-cdn.net; base-uri 'none'; form-action 'none';",
    );
    assert.ok(!/script-src[^;]*(unsafe|https?:|\*)/.test(csp));
    const html = webviewHtml(opts);
    assert.ok(html.includes(`content="${csp.replace(/'/g, '&#39;')}"`));
    assert.ok(html.includes(`<script nonce="${opts.nonce}" src="${opts.scriptUri}"></script>`));
    assert.ok(html.includes('<meta charset="utf-8">'), 'mermaid needs the page decoded as UTF-8');
    assert.equal((html.match(/<script/g) ?? []).length, 1, 'no inline script');
    assert.ok(!/\son[a-z]+=/i.test(html), 'no inline handlers');
  });

  it('escapes the initial state and rejects bad nonces or sources', () => {
    const html = webviewHtml({
      ...opts,
      initialState: { direction: 'TD', groupBySteps: false, filter: '"><script>alert(1)</script>', zoom: 1, panX: 0, panY: 0 },
    });
    assert.ok(!html.includes('<script>alert'));
    assert.ok(html.includes('&quot;&gt;&lt;script&gt;'));
    assert.throws(() => webviewHtml({ ...opts, nonce: 'short' }));
    assert.throws(() => webviewHtml({ ...opts, nonce: "abcdefghijklmnopqrstuvwx' 'unsafe-inline" }));
    assert.throws(() => webviewHtml({ ...opts, cspSource: "https://x; script-src 'unsafe-inline'" }));
  });
});

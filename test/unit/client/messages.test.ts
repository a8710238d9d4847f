import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodePngDataUrl, exportFileName, parseWebviewMessage } from '../../../client/src/graph/messages';

const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]).toString('base64');

describe('webview message validation', () => {
  it('accepts every WebviewToExtensionMessage and copies only known fields', () => {
    const ok = (raw: unknown) => {
      const r = parseWebviewMessage(raw);
      assert.ok(r.ok, JSON.stringify(raw));
      return r.message;
    };
    assert.deepEqual(ok({ type: 'ready', extra: 1 }), { type: 'ready' });
    assert.deepEqual(ok({ type: 'reveal', taskId: 'TASK_001' }), { type: 'reveal', taskId: 'TASK_001' });
    assert.equal(ok({ type: 'exportSvg', svg: '<svg xmlns="http://www.w3.org/2000/svg"></svg>' }).type, 'exportSvg');
    assert.equal(ok({ type: 'exportSvg', svg: '<?xml version="1.0"?>\n<!DOCTYPE svg>\n<svg></svg>' }).type, 'exportSvg');
    assert.equal(ok({ type: 'exportPng', dataUrl: `data:image/png;base64,${png}` }).type, 'exportPng');
    assert.deepEqual(ok({ type: 'copySource', source: 'graph TD\n' }), { type: 'copySource', source: 'graph TD\n' });
    const state = { direction: 'LR', groupBySteps: true, filter: 'TASK', zoom: 1.5, panX: -3, panY: 4 };
    assert.deepEqual(ok({ type: 'state', state: { ...state, evil: true } }), { type: 'state', state });
    assert.deepEqual(ok({ type: 'rendered', nodes: 3, edges: 2, ms: 12.5 }), { type: 'rendered', nodes: 3, edges: 2, ms: 12.5 });
  });

  it('rejects unknown types and malformed payloads', () => {
    const bad = [
      null,
      'ready',
      [],
      {},
      { type: 'eval', code: 'x' },
      { type: 'reveal' },
      { type: 'reveal', taskId: '' },
      { type: 'reveal', taskId: 'x'.repeat(500) },
      { type: 'exportSvg', svg: '<html><script>alert(1)</script></html>' },
      { type: 'exportPng', dataUrl: 'data:text/html;base64,PGh0bWw+' },
      { type: 'exportPng', dataUrl: 'https://example.com/x.png' },
      // A PNG data URL whose bytes are not a PNG.
      { type: 'exportPng', dataUrl: `data:image/png;base64,${Buffer.from('<script>alert(1)</script>').toString('base64')}` },
      { type: 'exportPng', dataUrl: 'data:image/png;base64,iVBORw' },
      { type: 'copySource', source: 42 },
      { type: 'state', state: { direction: 'XX', groupBySteps: true, filter: '', zoom: 1, panX: 0, panY: 0 } },
      { type: 'state', state: { direction: 'TD', groupBySteps: true, filter: '', zoom: Infinity, panX: 0, panY: 0 } },
      { type: 'rendered', nodes: '3', edges: 2, ms: 1 },
    ];
    for (const raw of bad) assert.equal(parseWebviewMessage(raw).ok, false, JSON.stringify(raw));
  });

  it('decodes PNG data URLs only when the bytes are a PNG', () => {
    assert.equal(decodePngDataUrl(`data:image/png;base64,${png}`)?.length, 12);
    assert.equal(decodePngDataUrl(`data:image/png;base64,${Buffer.from('GIF89a').toString('base64')}`), undefined);
  });

  it('names exports after the plan', () => {
    assert.equal(exportFileName('/w/plans/phase-1-auth.md', 'svg'), 'phase-1-auth.graph.svg');
    assert.equal(exportFileName('/w/phase-2-billing.plan.md', 'png'), 'phase-2-billing.graph.png');
    assert.equal(exportFileName('Untitled-1', 'svg'), 'Untitled-1.graph.svg');
  });
});

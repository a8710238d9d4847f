// Activation benchmark in a real VS Code (run by bench/activation.ts, not by the test runs):
// how long `activate()` of the extension takes in a fresh window, and how long after opening a
// plan its first planmark diagnostic arrives (this includes starting the language server, which
// starts lazily with the first plan). Writes the figures as JSON to the file named by
// $PLANMARK_BENCH_ACTIVATION_OUT (set by bench/activation.ts on the runner, which passes its
// environment to code-server and so to the extension host). No timing assertions.
//   PLANMARK_BENCH_ACTIVATION_OUT=/tmp/a.json node scripts/vscode-test/run.mjs --suite test/vscode/suite-bench
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';

const EXTENSION_ID = 'planmark.planmark';

/** Resolves when `uri` has a planmark diagnostic (checked on every diagnostics change). */
function firstPlanmarkDiagnostic(uri: vscode.Uri, timeoutMs: number): Promise<void> {
  const has = () => vscode.languages.getDiagnostics(uri).some((d) => d.source === 'planmark');
  return new Promise((resolve, reject) => {
    if (has()) return resolve();
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`no planmark diagnostic for ${uri.path} within ${timeoutMs} ms`));
    }, timeoutMs);
    const sub = vscode.languages.onDidChangeDiagnostics((e) => {
      if (e.uris.some((u) => u.toString() === uri.toString()) && has()) {
        clearTimeout(timer);
        sub.dispose();
        resolve();
      }
    });
  });
}

describe('activation benchmark', () => {
  it('measures activate() and the time to the first diagnostic', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `extension ${EXTENSION_ID} is installed`);
    // Nothing Markdown is open yet, so nothing has activated it (onLanguage:markdown).
    const wasActive = ext.isActive;

    const t0 = performance.now();
    await ext.activate();
    const activateMs = performance.now() - t0;

    const uri = vscode.Uri.joinPath(ext.extensionUri, 'test', 'fixtures', 'vscode', 'diagnostics-demo.plan.md');
    const t1 = performance.now();
    const diagnostic = firstPlanmarkDiagnostic(uri, 60_000);
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document);
    await diagnostic;
    const firstDiagnosticMs = performance.now() - t1;

    const result = {
      activateMs: Math.round(activateMs * 10) / 10,
      firstDiagnosticMs: Math.round(firstDiagnosticMs * 10) / 10,
      totalMs: Math.round((activateMs + firstDiagnosticMs) * 10) / 10,
      wasActive,
      plan: path.basename(uri.path),
      vscodeVersion: vscode.version,
      backend: process.env.PLANMARK_TEST_BACKEND ?? 'unknown',
    };
    console.log(`activation benchmark: ${JSON.stringify(result)}`);
    const out = process.env.PLANMARK_BENCH_ACTIVATION_OUT;
    if (out) {
      fs.mkdirSync(path.dirname(out), { recursive: true });
      fs.writeFileSync(out, JSON.stringify(result, null, 2) + '\n');
    }
  });
});

// Smoke test in a real VS Code: the extension is there and activates when a plan is opened.
import * as assert from 'node:assert';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { screenshot } from '../harness';

const EXTENSION_ID = 'planmark.planmark';

function fixture(name: string): vscode.Uri {
  const root = process.env.PLANMARK_REPO_ROOT ?? path.resolve(__dirname, '..', '..', '..');
  return vscode.Uri.file(path.join(root, 'test', 'fixtures', name));
}

async function waitFor(cond: () => boolean, timeoutMs: number): Promise<boolean> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > timeoutMs) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
  return true;
}

describe('activation', () => {
  it(`the extension ${EXTENSION_ID} is installed`, () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} not found among ${vscode.extensions.all.map((e) => e.id).filter((id) => !id.startsWith('vscode.')).join(', ')}`);
  });

  it('activates when a plan is opened', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext);
    const doc = await vscode.workspace.openTextDocument(fixture('template.plan.md'));
    await vscode.window.showTextDocument(doc);
    assert.strictEqual(doc.languageId, 'markdown');
    // By its activation event (onLanguage:markdown), without being asked.
    const active = await waitFor(() => ext.isActive, 20_000);
    if (!active) {
      // Activating by hand surfaces the activation error, if any.
      await ext.activate();
    }
    assert.ok(active, 'the extension did not activate by itself on opening a plan');
    assert.ok(ext.isActive);
    await screenshot('vscode-activation');
  });
});

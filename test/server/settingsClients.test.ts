// Settings from clients other than VS Code, through the bundled server over stdio: a client
// without workspace/configuration pushes them (didChangeConfiguration, initializationOptions)
// in the shapes editors send; a client with it is asked per workspace folder (scopeUri) and
// each folder's plans follow their own folder's settings.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CompletionRequest, DidChangeConfigurationNotification, type CompletionItem, type CompletionList, type PublishDiagnosticsParams } from 'vscode-languageserver-protocol/node';
import { LspClient } from './lspClient';

const PLAN = [
  '# Implementation Plan: Settings',
  '',
  '## Task Breakdown with Dependencies',
  '',
  '| Task | Depends On | Estimated Hours |',
  '|---|---|---|',
  '| TASK_001 | None | 2 |',
  '| TASK_002 | TASK_099 | 3 |',
  '| STEP-7 | None | 1 |',
  '',
].join('\n');

const codesOf = (p: PublishDiagnosticsParams) => p.diagnostics.map((d) => String(d.code));
const has = (code: string) => (p: PublishDiagnosticsParams) => codesOf(p).includes(code);
const lacks = (code: string) => (p: PublishDiagnosticsParams) => p.diagnostics.length > 0 && !codesOf(p).includes(code);

function labels(result: CompletionList | CompletionItem[] | null): string[] {
  return (Array.isArray(result) ? result : result?.items ?? []).map((i) => i.label);
}

const clients: LspClient[] = [];
after(() => {
  for (const c of clients) c.kill();
});

async function started(options: Parameters<LspClient['initialize']>[0]): Promise<LspClient> {
  const client = LspClient.start();
  clients.push(client);
  await client.initialize(options);
  return client;
}

describe('a client without workspace/configuration', () => {
  it('pushes settings in didChangeConfiguration ({ planmark: {...} }) and they take effect', async () => {
    const client = await started({ configuration: false });
    const uri = 'file:///work/push/a.plan.md';
    await client.open(uri, PLAN);
    await client.diagnostics(uri, 'unknown-task for TASK_099 with the default settings', has('unknown-task'));
    await client.connection.sendNotification(DidChangeConfigurationNotification.type, {
      settings: { planmark: { diagnostics: { 'unknown-task': 'off' }, requiredSections: [] } },
    });
    const published = await client.diagnostics(uri, 'no unknown-task once it is turned off', (p) => !codesOf(p).includes('unknown-task'));
    assert.ok(!codesOf(published).includes('missing-section'), `requiredSections: [] was honoured too: ${codesOf(published)}`);
    assert.deepEqual(client.configurationRequests, [], 'the server never asks a client that cannot answer');
  });

  it('accepts dotted keys ("planmark.taskIdPattern") as in a settings.json', async () => {
    const client = await started({ configuration: false });
    const uri = 'file:///work/push/b.plan.md';
    await client.open(uri, PLAN);
    await client.diagnostics(uri, 'the first diagnostics', () => true);
    await client.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: { 'planmark.taskIdPattern': 'STEP-\\d+' } });
    // With STEP-N as the task ID pattern, completion in a Depends On cell offers STEP-7 only.
    const cell = { line: 7, character: '| TASK_002 | '.length };
    let offered: string[] = [];
    for (let i = 0; i < 50 && !offered.includes('STEP-7'); i++) {
      offered = labels(await client.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: cell }));
      if (!offered.includes('STEP-7')) await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(offered.includes('STEP-7'), `completion offers STEP-7: ${offered.join(', ')}`);
    assert.ok(!offered.includes('TASK_001'), `TASK_001 is no task ID under STEP-\\d+: ${offered.join(', ')}`);
  });

  it('takes settings from initializationOptions', async () => {
    const client = await started({ configuration: false, initializationOptions: { planmark: { diagnostics: { 'unknown-task': 'off' } } } });
    const uri = 'file:///work/push/c.plan.md';
    await client.open(uri, PLAN);
    const published = await client.diagnostics(uri, 'diagnostics', (p) => p.diagnostics.length > 0);
    assert.ok(!codesOf(published).includes('unknown-task'), codesOf(published).join(', '));
  });
});

describe('a client with workspace/configuration', () => {
  it('is asked per workspace folder (scopeUri), and each folder uses its own settings', async () => {
    const quiet = 'file:///work/multi/quiet';
    const strict = 'file:///work/multi/strict';
    const client = LspClient.start();
    clients.push(client);
    client.configurationAnswer = (item) => (item.scopeUri === quiet ? { diagnostics: { 'unknown-task': 'off' } } : null);
    await client.initialize({ configuration: true, workspaceFolders: [quiet, strict] });
    await client.waitFor('a workspace/configuration request', () => client.configurationRequests.length > 0);
    assert.deepEqual(client.configurationRequests[0], [
      { section: 'planmark' },
      { scopeUri: quiet, section: 'planmark' },
      { scopeUri: strict, section: 'planmark' },
    ]);
    await client.open(`${quiet}/x.plan.md`, PLAN);
    await client.open(`${strict}/x.plan.md`, PLAN);
    await client.diagnostics(`${strict}/x.plan.md`, 'unknown-task in the strict folder', has('unknown-task'));
    await client.diagnostics(`${quiet}/x.plan.md`, 'no unknown-task in the quiet folder', lacks('unknown-task'));
  });
});

// Workspace-wide requests honour $/cancelRequest. A workspace of many plans, each depending on
// Phase 1/TASK_001: find references, rename, workspace symbols and the Plans view go over
// every plan of it.
//  - Over stdio (the bundled server, as an editor drives it): each request, cancelled, is
//    answered with RequestCancelled (-32800), and so is the task graph of the plan all the
//    others depend on; the same requests not cancelled get every plan.
//  - In process (WorkspaceServer, the handlers' code): a cancellation that arrives while the loop
//    over the plans runs stops it there. The token turns cancelled when it is asked for the k-th
//    time, half-way through the loop, with no clock involved; the work stops at that check.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import {
  LSPErrorCodes,
  ReferencesRequest,
  RenameRequest,
  ResponseError,
  WorkspaceSymbolRequest,
  type CancellationToken,
  type Connection,
  type Location,
  type WorkspaceEdit,
} from 'vscode-languageserver/node';
import { TaskGraphRequest, WorkspacePlansRequest, type WorkspacePlansResult } from '../../shared/protocol';
import { DEFAULT_SETTINGS } from '../../shared/settings';
import { parsePlan, type Plan } from '../../server/src/plan';
import { WorkspaceServer } from '../../server/src/workspaceServer';
import { LspClient, positionOf } from './lspClient';

const PLANS = 120;
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'planmark-cancel-ws-'));
const folder = path.join(scratch, 'project');
const fileOf = (n: number) => path.join(folder, 'plans', `phase-${n}.plan.md`);
const uriOf = (n: number) => pathToFileURL(fileOf(n)).href;

/** Phase n: TASK_001 and TASK_002; from phase 2 on, TASK_001 depends on Phase 1/TASK_001. */
function planText(n: number): string {
  return [
    `# Implementation Plan: Phase ${n} - Part ${n}`,
    '',
    '## Overview',
    `- **Phase:** ${n}`,
    `- **Phase Name:** Part ${n}`,
    '',
    '## Task Breakdown with Dependencies',
    '',
    '| Task | Depends On | Estimated Hours |',
    '|------|-----------|----------------|',
    `| TASK_001 | ${n === 1 ? 'None' : 'Phase 1/TASK_001'} | 2 |`,
    '| TASK_002 | TASK_001 | 3 |',
    '',
  ].join('\n');
}

const isCancelled = (error: unknown) => {
  assert.ok(error instanceof ResponseError, String(error));
  assert.equal(error.code, LSPErrorCodes.RequestCancelled);
  return true;
};

before(() => {
  fs.mkdirSync(path.join(folder, 'plans'), { recursive: true });
  for (let n = 1; n <= PLANS; n++) fs.writeFileSync(fileOf(n), planText(n));
});
after(() => fs.rmSync(scratch, { recursive: true, force: true }));

describe('workspace-wide requests over stdio, cancelled', () => {
  let client: LspClient;
  const phase1 = planText(1);
  const onTask = positionOf(phase1, '| TASK_001 |', 4);

  before(async () => {
    client = LspClient.start();
    await client.initialize({ configuration: false, workspaceFolders: [pathToFileURL(folder).href], workspaceClient: true });
    await client.waitFor('the indexing progress to end', () => client.progress.some((p) => p.value.kind === 'end'));
    await client.open(uriOf(1), phase1);
  });
  after(() => client?.kill());

  test('find references, rename, workspace symbols and the Plans view answer RequestCancelled', async () => {
    const textDocument = { uri: uriOf(1) };
    const cancelled = LSPErrorCodes.RequestCancelled;
    assert.equal(await client.sendCancelled(ReferencesRequest.method, { textDocument, position: onTask, context: { includeDeclaration: true } }), cancelled);
    assert.equal(await client.sendCancelled(RenameRequest.method, { textDocument, position: onTask, newName: 'TASK_100' }), cancelled);
    assert.equal(await client.sendCancelled(WorkspaceSymbolRequest.method, { query: 'TASK' }), cancelled);
    assert.equal(await client.sendCancelled(WorkspacePlansRequest.method, null), cancelled);
    assert.equal(await client.sendCancelled(TaskGraphRequest.method, { uri: uriOf(1) }), cancelled);
  });

  test('the same requests, not cancelled, cover every plan of the workspace', async () => {
    const textDocument = { uri: uriOf(1) };
    const refs = (await client.within(
      client.connection.sendRequest(ReferencesRequest.type, { textDocument, position: onTask, context: { includeDeclaration: true } }),
      'references',
    )) as Location[];
    // The declaration, TASK_002's dependency on it, and one cross-plan reference in each other plan.
    assert.equal(refs.length, 2 + (PLANS - 1));
    assert.equal(new Set(refs.map((l) => l.uri)).size, PLANS);
    const edit = (await client.within(
      client.connection.sendRequest(RenameRequest.type, { textDocument, position: onTask, newName: 'TASK_100' }),
      'rename',
    )) as WorkspaceEdit;
    assert.equal(Object.keys(edit.changes ?? {}).length, PLANS);
    const symbols = await client.within(client.connection.sendRequest(WorkspaceSymbolRequest.type, { query: 'TASK_002' }), 'workspace symbols');
    assert.equal(symbols?.length, PLANS);
    const view = (await client.within(client.connection.sendRequest(WorkspacePlansRequest), 'the Plans view')) as WorkspacePlansResult;
    assert.equal(view.plans.length, PLANS);
  });
});

describe('workspace-wide work stops at the check after a cancellation arrives', () => {
  let workspace: WorkspaceServer;
  let plan1: Plan;
  const handlers = new Map<string, (params: unknown, token: CancellationToken) => unknown>();

  /**
   * A token whose client cancels when the token is asked for the `cancelAt`-th time (never when
   * undefined); `asked` counts how often the work asked.
   */
  function tokenCancelledAt(cancelAt?: number): CancellationToken & { asked: number } {
    const token = {
      asked: 0,
      get isCancellationRequested() {
        token.asked++;
        return cancelAt !== undefined && token.asked >= cancelAt;
      },
      onCancellationRequested: () => ({ dispose: () => undefined }),
    };
    return token;
  }

  before(async () => {
    // The parts of a connection the workspace server uses; handlers are kept to be called.
    const connection = {
      onDidChangeWatchedFiles: () => undefined,
      onWorkspaceSymbol: (handler: (params: unknown, token: CancellationToken) => unknown) => handlers.set('workspace/symbol', handler),
      onRequest: (method: string, handler: (params: unknown, token: CancellationToken) => unknown) => handlers.set(method, handler),
      sendNotification: async () => undefined,
      client: { register: async () => undefined },
      window: {
        createWorkDoneProgress: async () => {
          throw new Error('no progress in this test');
        },
      },
    } as unknown as Connection;
    plan1 = parsePlan(planText(1), { uri: uriOf(1) });
    workspace = new WorkspaceServer(
      {
        connection,
        settings: () => DEFAULT_SETTINGS,
        roots: () => [folder],
        parse: async (uri, text, kind) => parsePlan(text, { uri, kind }),
        openPlan: async (uri) => (uri === plan1.uri ? plan1 : undefined),
        openUris: () => [plan1.uri],
        republish: () => undefined,
        publishNow: async () => undefined,
        log: () => undefined,
      },
      { processId: null, rootUri: null, capabilities: {}, workspaceFolders: null },
    );
    await workspace.start();
    assert.equal(workspace.index.size, PLANS);
  });
  after(() => workspace?.dispose());

  /**
   * Runs `work` with a token never cancelled (it must ask at least once per plan), then with one
   * cancelled half-way: RequestCancelled, and the token not asked again after it said yes.
   */
  async function stopsHalfWay(what: string, work: (token: CancellationToken) => Promise<unknown>): Promise<void> {
    const full = tokenCancelledAt();
    await work(full);
    assert.ok(full.asked >= PLANS, `${what}: the token is asked between plans (${full.asked} times for ${PLANS} plans)`);
    const half = Math.floor(full.asked / 2);
    const token = tokenCancelledAt(half);
    await assert.rejects(work(token), isCancelled, what);
    assert.equal(token.asked, half, `${what}: the work stopped at the check that saw the cancellation`);
  }

  const onTask = () => plan1.lines.positionAt(plan1.taskById.get('TASK_001')!.idSpan.start);

  test('find references', () => stopsHalfWay('references', (token) => workspace.references(plan1, onTask(), true, token)));

  test('rename', () => stopsHalfWay('rename', (token) => workspace.rename(plan1, onTask(), 'TASK_100', token)));

  test('workspace symbols', () =>
    stopsHalfWay('workspace symbols', async (token) => handlers.get('workspace/symbol')!({ query: 'TASK' }, token)));

  test('the Plans view (findings across every plan)', () =>
    stopsHalfWay('the Plans view', async (token) => handlers.get(WorkspacePlansRequest.method)!(undefined, token)));

});

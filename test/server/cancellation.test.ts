// Long requests honour $/cancelRequest: a task graph asked for while a large plan is still being
// parsed, then cancelled, is answered with RequestCancelled instead of a graph nobody wants;
// the same request, not cancelled, gets its graph.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { CancellationTokenSource, LSPErrorCodes, ResponseError } from 'vscode-languageserver-protocol/node';
import { generatePlan } from '../../bench/generatePlan';
import { TaskGraphRequest } from '../../shared/protocol';
import { LspClient } from './lspClient';

let client: LspClient;
const uri = 'file:///work/cancel/big.plan.md';

before(async () => {
  client = LspClient.start();
  await client.initialize({ configuration: false });
});
after(() => client.kill());

test('a task graph request cancelled while the plan is parsed is answered with RequestCancelled', async () => {
  // 2,000 tasks: parsed in the background for far longer than the cancellation takes to arrive.
  await client.open(uri, generatePlan(2000).text);
  const source = new CancellationTokenSource();
  const answer = client.connection.sendRequest(TaskGraphRequest, { uri }, source.token);
  setTimeout(() => source.cancel(), 20);
  await assert.rejects(answer, (error: unknown) => {
    assert.ok(error instanceof ResponseError, String(error));
    assert.equal(error.code, LSPErrorCodes.RequestCancelled);
    return true;
  });
  const graph = await client.connection.sendRequest(TaskGraphRequest, { uri });
  assert.equal(graph?.nodes.length, 2000);
});

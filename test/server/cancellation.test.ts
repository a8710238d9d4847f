// Long requests honour $/cancelRequest: a task graph request of a 2,000-task plan just opened,
// cancelled by the client, is answered with RequestCancelled instead of a graph nobody wants;
// the same request, not cancelled, gets its graph. The request and its cancellation reach the
// server in one write (LspClient.sendCancelled), so the server has both before it can answer,
// whatever the machine's speed: a cancellation sent after a delay would race the server.
// Work cancelled part-way (workspace-wide loops) is tested in workspaceCancellation.test.ts.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { LSPErrorCodes } from 'vscode-languageserver-protocol/node';
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

test('a task graph request cancelled by the client is answered with RequestCancelled; the next one gets the graph', async () => {
  await client.open(uri, generatePlan(2000).text);
  assert.equal(await client.sendCancelled(TaskGraphRequest.method, { uri }), LSPErrorCodes.RequestCancelled);
  const graph = await client.within(client.connection.sendRequest(TaskGraphRequest, { uri }), 'the task graph');
  assert.equal(graph?.nodes.length, 2000);
});

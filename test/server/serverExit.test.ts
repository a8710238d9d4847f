// An exception outside every handler: the server exits (code 1) instead of running on in an
// unknown state, so that the client restarts it (the VS Code suite checks the restart).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { LspClient } from './lspClient';
import { TestUncaughtExceptionNotification } from '../../shared/protocol';

let client: LspClient | undefined;
after(() => client?.kill());

test('the server exits with code 1 on an uncaught exception, and says why on stderr', async () => {
  process.env.PLANMARK_TEST_HOOKS = '1'; // inherited by the server process
  client = LspClient.start();
  delete process.env.PLANMARK_TEST_HOOKS;
  await client.initialize({ configuration: false });
  await client.connection.sendNotification(TestUncaughtExceptionNotification.method);
  // 'close': the process has exited and its stderr is read to the end.
  await new Promise((resolve) => client!.child.once('close', resolve));
  assert.equal(client.exitCode, 1, client.stderr.join(''));
  assert.match(client.stderr.join(''), /uncaught Error: planmark test hook/);
});

// Workspace index benchmark: a workspace of 200 plans (50 tasks each) read by the bundled
// server over stdio. Measures the first read (no cache), a restart (cache by mtime+size),
// the slowest answer to a request sent every 20 ms while the first read runs, and the server's
// heap with the index against an empty workspace.
//   npx tsx bench/workspaceIndex.ts [plans=200] [tasks=50]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { WorkspaceSymbolRequest } from 'vscode-languageserver-protocol/node';
import { StatsRequest, type ServerStats } from '../shared/protocol';
import { LspClient } from '../test/server/lspClient';
import { generatePlan } from './generatePlan';

const PLANS = Number(process.argv[2] ?? 200);
const TASKS = Number(process.argv[3] ?? 50);

async function run(folder: string, storage: string, probe: boolean) {
  const client = LspClient.start();
  const started = Date.now();
  await client.initialize({ configuration: false, workspaceFolders: [pathToFileURL(folder).href], initializationOptions: { storagePath: storage }, workspaceClient: true });
  const latencies: number[] = [];
  let done = false;
  const prober = (async () => {
    while (probe && !done) {
      const t0 = Date.now();
      await client.connection.sendRequest(WorkspaceSymbolRequest.type, { query: 'TASK_0042' });
      latencies.push(Date.now() - t0);
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  await client.waitFor('indexing to end', () => client.progress.some((p) => p.value.kind === 'end'));
  const ms = Date.now() - started;
  done = true;
  await prober;
  await client.waitFor('the index log line', () => client.messages.some((m) => m.includes('workspace index:')));
  const line = client.messages.find((m) => m.includes('workspace index:'))!;
  const stats = await client.connection.sendRequest<ServerStats>(StatsRequest.method, {});
  const symbols = await client.connection.sendRequest(WorkspaceSymbolRequest.type, { query: 'TASK_0042' });
  await client.shutdown();
  return { ms, line, stats, latencies, symbols: (symbols ?? []).length };
}

async function main() {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'planmark-bench-ws-'));
  try {
    const folder = path.join(scratch, 'ws');
    const empty = path.join(scratch, 'empty');
    fs.mkdirSync(path.join(folder, 'docs', 'plans'), { recursive: true });
    fs.mkdirSync(empty);
    const { text } = generatePlan(TASKS);
    for (let i = 1; i <= PLANS; i++) {
      fs.writeFileSync(path.join(folder, 'docs', 'plans', `phase-${i}.plan.md`), text.replace('- **Phase:** 3', `- **Phase:** ${i}`));
    }
    const base = await run(empty, path.join(scratch, 'storage-empty'), false);
    const first = await run(folder, path.join(scratch, 'storage'), true);
    const second = await run(folder, path.join(scratch, 'storage'), false);
    const sorted = [...first.latencies].sort((a, b) => a - b);
    const mb = (n: number) => `${(n / 1048576).toFixed(1)} MB`;
    console.log(`workspace of ${PLANS} plans x ${TASKS} tasks (${(text.length / 1024).toFixed(0)} KiB each)`);
    console.log(`first read (no cache): ${first.ms} ms from initialize to the end of the progress; ${first.line.replace(/^log: /, '')}`);
    console.log(`restart (cache):       ${second.ms} ms; ${second.line.replace(/^log: /, '')}`);
    console.log(
      `workspace/symbol during the first read: ${sorted.length} requests, median ${sorted[Math.floor(sorted.length / 2)]} ms, ` +
        `max ${sorted[sorted.length - 1]} ms; after it: ${first.symbols} symbols for TASK_0042`,
    );
    console.log(`server heap: ${mb(first.stats.heapUsed)} with the index, ${mb(base.stats.heapUsed)} empty workspace (rss ${mb(first.stats.rss)} / ${mb(base.stats.rss)})`);
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

void main();

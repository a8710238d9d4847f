// The differential property of the incremental model, through the real language server over
// stdio: after any burst of edits (careless typing in cells, Enter mid-table, `|` under a table,
// rows moved, blocks pasted, fences opened, definitions and disable comments added or removed,
// prefixes, line endings, emoji before IDs, several changes in one notification), the published
// diagnostics, document symbols and folding ranges equal those of a fresh server given the final
// text in one didOpen.
//
// Fixed seeds by default; `npm run fuzz` (or PLANMARK_FUZZ_SECONDS) adds a time-boxed random run
// that prints its seed and case count. fast-check shrinks a failure to a short edit sequence,
// printed as the base text's name and the changes (replay: PLANMARK_FUZZ_SEED + PLANMARK_FUZZ_PATH).
import { after, before, describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { DocumentSymbolRequest, FoldingRangeRequest, type PublishDiagnosticsParams } from 'vscode-languageserver-protocol/node';
import { generatePlan } from '../../bench/generatePlan';
import { burstArbitrary, notificationsOf, positionAt, type Change, type Edit } from './editSequences';
import { LspClient } from '../server/lspClient';
import { FIXTURES } from './harness';

const WAIT_MS = 60_000;
const FIXED_SEED = 20261203;
const FIXED_RUNS = 24;

/** What a client sees of one document. */
interface View {
  diagnostics: PublishDiagnosticsParams['diagnostics'];
  symbols: unknown;
  folding: unknown;
}

/** A server over stdio (test/server/lspClient.ts) that publishes every version: no debounce. */
async function startServer(): Promise<LspClient> {
  const server = LspClient.start();
  server.waitMs = WAIT_MS;
  server.configurationAnswer = () => ({ diagnosticsDelay: 0 });
  await server.initialize({ configuration: true });
  await server.waitFor('the configuration request', () => server.configurationRequests.length > 0);
  return server;
}

/** One didChange whose changes are offsets into the text each previous change left. */
async function change(server: LspClient, uri: string, changes: Change[]): Promise<number> {
  let current = server.text(uri);
  return server.change(
    uri,
    changes.map((c) => {
      const range = { start: positionAt(current, c.start), end: positionAt(current, c.end) };
      current = current.slice(0, c.start) + c.text + current.slice(c.end);
      return { range, text: c.text };
    }),
  );
}

/** The diagnostics published for `version`, then the document symbols and folding ranges. */
async function view(server: LspClient, uri: string, version: number): Promise<View> {
  const { diagnostics } = await server.diagnostics(uri, `version ${version}`, (p) => p.version === version);
  // Forget what was read: a burst that changes nothing reopens the same version in the fresh server.
  server.published.length = 0;
  const symbols = await server.within(server.connection.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri } }), 'documentSymbol');
  const folding = await server.within(server.connection.sendRequest(FoldingRangeRequest.type, { textDocument: { uri } }), 'foldingRange');
  return { diagnostics, symbols, folding };
}

// ---- Base texts ----

const read = (name: string) => fs.readFileSync(path.join(FIXTURES, name), 'utf8');
const SMALL_TABLES = [
  '# Implementation Plan: Phase 1 - Tables',
  '',
  '## Implementation Sequence',
  '',
  '### Step 1: Start',
  '**Tasks:** [TASK_001, TASK_002]',
  '',
  '## Task Breakdown with Dependencies',
  '',
  '| Task | Depends On | Estimated Hours |',
  '|------|-----------|----------------|',
  '| TASK_001 | None | 2 |',
  '| TASK_002 | TASK_001 | Y |',
  '',
  '| TASK_003 | TASK_002 | 3 |',
  'P',
  '',
  'See [Why in this order] and [Name].',
  '',
  '| Task | Depends On |',
  '|---|---|',
  '',
  'Q TASK_001',
  '',
].join('\n');

const BASES: { name: string; text: string }[] = [
  { name: 'generatePlan(4)', text: generatePlan(4).text },
  { name: 'generatePlan(12)', text: generatePlan(12).text },
  { name: 'generatePlan(12) CRLF', text: generatePlan(12, { eol: '\r\n' }).text },
  { name: 'template.plan.md', text: read('template.plan.md') },
  { name: 'filled.plan.md', text: read('filled.plan.md') },
  { name: 'filled-crlf.plan.md', text: read('filled-crlf.plan.md') },
  { name: 'small tables', text: SMALL_TABLES },
  { name: 'issue reproduction', text: '| Task | Depends On | Estimated Hours |\n|------|-----------|----------------|\n\n| TASK_002 | TASK_001 | Y |\n' },
  {
    name: 'filled.plan.md, mixed line endings',
    text: (() => {
      let i = 0;
      return read('filled.plan.md').replace(/\n/g, () => (i++ % 3 === 0 ? '\r\n' : '\n'));
    })(),
  },
  {
    // Rows a blank line split off a table: a paragraph of pipe lines, edited without remark.
    name: 'split-off rows',
    text: '## Task Breakdown with Dependencies\n\n| Task | Depends On | Estimated Hours |\n|------|-----------|----------------|\n| TASK_001 | None | 2 |\n\n| TASK_002 | TASK_001 | 3 |\n| TASK_003 | TASK_002 | Y |\n| TASK_004 | TASK_009 | 1 |\n\nAfter TASK_003.\n',
  },
];

interface Case {
  base: number;
  bursts: Edit[][];
}

const caseArbitrary: fc.Arbitrary<Case> = fc
  .record({ base: fc.nat({ max: BASES.length - 1 }), bursts: fc.array(burstArbitrary, { minLength: 1, maxLength: 4 }) })
  .map((c) => ({ ...c, [fc.toStringMethod]: () => describeCase(c) }));

function describeCase(c: Case): string {
  let text = BASES[c.base].text;
  const lines = [`base: ${BASES[c.base].name}`];
  c.bursts.forEach((burst, i) => {
    lines.push(`burst ${i + 1}: ${JSON.stringify(burst)}`);
    for (const n of notificationsOf(text, burst)) {
      lines.push(`  didChange ${JSON.stringify(n.changes)}`);
      text = n.text;
    }
  });
  return lines.join('\n');
}

let uriCounter = 0;

async function runCase(incremental: LspClient, fresh: LspClient, c: Case): Promise<void> {
  const uri = `file:///work/p${++uriCounter}.plan.md`;
  let text = BASES[c.base].text;
  let version = 1;
  await incremental.open(uri, text, version);
  // The model exists once the first diagnostics are out: edits from here on are incremental.
  let got = await view(incremental, uri, version);
  try {
    for (const [index, burst] of c.bursts.entries()) {
      // A burst whose edits change nothing (a line ending replaced by the same one) sends no
      // notification, so no new publication comes: the last view still holds for this text.
      const notifications = notificationsOf(text, burst);
      for (const n of notifications) {
        version = await change(incremental, uri, n.changes);
        text = n.text;
        assert.equal(incremental.text(uri), text, "the client mirrors the text the burst left");
      }
      if (notifications.length > 0) got = await view(incremental, uri, version);
      await fresh.open(uri, text, version);
      const want = await view(fresh, uri, version);
      await fresh.close(uri);
      assert.deepStrictEqual(got.diagnostics, want.diagnostics, `diagnostics differ after burst ${index + 1}`);
      assert.deepStrictEqual(got.symbols, want.symbols, `document symbols differ after burst ${index + 1}`);
      assert.deepStrictEqual(got.folding, want.folding, `folding ranges differ after burst ${index + 1}`);
    }
  } finally {
    await incremental.close(uri);
  }
}

const property = (incremental: LspClient, fresh: LspClient) => fc.asyncProperty(caseArbitrary, (c) => runCase(incremental, fresh, c));

fc.configureGlobal({ includeErrorInReport: true });

describe('differential: edits through the server equal a fresh open of the final text', () => {
  let incremental: LspClient;
  let fresh: LspClient;
  before(async () => {
    [incremental, fresh] = await Promise.all([startServer(), startServer()]);
  });
  after(() => {
    incremental?.kill();
    fresh?.kill();
  });

  test(`random edit bursts (fixed seed, ${FIXED_RUNS} cases)`, async () => {
    await fc.assert(property(incremental, fresh), { seed: FIXED_SEED, numRuns: FIXED_RUNS });
  });

  // The reproductions and the regressions the property found, each as its shrunk sequence.
  test('`|` typed on the blank line under a table (the rows below join it)', async () => {
    const burst: Edit[] = [{ kind: 'pipe-under-table', a: 0, b: 0, pick: 0, join: false, charByChar: true }];
    await runCase(incremental, fresh, { base: BASES.findIndex((b) => b.name === 'small tables'), bursts: [burst] });
    await runCase(incremental, fresh, { base: BASES.findIndex((b) => b.name === 'issue reproduction'), bursts: [burst] });
  });

  test('a burst that changes nothing (a line ending replaced by the same one) is compared too (random seed 1037225353)', async () => {
    const burst: Edit[] = [{ kind: 'line-ending', a: 2829, b: 6701, pick: 15, join: false, charByChar: true }];
    await runCase(incremental, fresh, { base: BASES.findIndex((b) => b.name === 'issue reproduction'), bursts: [burst, burst] });
  });

  test('a link reference definition added at the end of the template, then the heading using its label edited', async () => {
    const bursts: Edit[][] = [
      [
        { kind: 'definition', a: 0, b: 0, pick: 0, join: false, charByChar: false },
        { kind: 'type-heading', a: 0, b: 0, pick: 3, join: false, charByChar: false },
      ],
      [{ kind: 'type-cell', a: 0, b: 0, pick: 0, join: false, charByChar: true }],
    ];
    await runCase(incremental, fresh, { base: BASES.findIndex((b) => b.name === 'generatePlan(4)'), bursts });
    await runCase(incremental, fresh, { base: BASES.findIndex((b) => b.name === 'template.plan.md'), bursts });
  });

  test('a plan over the inline-parse limit, parsed on the worker, edited while it parses', async () => {
    const big = { name: 'generatePlan(700)', text: generatePlan(700).text };
    BASES.push(big);
    try {
      const bursts: Edit[][] = [
        [
          { kind: 'enter-row', a: 300, b: 1, pick: 1, join: false, charByChar: false },
          { kind: 'type-cell', a: 120, b: 5, pick: 2, join: false, charByChar: false },
        ],
        [{ kind: 'paste', a: 900, b: 0, pick: 1, join: false, charByChar: false }],
        [{ kind: 'pipe-under-table', a: 0, b: 0, pick: 1, join: false, charByChar: true }],
      ];
      await runCase(incremental, fresh, { base: BASES.length - 1, bursts });
    } finally {
      BASES.pop();
    }
  });
});

// ---- Time-boxed run with a random seed (npm run fuzz) ----

function fuzzSeconds(): number {
  const raw = process.env.PLANMARK_FUZZ_SECONDS;
  if (raw !== undefined && raw !== '') return Math.max(0, Number(raw) || 0);
  return process.env.npm_lifecycle_event === 'fuzz' ? 300 : 0;
}

describe('differential: random seed, time-boxed', () => {
  const seconds = fuzzSeconds();
  const replaySeed = process.env.PLANMARK_FUZZ_SEED;
  const seed = replaySeed !== undefined && replaySeed !== '' ? Number(replaySeed) : (Date.now() ^ (Math.random() * 0x7fffffff)) | 0;
  const replayPath = process.env.PLANMARK_FUZZ_PATH || undefined;
  test(`random seed for ${seconds} s (PLANMARK_FUZZ_SECONDS)`, { skip: seconds === 0 ? 'PLANMARK_FUZZ_SECONDS=0 (npm run fuzz runs it)' : false }, async (t: TestContext) => {
    const [incremental, fresh] = await Promise.all([startServer(), startServer()]);
    try {
      const details = await fc.check(property(incremental, fresh), {
        seed,
        path: replayPath,
        numRuns: replayPath ? 1 : Number.MAX_SAFE_INTEGER,
        interruptAfterTimeLimit: seconds * 1000,
        markInterruptAsFailure: false,
      });
      t.diagnostic(`differential fuzz: seed ${seed}, ${details.numRuns} cases in ${seconds} s (replay with PLANMARK_FUZZ_SEED=${seed})`);
      console.log(`differential fuzz: seed ${seed}, ${details.numRuns} cases in ${seconds} s`);
      if (details.failed) {
        assert.fail(`failed with seed ${seed}. Replay: PLANMARK_FUZZ_SEED=${seed} PLANMARK_FUZZ_PATH=${details.counterexamplePath} node --import tsx --test test/robustness/differential.test.ts\n${fc.defaultReportMessage(details)}`);
      }
    } finally {
      incremental.kill();
      fresh.kill();
    }
  });
});

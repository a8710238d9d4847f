// Conformance of our flowchart parser with mermaid's own: a generated corpus of flowcharts
// (shapes, classes, chains, `&`, edge labels, link kinds, subgraphs, comments, directions,
// and broken variants) goes through mermaid's jison parser and through ours.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseMermaidFlowchart } from '../../../server/src/plan/mermaid';
import { DEFAULT_TASK_ID_PATTERN } from '../../../server/src/plan/types';

interface MermaidFlowDb {
  clear?: () => void;
  getEdges(): { start: string; end: string }[];
}
interface MermaidFlowDiagram {
  db: MermaidFlowDb;
  parser: { parse(text: string): unknown; parser: { yy: unknown } };
}

const mermaidDist = path.join(path.dirname(require.resolve('mermaid/package.json')), 'dist', 'chunks', 'mermaid.core');

/**
 * The flowchart diagram lives in a hashed chunk whose name changes between mermaid releases:
 * find the one that defines the flowchart database and exports `diagram`.
 */
function findFlowchartChunk(): string {
  for (const name of fs.readdirSync(mermaidDist).sort()) {
    if (!name.endsWith('.mjs')) continue;
    const text = fs.readFileSync(path.join(mermaidDist, name), 'utf8');
    if (/\bFlowDB\b/.test(text) && /export\s*\{[^}]*\bdiagram\b[^}]*\}/.test(text)) return path.join(mermaidDist, name);
  }
  throw new Error(`no chunk in ${mermaidDist} exports the flowchart diagram`);
}

async function loadMermaidFlowchart(): Promise<MermaidFlowDiagram> {
  // Without a DOM, dompurify's default export is a factory lacking addHook/sanitize; mermaid
  // calls them on every label. Labels here are plain words, so pass-through stand-ins suffice.
  const purify = (await import('dompurify')) as unknown as { default: Record<string, unknown> };
  const dompurify = purify.default;
  if (typeof dompurify.addHook !== 'function') {
    dompurify.addHook = () => undefined;
    dompurify.removeHook = () => undefined;
    dompurify.removeAllHooks = () => undefined;
    dompurify.sanitize = (text: string) => text;
  }
  const chunk = (await import(pathToFileURL(findFlowchartChunk()).href)) as { diagram: MermaidFlowDiagram };
  return chunk.diagram;
}

/** Small deterministic PRNG (mulberry32) so the corpus is the same on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const HEADERS = ['graph TD', 'graph LR', 'flowchart TB', 'flowchart RL', 'graph BT', 'flowchart LR', 'graph TB', 'flowchart TD'];
const IDS = ['A', 'B', 'C', 'D', 'E', 'n1', 'TASK_001', 'TASK_002', 'TASK_003', 'task_x'];
const SHAPES: [string, string][] = [
  ['[', ']'], ['(', ')'], ['{', '}'], ['((', '))'], ['[[', ']]'], ['[(', ')]'], ['>', ']'], ['{{', '}}'],
  ['[/', '/]'], ['[\\', '\\]'], ['([', '])'], ['[/', '\\]'],
];
const LABELS = ['TASK_001', 'Build it', 'x', 'Deploy API', 'TASK_004 review', 'step two'];
const LINKS = [
  '-->', '---', '==>', '-.->', '-- text -->', '-->|text|', '== big ==>', '-. maybe .->', '--o', '--x', '<-->',
  '---->', '-->|two words|', '===', '-.-', '~~~',
];

function generateChart(random: () => number): string {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const node = (): string => {
    let text = pick(IDS);
    if (random() < 0.5) {
      const [open, close] = pick(SHAPES);
      text += `${open}${pick(LABELS)}${close}`;
    }
    if (random() < 0.2) text += ':::crit';
    return text;
  };
  const group = (): string => (random() < 0.2 ? `${node()} & ${node()}` : node());
  const statement = (): string => {
    let text = group();
    const links = Math.floor(random() * 3) + (random() < 0.1 ? 0 : 1);
    for (let i = 0; i < links; i++) {
      const link = pick(LINKS);
      const tight = text.endsWith(':::crit') && random() < 0.5 && !link.startsWith('<');
      text += `${tight ? '' : ' '}${link} ${group()}`;
    }
    return text + (random() < 0.15 ? ';' : '');
  };
  const lines = [pick(HEADERS)];
  if (random() < 0.2) lines.unshift('%% generated');
  const count = 1 + Math.floor(random() * 5);
  for (let i = 0; i < count; i++) {
    const roll = random();
    if (roll < 0.15) {
      lines.push(random() < 0.5 ? `  subgraph s${i} [Phase ${i}]` : `  subgraph s${i}`);
      lines.push(`    ${statement()}`);
      if (random() < 0.3) lines.push('    direction LR');
      lines.push('  end');
    } else if (roll < 0.25) {
      lines.push(`  %% note ${i} --> not an edge`);
    } else if (roll < 0.3) {
      lines.push('  classDef crit fill:#f96');
    } else {
      lines.push(`  ${statement()}`);
    }
  }
  return lines.join('\n');
}

/** Breaks a chart the ways people do: lost brackets, dangling arrows, bad keywords. */
function breakChart(chart: string, random: () => number): string {
  const lines = chart.split('\n');
  const body = lines.findIndex((line) => /^(graph|flowchart)\b/.test(line)) + 1;
  const at = body + Math.floor(random() * Math.max(1, lines.length - body));
  const line = lines[at] ?? '';
  switch (Math.floor(random() * 7)) {
    case 0: { // drop a closing bracket
      const index = Math.max(line.lastIndexOf(']'), line.lastIndexOf(')'), line.lastIndexOf('}'));
      if (index >= 0) lines[at] = line.slice(0, index) + line.slice(index + 1);
      else lines.push('  A[unclosed');
      break;
    }
    case 1: // dangling arrow
      lines.splice(at + 1, 0, `  ${IDS[at % IDS.length]} -->`);
      break;
    case 2: // bad keyword
      lines[body - 1] = lines[body - 1].replace(/^(graph|flowchart)/, random() < 0.5 ? 'grap' : 'flowchar');
      break;
    case 3: // stray character
      lines[at] = `${line.slice(0, Math.floor(line.length / 2))}${'|>]&:'[Math.floor(random() * 5)]}${line.slice(Math.floor(line.length / 2))}`;
      break;
    case 4: // unbalanced opening
      lines.splice(at + 1, 0, '  B((double --> C');
      break;
    case 5: // edge label never closed
      lines.splice(at + 1, 0, '  A -->|open B');
      break;
    default: // subgraph without end, or end without subgraph
      lines.push(random() < 0.5 ? '  subgraph lost' : '  end');
      break;
  }
  return lines.join('\n');
}

function corpus(): string[] {
  const random = prng(12);
  const charts: string[] = [];
  for (let i = 0; i < 400; i++) {
    const chart = generateChart(random);
    charts.push(random() < 0.35 ? breakChart(chart, random) : chart);
  }
  return charts;
}

describe('mermaid conformance (generated flowcharts vs mermaid 11 parser)', () => {
  let mermaid: MermaidFlowDiagram;
  before(async () => {
    mermaid = await loadMermaidFlowchart();
  });

  function mermaidEdges(chart: string): string[] | Error {
    // mermaid strips `%%` comment lines before the diagram parser sees the text
    // (cleanupComments in mermaid's src/diagram-api/comments.ts).
    const text = chart.replace(/^\s*%%(?!{)[^\n]+\n?/gm, '').trimStart();
    const db = mermaid.db; // a getter: a fresh FlowDB per parse
    db.clear?.();
    mermaid.parser.parser.yy = db;
    try {
      mermaid.parser.parse(text);
    } catch (error) {
      return error as Error;
    }
    return db.getEdges().map((edge) => `${edge.start}->${edge.end}`);
  }

  it('agrees with mermaid on which charts are broken and which edges they build', () => {
    const charts = corpus();
    const falseErrors: string[] = [];
    const edgeMismatches: string[] = [];
    const silentOnRejected: string[] = [];
    let accepted = 0;
    for (const chart of charts) {
      const theirs = mermaidEdges(chart);
      const ours = parseMermaidFlowchart(chart, DEFAULT_TASK_ID_PATTERN);
      const ourError = ours !== undefined && ours.problems.length > 0;
      if (theirs instanceof Error) {
        if (!ourError) silentOnRejected.push(chart);
        continue;
      }
      accepted++;
      if (!ours || ourError) {
        falseErrors.push(`${chart}\n  ours: ${ours ? ours.problems.map((p) => p.message).join('; ') : 'not a flowchart'}`);
        continue;
      }
      const ourEdges = ours.edges.map((edge) => `${edge.from}->${edge.to}`);
      if (JSON.stringify([...ourEdges].sort()) !== JSON.stringify([...theirs].sort())) {
        edgeMismatches.push(`${chart}\n  ours:    ${ourEdges.join(' ')}\n  mermaid: ${theirs.join(' ')}`);
      }
    }
    console.log(
      `mermaid conformance: ${charts.length} charts, ${accepted} accepted by mermaid, ` +
        `${falseErrors.length} false syntax errors, ${edgeMismatches.length} edge mismatches, ` +
        `${silentOnRejected.length} rejected by mermaid where we are silent`,
    );
    for (const chart of silentOnRejected.slice(0, 5)) console.log(`silent on rejected chart:\n${chart}\n`);
    assert.ok(accepted > charts.length / 3, 'the corpus must be mostly valid charts');
    assert.ok(accepted < charts.length, 'the corpus must contain broken charts');
    assert.deepEqual(edgeMismatches, []);
    assert.deepEqual(falseErrors, [], 'we report a syntax error where mermaid accepts');
    assert.deepEqual(edgeMismatches, [], 'our edges differ from the edges mermaid builds');
  });
});

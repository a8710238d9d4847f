import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import type { GraphPayload } from '../../shared/protocol';
import { escapeMermaidLabel, filterTasks, graphToMermaid, slackByTask, type GraphView } from '../../webview/src/graphToMermaid';
import { HOSTILE_LABELS, hostilePayload, makePayload, taskId } from './payloads';

const VIEW: GraphView = { direction: 'TD', groupBySteps: false, filter: '' };

/** Every line the generator may emit. Labels: letters, digits, spaces, `#123;` entities, `<br/>`. */
const LABEL = String.raw`"(?:[\p{L}\p{N} ]|#\d+;|<br/>)*"`;
const STATEMENTS = [
  /^flowchart (TD|LR)$/u,
  new RegExp(String.raw`^ {2,4}n\d+\[${LABEL}\]$`, 'u'),
  new RegExp(String.raw`^ {2}subgraph s\d+\[${LABEL}\]$`, 'u'),
  /^ {2}end$/u,
  /^ {2}n\d+ (-->|-\.->) n\d+$/u,
  /^ {2}classDef pm[A-Za-z]+ [a-z-]+:[#0-9a-z. ]+(,[a-z-]+:[#0-9a-z. ]+)*$/u,
  /^ {2}class n\d+(,n\d+)* pm[A-Za-z]+$/u,
  /^ {2}linkStyle \d+(,\d+)* [a-z-]+:[#0-9a-z. ]+(,[a-z-]+:[#0-9a-z. ]+)*$/u,
];

function assertWellFormed(source: string): void {
  const lines = source.split('\n');
  assert.equal(lines.pop(), '', 'source ends with a newline');
  for (const line of lines) {
    assert.ok(STATEMENTS.some((re) => re.test(line)), `unexpected line: ${JSON.stringify(line)}`);
  }
}

/** Decodes the labels of `source` the way mermaid does (entity codes -> characters). */
function labels(source: string): string[] {
  return [...source.matchAll(/\["([^"]*)"\]/g)].map((m) =>
    m[1]!.split('<br/>')
      .map((part) => part.replace(/#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n))))
      .join('\n'),
  );
}

function outsideLabels(source: string): string {
  return source.replace(/\["[^"]*"\]/g, '[]');
}

describe('graphToMermaid', () => {
  it('emits safe node IDs, a header with the direction and one line per node and edge', () => {
    const p = makePayload(5);
    const g = graphToMermaid(p, VIEW);
    assertWellFormed(g.source);
    assert.match(g.source, /^flowchart TD\n/);
    assert.equal(g.nodeCount, 5);
    assert.equal(g.edgeCount, p.edges.length);
    assert.deepEqual([...g.nodeIds.keys()], ['n0', 'n1', 'n2', 'n3', 'n4']);
    assert.deepEqual([...g.nodeIds.values()], p.nodes.map((n) => n.id));
    assert.ok(!/TASK_/.test(outsideLabels(g.source)), 'task IDs appear only inside labels');
    assert.equal(graphToMermaid(p, { ...VIEW, direction: 'LR' }).source.split('\n')[0], 'flowchart LR');
  });

  it('labels show the ID, hours and the label', () => {
    const p = makePayload(2);
    p.nodes[0]!.label = 'Set up schema';
    p.nodes[1]!.hours = 1.5;
    p.nodes[1]!.label = p.nodes[1]!.id;
    const [a, b] = labels(graphToMermaid(p, VIEW).source);
    assert.equal(a, 'TASK_001 \u00b7 1h\nSet up schema');
    assert.equal(b, 'TASK_002 \u00b7 1.5h');
  });

  it('draws single-source edges dashed with a link style, agreed ones solid', () => {
    const p = makePayload(3);
    p.edges = [
      { from: taskId(0), to: taskId(1), source: 'both', critical: false, inCycle: false },
      { from: taskId(1), to: taskId(2), source: 'table', critical: false, inCycle: false },
      { from: taskId(0), to: taskId(2), source: 'mermaid', critical: false, inCycle: false },
    ];
    const g = graphToMermaid(p, VIEW);
    assert.match(g.source, /^ {2}n0 --> n1$/m);
    assert.match(g.source, /^ {2}n1 -\.-> n2$/m);
    assert.match(g.source, /^ {2}n0 -\.-> n2$/m);
    assert.match(g.source, /^ {2}linkStyle 1,2 stroke-dasharray:6 4$/m);
    assert.deepEqual(g.edges.map((e) => [e.index, e.fromNode, e.toNode, e.source]), [
      [0, 'n0', 'n1', 'both'],
      [1, 'n1', 'n2', 'table'],
      [2, 'n0', 'n2', 'mermaid'],
    ]);
  });

  it('puts cycle and undefined tasks in the error class and highlights the critical path', () => {
    const p = makePayload(6, { cycle: true, undefinedTask: true });
    const g = graphToMermaid(p, VIEW);
    assertWellFormed(g.source);
    const node = (id: string) => g.taskNodes.get(id)!;
    const classOf = (cls: string) =>
      new Set([...g.source.matchAll(new RegExp(`^ {2}class ([n0-9,]+) ${cls}$`, 'gm'))].flatMap((m) => m[1]!.split(',')));
    const errors = classOf('pmError');
    assert.ok(errors.has(node('TASK_002')) && errors.has(node('TASK_003')), 'cycle nodes are errors');
    assert.ok(errors.has(node('UNDEFINED_TASK')), 'undefined task is an error');
    assert.ok(classOf('pmCycle').has(node('TASK_002')));
    assert.ok(classOf('pmUndefined').has(node('UNDEFINED_TASK')));
    const critical = classOf('pmCritical');
    for (const id of p.criticalPath.tasks) if (!p.nodes.find((n) => n.id === id)!.inCycle) assert.ok(critical.has(node(id)), id);
    const criticalEdges = g.edges.filter((e) => e.critical && !e.inCycle).map((e) => e.index);
    assert.ok(criticalEdges.length > 0);
    const styled = [...g.source.matchAll(/^ {2}linkStyle ([0-9,]+) stroke:#d18616,stroke-width:3px/gm)].flatMap((m) => m[1]!.split(',').map(Number));
    for (const i of criticalEdges) assert.ok(styled.includes(i), `critical edge ${i} styled`);
    assert.match(g.source, /classDef pmError stroke:#e51400/);
  });

  it('adds placeholder nodes for edge ends missing from the node list and drops duplicate edges', () => {
    const p = makePayload(2);
    p.edges.push({ from: 'GHOST', to: taskId(0), source: 'mermaid', critical: false, inCycle: false });
    p.edges.push({ ...p.edges[0]! });
    const g = graphToMermaid(p, VIEW);
    assert.equal(g.nodeCount, 3);
    assert.equal(g.edgeCount, 2);
    assert.ok(g.taskNodes.has('GHOST'));
    assert.match(g.source, new RegExp(`class [n0-9,]*${g.taskNodes.get('GHOST')}[n0-9,]* pmUndefined`));
  });

  it('groups tasks into one subgraph per step', () => {
    const p = makePayload(12, { perStep: 5 });
    const g = graphToMermaid(p, { ...VIEW, groupBySteps: true });
    assertWellFormed(g.source);
    const subgraphs = [...g.source.matchAll(/^ {2}subgraph (s\d+)\["([^"]*)"\]$/gm)];
    assert.equal(subgraphs.length, 3);
    assert.deepEqual(labels(subgraphs.map((m) => `["${m[2]}"]`).join('')), ['Step 1: Phase 1', 'Step 2: Phase 2', 'Step 3: Phase 3']);
    // The first subgraph holds n0..n4.
    const first = g.source.slice(g.source.indexOf('subgraph s0'), g.source.indexOf('  end'));
    assert.deepEqual([...first.matchAll(/^ {4}(n\d+)\[/gm)].map((m) => m[1]), ['n0', 'n1', 'n2', 'n3', 'n4']);
    // Without grouping: no subgraph.
    assert.ok(!/subgraph/.test(graphToMermaid(p, VIEW).source));
  });

  // The filter used to keep every ancestor and descendant of a match, so on a connected plan it
  // kept almost everything (1,000 of 1,001 tasks for one ID); it now narrows to the matches,
  // optionally with their direct neighbours (issue #14).
  it('filters to the matching tasks, optionally with their direct neighbours', () => {
    // Chain 0 -> 1 -> 2 -> 3, plus 4 depending on 0 and 5 isolated.
    const p = makePayload(6);
    p.edges = [
      [0, 1],
      [1, 2],
      [2, 3],
      [0, 4],
    ].map(([a, b]) => ({ from: taskId(a!), to: taskId(b!), source: 'both' as const, critical: false, inCycle: false }));
    const shown = (filter: string, neighbours = false) => [...graphToMermaid(p, { ...VIEW, filter, neighbours }).nodeIds.values()];
    assert.deepEqual(shown('task_002'), [taskId(1)]);
    assert.deepEqual(shown('task_002', true), [taskId(0), taskId(1), taskId(2)]);
    assert.deepEqual(shown('TASK_005', true), [taskId(0), taskId(4)]);
    assert.deepEqual(shown('TASK_006', true), [taskId(5)]);
    assert.equal(shown('').length, 6);
    // Substring of a label.
    p.nodes[3]!.label = 'Write the Release notes';
    assert.deepEqual(shown('release'), [taskId(3)]);
    assert.deepEqual(shown('release', true), [taskId(2), taskId(3)]);
    const none = graphToMermaid(p, { ...VIEW, filter: 'no such thing' });
    assert.equal(none.nodeCount, 0);
    assert.equal(none.filterMatched, false);
    assert.match(graphToMermaid(p, { ...VIEW, filter: 'TASK_002', neighbours: true }).source, /class n1 pmMatch/);
    assert.deepEqual(filterTasks(p, '  ').keep, null);
  });

  it('only writes validated hex colours into classDef and linkStyle', () => {
    const p = makePayload(4, { cycle: true });
    const g = graphToMermaid(p, VIEW, { error: 'red;} click n0 call evil() %%', critical: '#abcdef', match: 'url(x)' });
    assertWellFormed(g.source);
    assert.match(g.source, /classDef pmError stroke:#e51400/);
    assert.match(g.source, /classDef pmCritical stroke:#abcdef/);
    assert.ok(!/evil|url\(/.test(g.source));
  });
});

describe('graphToMermaid with hostile plan text', () => {
  const p: GraphPayload = hostilePayload();
  for (const view of [VIEW, { ...VIEW, groupBySteps: true }, { ...VIEW, direction: 'LR' as const, filter: 'TASK_00' }]) {
    it(`produces only whitelisted statements (${JSON.stringify(view)})`, () => {
      const g = graphToMermaid(p, view);
      assertWellFormed(g.source);
      const outside = outsideLabels(g.source);
      assert.ok(!/click|call|href|%%|init|securityLevel|evil|<|>|`|"|onerror|script|javascript/i.test(outside.replace(/-\.?->/g, "")), outside);
      assert.ok(!g.source.includes('%%'), 'no comment or directive');
      assert.ok(!/\bclick\b/.test(outside));
    });
  }

  it('keeps the hostile text inside entity-escaped labels, where it round-trips as plain text', () => {
    const g = graphToMermaid(p, VIEW);
    for (const hostile of HOSTILE_LABELS) {
      const raw = hostile.replace(/[\u202a-\u202e]/g, '').replace(/\s+/g, ' ').trim();
      // Never raw in the source (every hostile label has at least one escaped character).
      assert.ok(!g.source.includes(raw), `raw text found: ${raw}`);
      const expected = escapeMermaidLabel(hostile);
      assert.ok(g.source.includes(expected), `escaped label missing for ${raw}`);
      assert.ok(/^(?:[\p{L}\p{N} ]|#\d+;)*$/u.test(expected), expected);
    }
    const decoded = labels(g.source).join('\n');
    assert.ok(decoded.includes('<img src=x onerror="window.__pwned=1">'));
    assert.ok(decoded.includes('"]; click TASK_001 call evil()'));
    assert.ok(decoded.includes('%%{init: {"securityLevel":"loose"}}%%'));
    assert.ok(decoded.includes('line one line two click n0 href "javascript:window.__pwned=2"'), 'newlines collapsed');
  });

  it('escapes every character mermaid or HTML treat specially', () => {
    for (const ch of ['"', "'", '[', ']', '(', ')', '{', '}', '<', '>', '&', '#', ';', ':', '%', '`', '|', '\\', '*', '_', '~', '=', '-', '.', ',', '@', '$', '\u00b0', '\u00b6']) {
      assert.equal(escapeMermaidLabel(`a${ch}b`), `a#${ch.codePointAt(0)};b`, ch);
    }
    assert.equal(escapeMermaidLabel('a\n\t b'), 'a b');
    assert.equal(escapeMermaidLabel('Straße 東京 42'), 'Straße 東京 42');
    assert.equal(escapeMermaidLabel('\uFB02\u00b0\u00b060\u00b6\u00df'), '#64258;#176;#176;60#182;\u00df', 'mermaid entity placeholders cannot be forged');
    assert.equal(escapeMermaidLabel('fa:fa-user'), 'fa#8288;#58;fa#45;user', 'no font-awesome icon syntax');
    assert.equal(escapeMermaidLabel('ab\u202ecd'), 'abcd', 'bidi overrides removed');
    assert.equal(Array.from(labels(`["${escapeMermaidLabel('x'.repeat(500))}"]`)[0]!).length, 80, 'long labels truncated');
  });
});

describe('overview, focus and slack', () => {
  it('collapses steps into one node each with counts, hours, problems and critical share, and aggregates edges', () => {
    const p = makePayload(30, { perStep: 10, cycle: true });
    const g = graphToMermaid(p, { ...VIEW, collapse: { expanded: new Set() } });
    assert.equal(g.nodeCount, 3, 'three steps, three nodes');
    assert.equal(g.groupNodes.size, 3);
    const first = g.model.nodes[0]!;
    assert.equal(first.group, 'Step 1: Phase 1');
    assert.ok(first.lines.includes(`10 tasks \u00b7 ${p.nodes.slice(0, 10).reduce((s, n) => s + (n.hours ?? 0), 0)}h`), first.lines.join(' | '));
    assert.ok(first.lines.some((l) => /2 problems/.test(l)), 'the cycle tasks\u2019 problems are counted');
    assert.ok(first.classes.includes('pmError'), 'a step holding a cycle shows the error colour');
    // Every task edge between two steps is in one weighted edge; edges inside a step are gone.
    const crossing = p.edges.filter((e) => Math.floor((Number(e.from.slice(5)) - 1) / 10) !== Math.floor((Number(e.to.slice(5)) - 1) / 10));
    assert.equal(g.model.edges.reduce((s, e) => s + (e.weight ?? 1), 0), crossing.length);
    assert.ok(g.model.edges.every((e) => e.fromNode !== e.toNode));
    // An expanded step keeps its tasks in a box; the others stay collapsed.
    const open = graphToMermaid(p, { ...VIEW, collapse: { expanded: new Set(['Step 2: Phase 2']) } });
    assert.equal(open.nodeCount, 12);
    assert.deepEqual(open.model.clusters.map((c) => c.title), ['Step 2: Phase 2']);
  });

  it('focuses on a task and its neighbourhood to a depth', () => {
    const p = makePayload(40);
    const ids = (depth: number) => new Set(graphToMermaid(p, { ...VIEW, focus: { task: taskId(20), depth } }).nodeIds.values());
    assert.deepEqual([...ids(0)], [taskId(20)]);
    const one = ids(1);
    for (const e of p.edges) {
      if (e.to === taskId(20)) assert.ok(one.has(e.from));
      if (e.from === taskId(20)) assert.ok(one.has(e.to));
    }
    assert.ok(ids(3).size > one.size);
    assert.ok(ids(3).size < 40);
  });

  it('says a chain is critical once and shows slack instead of painting every node', () => {
    const p = makePayload(12);
    for (const n of p.nodes) n.critical = n.id !== taskId(11);
    p.criticalPath = { tasks: p.nodes.slice(0, 11).map((n) => n.id), hours: 50 };
    const g = graphToMermaid(p, VIEW);
    assert.equal(g.mostlyCritical, true);
    assert.ok(g.model.nodes.every((n) => !n.classes.includes('pmCritical')));
    assert.ok(g.model.edges.every((e) => !e.critical));
    const few = makePayload(12);
    assert.equal(graphToMermaid(few, VIEW).mostlyCritical, false);
  });

  it('computes slack in hours from the longest paths', () => {
    // a(2) -> b(3) -> d(1); a -> c(1) -> d: c can slip 2h.
    const node = (id: string, hours: number) => ({ id, label: id, hours, defined: true, inCycle: false, critical: false, problems: [], dependencies: [], dependents: [] });
    const edge = (from: string, to: string) => ({ from, to, source: 'both' as const, critical: false, inCycle: false });
    const slack = slackByTask({ nodes: [node('a', 2), node('b', 3), node('c', 1), node('d', 1)], edges: [edge('a', 'b'), edge('b', 'd'), edge('a', 'c'), edge('c', 'd')] });
    assert.deepEqual(Object.fromEntries(slack), { a: 0, b: 0, c: 2, d: 0 });
  });
});

describe('progress and cross-plan tasks', () => {
  it('marks done, next, parallel and external tasks', () => {
    const p = makePayload(5);
    p.nodes[0]!.status = 'done';
    p.nodes[1]!.next = true;
    p.nodes[2]!.parallel = true;
    p.nodes[3]!.external = { phase: '3', plan: 'Phase 3: Billing' };
    const g = graphToMermaid(p, VIEW);
    const [a, b, c, d] = g.model.nodes;
    assert.ok(a!.classes.includes('pmDone') && a!.lines[0]!.startsWith('\u2713 '));
    assert.ok(b!.classes.includes('pmNext') && /next/.test(b!.lines[0]!));
    assert.ok(c!.classes.includes('pmParallel') && c!.lines[0]!.includes('\u2016'));
    assert.ok(d!.classes.includes('pmExternal') && d!.lines.includes('Phase 3: Billing'));
    assertWellFormed(g.source);
  });
});

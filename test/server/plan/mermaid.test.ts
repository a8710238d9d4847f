import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseMermaidFlowchart } from '../../../server/src/plan/mermaid';
import { DEFAULT_TASK_ID_PATTERN, type MermaidFlowchart, type Span } from '../../../server/src/plan/types';

function parse(source: string, pattern = DEFAULT_TASK_ID_PATTERN): MermaidFlowchart {
  const fc = parseMermaidFlowchart(source, pattern);
  assert.ok(fc, 'expected a flowchart');
  checkInvariants(source, fc);
  return fc;
}

function slice(source: string, span: Span | undefined): string | undefined {
  return span && source.slice(span.start, span.end);
}

function edgeList(fc: MermaidFlowchart): string[] {
  return fc.edges.map((e) => `${e.from}->${e.to}`);
}

function node(fc: MermaidFlowchart, alias: string) {
  const n = fc.nodes.find((x) => x.alias === alias);
  assert.ok(n, `no node ${alias}`);
  return n;
}

function spanOk(source: string, span: Span): void {
  assert.ok(Number.isInteger(span.start) && Number.isInteger(span.end), 'integer span');
  assert.ok(span.start >= 0 && span.start <= span.end && span.end <= source.length, `span ${JSON.stringify(span)} out of range`);
}

/** Structural guarantees that hold for every input. */
function checkInvariants(source: string, fc: MermaidFlowchart): void {
  const aliases = new Set(fc.nodes.map((n) => n.alias));
  assert.equal(aliases.size, fc.nodes.length, 'unique aliases');
  for (const n of fc.nodes) {
    spanOk(source, n.aliasSpan);
    assert.equal(slice(source, n.aliasSpan), n.alias);
    if (n.labelSpan) {
      spanOk(source, n.labelSpan);
      assert.equal(slice(source, n.labelSpan), n.label);
    }
    if (n.taskIdSpan) {
      spanOk(source, n.taskIdSpan);
      assert.equal(slice(source, n.taskIdSpan), n.taskId);
    }
  }
  for (const e of fc.edges) {
    assert.ok(aliases.has(e.from) && aliases.has(e.to), 'edge references known aliases');
    for (const s of [e.fromSpan, e.toSpan, e.span]) spanOk(source, s);
    assert.equal(slice(source, e.fromSpan), e.from);
    assert.equal(slice(source, e.toSpan), e.to);
    assert.ok(e.span.start === e.fromSpan.start && e.span.end >= e.toSpan.end);
  }
  for (const o of fc.aliasOccurrences) {
    spanOk(source, o.span);
    assert.ok(aliases.has(o.alias));
    assert.equal(slice(source, o.span), o.alias);
  }
  for (const p of fc.problems) {
    spanOk(source, p.span);
    assert.equal(typeof p.message, 'string');
  }
}

function assertClean(source: string): MermaidFlowchart {
  const fc = parse(source);
  assert.deepEqual(fc.problems, [], `unexpected problems in:\n${source}\n${JSON.stringify(fc.problems)}`);
  return fc;
}

const TEMPLATE = `graph TD
    A[TASK_001] --> B[TASK_002]
    B --> C[TASK_003]
    B --> D[TASK_004]
    C --> E[TASK_005]
    D --> E
`;

describe('parseMermaidFlowchart: header', () => {
  it('returns undefined for other diagrams and empty input', () => {
    assert.equal(parseMermaidFlowchart('sequenceDiagram\n  A->>B: hi', DEFAULT_TASK_ID_PATTERN), undefined);
    assert.equal(parseMermaidFlowchart('', DEFAULT_TASK_ID_PATTERN), undefined);
    assert.equal(parseMermaidFlowchart('\n  \n%% only a comment\n', DEFAULT_TASK_ID_PATTERN), undefined);
    assert.equal(parseMermaidFlowchart('graphTD\nA-->B', DEFAULT_TASK_ID_PATTERN), undefined);
    assert.equal(parseMermaidFlowchart('pie title x\n "a": 1', DEFAULT_TASK_ID_PATTERN), undefined);
    assert.equal(parseMermaidFlowchart('---\ntitle: x\n', DEFAULT_TASK_ID_PATTERN), undefined);
  });

  it('reads keyword and direction', () => {
    for (const d of ['TD', 'TB', 'BT', 'RL', 'LR'] as const) {
      assert.equal(parse(`graph ${d}\nA-->B`).direction, d);
      const f = parse(`flowchart ${d}\nA-->B`);
      assert.equal(f.direction, d);
      assert.equal(f.keyword, 'flowchart');
    }
    assert.equal(parse('graph\nA-->B').direction, 'TB');
    assert.equal(parse('flowchart').direction, 'TB');
    assert.equal(parse('graph TD;A-->B;B-->C').keyword, 'graph');
    assert.deepEqual(edgeList(parse('graph TD;A-->B;B-->C')), ['A->B', 'B->C']);
    assert.equal(parse('flowchart-elk LR\nA-->B').keyword, 'flowchart');
  });

  it('skips blank lines, comments, directives and front matter before the header', () => {
    const src = '\n---\ntitle: Plan\nconfig:\n  theme: dark\n---\n%% comment\n%%{init: {"theme": "dark"}}%%\n%%{\n  init: {}\n}%%\n  flowchart LR\n  A --> B\n';
    const f = assertClean(src);
    assert.equal(f.direction, 'LR');
    assert.deepEqual(edgeList(f), ['A->B']);
  });

  it('reports an unknown direction and text after the direction', () => {
    const f = parse('graph XY\nA-->B');
    assert.equal(f.problems.length, 1);
    assert.equal(f.direction, 'TB');
    assert.deepEqual(edgeList(f), ['A->B']);
    const g = parse('graph TD A-->B');
    assert.equal(g.problems.length, 1);
  });
});

describe('parseMermaidFlowchart: template block', () => {
  it('parses nodes, task IDs and edges with exact spans', () => {
    const f = assertClean(TEMPLATE);
    assert.equal(f.keyword, 'graph');
    assert.equal(f.direction, 'TD');
    assert.deepEqual(
      f.nodes.map((n) => [n.alias, n.label, n.taskId]),
      [
        ['A', 'TASK_001', 'TASK_001'],
        ['B', 'TASK_002', 'TASK_002'],
        ['C', 'TASK_003', 'TASK_003'],
        ['D', 'TASK_004', 'TASK_004'],
        ['E', 'TASK_005', 'TASK_005'],
      ],
    );
    assert.deepEqual(edgeList(f), ['A->B', 'B->C', 'B->D', 'C->E', 'D->E']);
    assert.ok(f.edges.every((e) => e.kind === 'solid' && e.label === undefined));
    const a = node(f, 'A');
    assert.equal(a.aliasSpan.start, TEMPLATE.indexOf('A['));
    assert.equal(a.taskIdSpan!.start, TEMPLATE.indexOf('TASK_001'));
    assert.equal(slice(TEMPLATE, f.edges[0].span), 'A[TASK_001] --> B[TASK_002]');
    assert.equal(slice(TEMPLATE, f.edges[4].span), 'D --> E');
    // B appears three times, E twice.
    assert.equal(f.aliasOccurrences.filter((o) => o.alias === 'B').length, 3);
    assert.equal(f.aliasOccurrences.filter((o) => o.alias === 'E').length, 2);
    assert.equal(f.aliasOccurrences.length, 10);
  });

  it('gives the same spans with CRLF line endings', () => {
    const crlf = TEMPLATE.replace(/\n/g, '\r\n');
    const f = assertClean(crlf);
    assert.deepEqual(edgeList(f), ['A->B', 'B->C', 'B->D', 'C->E', 'D->E']);
    const e = node(f, 'E');
    assert.equal(slice(crlf, e.taskIdSpan), 'TASK_005');
    assert.equal(e.taskIdSpan!.start, crlf.indexOf('TASK_005'));
    assert.equal(slice(crlf, f.edges[4].span), 'D --> E');
  });
});

describe('parseMermaidFlowchart: node shapes', () => {
  const shapes: [string, string][] = [
    ['A[label x]', 'label x'],
    ['A(label x)', 'label x'],
    ['A([label x])', 'label x'],
    ['A[[label x]]', 'label x'],
    ['A[(label x)]', 'label x'],
    ['A((label x))', 'label x'],
    ['A(((label x)))', 'label x'],
    ['A>label x]', 'label x'],
    ['A{label x}', 'label x'],
    ['A{{label x}}', 'label x'],
    ['A[/label x/]', 'label x'],
    ['A[\\label x\\]', 'label x'],
    ['A[/label x\\]', 'label x'],
    ['A[\\label x/]', 'label x'],
    ['A["label with ] inside"]', 'label with ] inside'],
    ['A("quoted (round)")', 'quoted (round)'],
    ['A{"a } b"}', 'a } b'],
    ['A["`**bold** text`"]', '**bold** text'],
    ['A[ spaced ]', 'spaced'],
    ['A[label]:::someclass', 'label'],
    ['A:::someclass', ''],
    ['A@{ shape: rect, label: "x y" }', 'x y'],
    ['A@{ shape: diamond, label: plain }', 'plain'],
    ['A@{ shape: rect }', ''],
    ['A["label"]@{ shape: rect, label: "ignored" }', 'label'],
    ['A[/api/users]', '/api/users'],
  ];
  for (const [text, label] of shapes) {
    it(`parses ${text}`, () => {
      const src = `flowchart LR\n    ${text} --> B\n`;
      const f = assertClean(src);
      assert.deepEqual(edgeList(f), ['A->B']);
      const a = node(f, 'A');
      assert.equal(a.label ?? '', label);
      if (label) assert.equal(slice(src, a.labelSpan), label);
      assert.equal(slice(src, f.edges[0].span), `${text} --> B`);
    });
  }

  it('supports multi-line quoted and markdown strings', () => {
    const src = 'flowchart LR\n  A["`The **cat**\n  in the hat`"] --> B["line one\nline two"]\n  B --> C\n';
    const f = assertClean(src);
    assert.deepEqual(edgeList(f), ['A->B', 'B->C']);
    assert.equal(node(f, 'A').label, 'The **cat**\n  in the hat');
    assert.equal(node(f, 'B').label, 'line one\nline two');
  });

  it('takes the label from the first labelled occurrence', () => {
    const f = assertClean('graph TD\n  A --> B\n  B[TASK_002 Second] --> C\n  B[Other] --> D');
    const b = node(f, 'B');
    assert.equal(b.label, 'TASK_002 Second');
    assert.equal(b.taskId, 'TASK_002');
    assert.equal(b.aliasSpan.start, 'graph TD\n  A --> '.length);
  });

  it('handles emoji, CJK and RTL labels and non-ASCII aliases', () => {
    const src = 'graph TD\n  A["🚀 TASK_001: 発射 🚀"] --> B[مرحبا TASK_002]\n  节点 --> ñandú\n';
    const f = assertClean(src);
    assert.equal(node(f, 'A').taskId, 'TASK_001');
    assert.equal(slice(src, node(f, 'A').taskIdSpan), 'TASK_001');
    assert.equal(node(f, 'B').taskId, 'TASK_002');
    assert.deepEqual(edgeList(f), ['A->B', '节点->ñandú']);
  });
});

describe('parseMermaidFlowchart: task IDs', () => {
  it('resolves IDs from labels and aliases', () => {
    const src = [
      'graph TD',
      '  A[TASK_002: Build API] --> B[TASK_003 Build UI]',
      '  C[Deploy TASK_004 now] --> D[Compare TASK_001 and TASK_002]',
      '  TASK_010 --> TASK_011[Write docs]',
      '  E[MYTASK_005x] --> F[TASK_006: depends on TASK_001]',
      '  G["`**TASK_007**`"] --> H[TASK_008 / TASK_008 again]',
    ].join('\n');
    const f = assertClean(src);
    const ids = Object.fromEntries(f.nodes.map((n) => [n.alias, n.taskId]));
    assert.deepEqual(ids, {
      A: 'TASK_002',
      B: 'TASK_003',
      C: 'TASK_004',
      D: undefined,
      TASK_010: 'TASK_010',
      TASK_011: 'TASK_011',
      E: undefined,
      F: 'TASK_006',
      G: 'TASK_007',
      H: 'TASK_008',
    });
    for (const n of f.nodes) if (n.taskId) assert.equal(slice(src, n.taskIdSpan), n.taskId);
    assert.equal(node(f, 'TASK_010').taskIdSpan!.start, node(f, 'TASK_010').aliasSpan.start);
    assert.equal(node(f, 'C').taskIdSpan!.start, src.indexOf('TASK_004'));
  });

  it('handles hyphenated IDs as labels and bare aliases', () => {
    const src = 'graph LR\n  TASK-001 --> TASK-002\n  TASK-002-->TASK-003-.->TASK-004\n  X[TASK-009: x] ==> TASK-001\n';
    const f = assertClean(src);
    assert.deepEqual(edgeList(f), ['TASK-001->TASK-002', 'TASK-002->TASK-003', 'TASK-003->TASK-004', 'X->TASK-001']);
    assert.deepEqual(
      f.nodes.map((n) => n.taskId),
      ['TASK-001', 'TASK-002', 'TASK-003', 'TASK-004', 'TASK-009'],
    );
    assert.deepEqual(f.edges.map((e) => e.kind), ['solid', 'solid', 'dotted', 'thick']);
  });

  it('uses a custom pattern and survives an invalid one', () => {
    const f = parse('graph TD\n  A[JIRA-12 fix] --> B\n  PROJ-7 --> A', '[A-Z]+-\\d+');
    assert.equal(node(f, 'A').taskId, 'JIRA-12');
    assert.equal(node(f, 'PROJ-7').taskId, 'PROJ-7');
    const g = parse('graph TD\n  A[TASK_001] --> B', '([');
    assert.equal(node(g, 'A').taskId, 'TASK_001');
    const h = parse('graph TD\n  A[x] --> B', '\\d*');
    assert.equal(node(h, 'A').taskId, undefined);
  });
});

describe('parseMermaidFlowchart: edges', () => {
  const arrows: [string, string, string?][] = [
    ['-->', 'solid'],
    ['---', 'solid'],
    ['-.->', 'dotted'],
    ['-.-', 'dotted'],
    ['==>', 'thick'],
    ['===', 'thick'],
    ['~~~', 'invisible'],
    ['--->', 'solid'],
    ['---->', 'solid'],
    ['-..->', 'dotted'],
    ['-...-', 'dotted'],
    ['====>', 'thick'],
    ['<-->', 'solid'],
    ['<==>', 'thick'],
    ['<-.->', 'dotted'],
    ['o--o', 'solid'],
    ['x--x', 'solid'],
    ['--o', 'solid'],
    ['--x', 'solid'],
    ['~~~~', 'invisible'],
    ['-->|text|', 'solid', 'text'],
    ['-->| spaced text |', 'solid', 'spaced text'],
    ['-->|"quoted | pipe"|', 'solid', 'quoted | pipe'],
    ['---|open label|', 'solid', 'open label'],
    ['-.->|dots|', 'dotted', 'dots'],
    ['==>|thick one|', 'thick', 'thick one'],
    ['-- text -->', 'solid', 'text'],
    ['-- text ---', 'solid', 'text'],
    ['-- some-dashed text -->', 'solid', 'some-dashed text'],
    ['-. text .->', 'dotted', 'text'],
    ['-. text .-', 'dotted', 'text'],
    ['== text ==>', 'thick', 'text'],
    ['== text ===', 'thick', 'text'],
    ['-- "quoted -- text" -->', 'solid', 'quoted -- text'],
    ['e1@-->', 'solid'],
    ['e2@-.->|x|', 'dotted', 'x'],
  ];
  for (const [arrow, kind, label] of arrows) {
    for (const spaced of [true, false]) {
      const src = spaced ? `flowchart TD\n  A ${arrow} B\n` : `flowchart TD\n  A${arrow}B\n`;
      it(`parses ${JSON.stringify(src.split('\n')[1].trim())}`, () => {
        // `Ao--oB` is the node "Ao" in mermaid too, and `Ae1@-->B` the edge ID "Ae1".
        if (!spaced && (/^[ox]--/.test(arrow) || arrow.includes('@'))) return;
        const f = assertClean(src);
        assert.deepEqual(edgeList(f), ['A->B']);
        assert.equal(f.edges[0].kind, kind);
        assert.equal(f.edges[0].label, label);
        assert.equal(slice(src, f.edges[0].span), src.split('\n')[1].trim());
        assert.equal(slice(src, f.edges[0].toSpan), 'B');
      });
    }
  }

  it('parses edge IDs with a space before them', () => {
    const f = assertClean('flowchart LR\n  A e1@--> B\n  e1@{ animate: true }\n  B e2@==> C');
    assert.deepEqual(edgeList(f), ['A->B', 'B->C']);
    assert.deepEqual(
      f.nodes.map((n) => n.alias),
      ['A', 'B', 'C'],
    );
  });

  it('splits chains into separate edges', () => {
    const src = 'graph LR\n  A --> B --> C -.-> D\n';
    const f = assertClean(src);
    assert.deepEqual(edgeList(f), ['A->B', 'B->C', 'C->D']);
    assert.equal(slice(src, f.edges[1].span), 'B --> C');
    assert.equal(slice(src, f.edges[2].span), 'C -.-> D');
  });

  it('expands & on both sides as a cartesian product', () => {
    const src = 'graph LR\n  A & B --> C & D[TASK_004]\n  E --> F&G\n';
    const f = assertClean(src);
    // Like mermaid 11, `&` inside a node ID (`F&G`, no space before it) is part of the ID.
    assert.deepEqual(edgeList(f), ['A->C', 'A->D', 'B->C', 'B->D', 'E->F&G']);
    assert.equal(slice(src, f.edges[3].span), 'B --> C & D[TASK_004]');
    assert.equal(slice(src, f.edges[1].span), 'A & B --> C & D[TASK_004]');
    assert.equal(node(f, 'D').taskId, 'TASK_004');
  });

  it('joins lines around arrows, as mermaid does', () => {
    const src = 'graph TD\n  A[TASK_001]\n    --> B\n  %% comment\n    -.-> C\n  D -->\n\n  %% note\n  E -- text -->\n  F\n  G\n  ==>|x| H';
    const f = assertClean(src);
    assert.deepEqual(edgeList(f), ['A->B', 'B->C', 'D->E', 'E->F', 'G->H']);
    assert.equal(slice(src, f.edges[0].span), 'A[TASK_001]\n    --> B');
    assert.deepEqual(f.edges.map((e) => e.kind), ['solid', 'solid', 'dotted', 'solid', 'solid', 'thick'].filter((_, i) => i !== 1));
    assert.equal(f.edges[3].label, 'text');
  });

  it('parses the asymmetric shape after an alias ending with a dash', () => {
    const f = assertClean('graph TD;A_node-->odd->Vertex Text];');
    assert.deepEqual(edgeList(f), ['A_node->odd-']);
    assert.equal(node(f, 'odd-').label, 'Vertex Text');
  });

  it('accepts the punctuation mermaid allows in node IDs', () => {
    const src = 'graph TD\n  a.b-c_d --> e:f\n  -node --> node-\n  . --> a/b\n  x,y --> #1\n  class a.b-c_d,x,y cls';
    const f = assertClean(src);
    assert.deepEqual(edgeList(f), ['a.b-c_d->e:f', '-node->node-', '.->a/b', 'x,y->#1']);
    assert.equal(f.aliasOccurrences.filter((o) => o.alias === 'a.b-c_d').length, 2);
  });

  it('keeps nodes that only appear alone', () => {
    const f = assertClean('graph TD\n  A\n  B[TASK_002]\n  C --> A');
    assert.deepEqual(
      f.nodes.map((n) => n.alias),
      ['A', 'B', 'C'],
    );
    assert.deepEqual(edgeList(f), ['C->A']);
  });
});

describe('parseMermaidFlowchart: statements to skip', () => {
  it('skips subgraphs, styling, clicks and accessibility statements', () => {
    const src = [
      'flowchart TB',
      '  accTitle: The title',
      '  accDescr: One line',
      '  accDescr {',
      '    several',
      '    lines --> here',
      '  }',
      '  subgraph one [Phase 1]',
      '    direction LR',
      '    A[TASK_001] --> B[TASK_002]',
      '  end',
      '  subgraph Phase two with spaces',
      '    C',
      '  end',
      '  subgraph "quoted; title"',
      '  end',
      '  subgraph three["Three"]',
      '  end',
      '  one --> three',
      '  classDef green fill:#9f6,stroke:#333,stroke-width:2px;',
      '  classDef default fill:#f9f',
      '  class A,B green',
      '  class C green',
      '  style A fill:#f9f,stroke:#333,stroke-width:4px',
      '  linkStyle 0 stroke:#ff3,stroke-width:4px,color:red;',
      '  linkStyle default interpolate basis',
      '  click A call evil()',
      '  click B href "https://example.com/?a=1;b=2" "Tooltip" _blank',
      '  click C "https://example.com" _blank',
      '  A --> C %% trailing comment',
      '  %% whole-line comment with --> [ unbalanced',
      '  C --> D; D --> E;',
    ].join('\n');
    const f = assertClean(src);
    assert.deepEqual(edgeList(f), ['A->B', 'one->three', 'A->C', 'C->D', 'D->E']);
    assert.deepEqual(
      f.nodes.map((n) => n.alias),
      ['A', 'B', 'C', 'one', 'three', 'D', 'E'],
    );
    // A is written in the edge, class, style, click and edge lines.
    const aOcc = f.aliasOccurrences.filter((o) => o.alias === 'A');
    assert.equal(aOcc.length, 5);
    for (const o of aOcc) assert.equal(slice(src, o.span), 'A');
    assert.equal(f.aliasOccurrences.filter((o) => o.alias === 'one').length, 2);
    // Occurrences are in document order.
    const starts = f.aliasOccurrences.map((o) => o.span.start);
    assert.deepEqual(starts, [...starts].sort((x, y) => x - y));
  });

  it('does not treat words that merely start with a keyword as keywords', () => {
    const f = assertClean('graph TD\n  endpoint --> styles\n  classes --> ends');
    assert.deepEqual(edgeList(f), ['endpoint->styles', 'classes->ends']);
  });
});

const VALID_CORPUS: string[] = [
  TEMPLATE,
  'graph TD\n',
  'graph TD\n    A[Christmas] -->|Get money| B(Go shopping)\n    B --> C{Let me think}\n    C -->|One| D[Laptop]\n    C -->|Two| E[iPhone]\n    C -->|Three| F[fa:fa-car Car]',
  'flowchart LR\n    A[Hard edge] -->|Link text| B(Round edge)\n    B --> C{Decision}\n    C -->|One| D[Result one]\n    C -->|Two| E[Result two]',
  'flowchart TB\n    c1-->a2\n    subgraph one\n    a1-->a2\n    end\n    subgraph two\n    b1-->b2\n    end\n    subgraph three\n    c1-->c2\n    end\n    one --> two\n    three --> two\n    two --> c2',
  'flowchart LR\n  id1[(Database)]\n  id2((Circle))\n  id3>Asymmetric]\n  id4{Rhombus}\n  id5{{Hexagon}}\n  id6[/Parallelogram/]\n  id7[\\Parallelogram alt\\]\n  id8[/Trapezoid\\]\n  id9[\\Trapezoid alt/]\n  id10(((Double circle)))',
  'flowchart LR\n    A -- text --> B -- text2 --> C',
  'flowchart LR\n   a --> b & c--> d',
  'flowchart TB\n    A & B--> C & D',
  'flowchart LR\n    A --> B\n    B --> C\n    C --> D\n    click A callback "Tooltip for a callback"\n    click B "https://www.github.com" "This is a tooltip for a link"\n    click C call callback() "Tooltip for a callback"\n    click D href "https://www.github.com" "This is a tooltip for a link"',
  'flowchart LR\n    id1(Start)-->id2(Stop)\n    style id1 fill:#f9f,stroke:#333,stroke-width:4px\n    style id2 fill:#bbf,stroke:#f66,stroke-width:2px,color:#fff,stroke-dasharray: 5 5',
  'flowchart LR\n    A:::someclass --> B\n    classDef someclass fill:#f96',
  'flowchart LR\n  A["A double quote:#quot;"] --> B["A dec char:#9829;"]',
  'flowchart LR\n  markdown["`This **is** _Markdown_`"]\n  newLines["`Line1\n  Line 2\n  Line 3`"]\n  markdown --> newLines',
  'flowchart TD\n    A@{ shape: manual-file, label: "File Handling"}\n    B@{ shape: manual-input, label: "User Input"}\n    A --> B',
  'flowchart LR\n  A e1@==> B\n  e1@{ animate: true }',
  'flowchart LR\n  A --o B\n  B --x C\n  C o--o D\n  D <--> E\n  E x--x F',
  'flowchart TD\n    A[Start] --> B{Is it?}\n    B -->|Yes| C[OK]\n    C --> D[Rethink]\n    D --> B\n    B ---->|No| E[End]',
  'flowchart TB\n    subgraph TOP\n        direction TB\n        subgraph B1\n            direction RL\n            i1 -->f1\n        end\n        subgraph B2\n            direction BT\n            i2 -->f2\n        end\n    end\n    A --> TOP --> B\n    B1 --> B2',
  'graph LR;\n  A-->B;\n  B-->C;',
  'graph TD\n  TASK_001 --> TASK_002\n  TASK_001 --> TASK_003\n  TASK_002 & TASK_003 --> TASK_004',
  '%%{init: {"flowchart": {"curve": "basis"}}}%%\ngraph TD\n  A-->B',
  'flowchart LR\n  A -. "dotted text" .-> B\n  B == "thick text" ==> C',
  'flowchart LR\n\tA\t-->\tB\r\n\tB --> C\r\n',
  'flowchart LR\n  1 --> 2\n  2 --> 3a\n  a.b --> c_d\n  x-y --> z',
  'flowchart LR\n  A ~~~ B\n  linkStyle 0 stroke-width:0px',
  'graph TD\n  L1 --- L2\n  M1 ---> C\n  R1 .-> R2\n  R2 <.-> C\n  C <-- Label 2 ---> E2\n  C <-...-> E4\n  C ======> E5',
  'flowchart TB\n  a{{"Lorem \'ipsum\' dolor."}}\n  --> b{{"Lorem #quot;ipsum#quot;."}}',
  'flowchart LR\nb("`The dog in **the** hog.(1)\nNL`") --"`1o **bold**`"--> c',
  'graph TD;A_node-->B[/This node has a / as text/];',
];

describe('parseMermaidFlowchart: valid corpus', () => {
  VALID_CORPUS.forEach((src, i) => {
    it(`reports no problem for snippet #${i}`, () => {
      const f = assertClean(src);
      if (i > 1) assert.ok(f.nodes.length > 0);
    });
  });

  it('finds the documented edges', () => {
    assert.deepEqual(edgeList(parse(VALID_CORPUS[7])), ['a->b', 'a->c', 'b->d', 'c->d']);
    assert.deepEqual(edgeList(parse(VALID_CORPUS[6])), ['A->B', 'B->C']);
    assert.deepEqual(
      parse(VALID_CORPUS[6]).edges.map((e) => e.label),
      ['text', 'text2'],
    );
    const shapes = parse(VALID_CORPUS[5]);
    assert.deepEqual(
      shapes.nodes.map((n) => n.label),
      [
        'Database',
        'Circle',
        'Asymmetric',
        'Rhombus',
        'Hexagon',
        'Parallelogram',
        'Parallelogram alt',
        'Trapezoid',
        'Trapezoid alt',
        'Double circle',
      ],
    );
    assert.deepEqual(edgeList(parse(VALID_CORPUS.find((c) => c.includes('TASK_002 & TASK_003'))!)), [
      'TASK_001->TASK_002',
      'TASK_001->TASK_003',
      'TASK_002->TASK_004',
      'TASK_003->TASK_004',
    ]);
    assert.deepEqual(
      parse(VALID_CORPUS.find((c) => c.includes('manual-file'))!).nodes.map((n) => n.label),
      ['File Handling', 'User Input'],
    );
  });
});

describe('parseMermaidFlowchart: problems', () => {
  const broken: [string, string, RegExp][] = [
    ['A[unclosed', '[unclosed', /Unclosed label/],
    ['A(unclosed', '(unclosed', /Unclosed label/],
    ['A([unclosed)', '([unclosed)', /Unclosed label/],
    ['A{{unclosed}', '{{unclosed}', /Unclosed label/],
    ['A["unclosed]', '"unclosed]', /Unclosed string/],
    ['A["`unclosed`]', '"`unclosed`]', /markdown string/],
    ['A["x" y]', 'y]', /after the quoted label/],
    ['A -->;', '-->', /no target/],
    ['A -->|label|', '-->', /no target/],
    ['A & B ==> ;', '==>', /no target/],
    ['A -.->|label| %% comment', '-.->', /no target/],
    ['A -->|unclosed B', '|unclosed B', /Unclosed edge label/],
    ['A -- text B', '-- text B', /not closed by an arrow/],
    ['A --> ]', ']', /Expected a node/],
    ['A; --> B', '-->', /Expected a node/],
    ['A --> B C', 'C', /Unexpected 'C'/],
    ['A -> B', '->', /Unknown arrow/],
    ['A->B', '->', /Unknown arrow/],
    ['A --> B &', '&', /after '&'/],
    ['A@{ shape: rect', '@{ shape: rect', /shape data/],
    ['A (label)', '(label)', /Unexpected/],
  ];
  for (const [line, spanText, message] of broken) {
    it(`reports ${JSON.stringify(line)} and keeps parsing`, () => {
      const src = `graph TD\n  X --> Y\n  ${line}\n  P --> Q\n`;
      const f = parse(src);
      assert.equal(f.problems.length, 1, JSON.stringify(f.problems));
      assert.match(f.problems[0].message, message);
      assert.equal(slice(src, f.problems[0].span), spanText);
      const edges = edgeList(f);
      assert.equal(edges[0], 'X->Y');
      assert.equal(edges[edges.length - 1], 'P->Q');
    });
  }

  it('reports one problem per broken line', () => {
    const src = 'graph TD\n  A[x\n  B(y\n  C --> D\n  E -->|z|\n  F --> G\n';
    const f = parse(src.replace(/\n/g, '\r\n'));
    assert.equal(f.problems.length, 3);
    assert.deepEqual(edgeList(f), ['C->D', 'F->G']);
  });

  it('reports an arrow without target at the end or before a keyword', () => {
    for (const src of ['graph TD\n  A -->', 'graph TD\n  A --> \n\n', 'graph TD\n  A -->\n  end', 'graph TD\n  A -->\n  style A fill:red']) {
      const f = parse(src);
      assert.equal(f.problems.length, 1, src);
      assert.match(f.problems[0].message, /no target/);
      assert.equal(slice(src, f.problems[0].span), '-->');
      assert.deepEqual(edgeList(f), []);
    }
  });

  it('reports a line starting with an arrow when nothing precedes it', () => {
    for (const src of ['graph TD\n  --> B', 'graph TD\n  A;\n  --> B', 'graph TD\n  style A fill:red\n  --> B']) {
      const f = parse(src);
      assert.equal(f.problems.length, 1, src);
      assert.match(f.problems[0].message, /Expected a node/);
    }
  });

  it('keeps edges parsed before a problem on the same line', () => {
    const f = parse('graph TD\n  A --> B --> ]');
    assert.deepEqual(edgeList(f), ['A->B']);
    assert.equal(f.problems.length, 1);
  });
});

describe('parseMermaidFlowchart: robustness', () => {
  it('handles adversarial inputs quickly', () => {
    const inputs = [
      'graph TD\n' + 'A'.repeat(1_000_000),
      'graph TD\nA' + '['.repeat(10_000),
      'graph TD\n' + 'A['.repeat(10_000) + '\n',
      'graph TD\n' + 'A["x]\n'.repeat(10_000),
      'graph TD\n' + 'A["`x]\n'.repeat(10_000),
      'graph TD\n' + 'A@{ x\n'.repeat(10_000),
      'graph TD\n' + '%%{\n'.repeat(10_000),
      'graph TD\n' + 'accDescr {\n'.repeat(10_000),
      'graph TD\n' + 'A -- x\n'.repeat(10_000),
      'graph TD\n' + 'A -->|x\n'.repeat(10_000),
      'graph TD\nA -- ' + '-'.repeat(100_000),
      'graph TD\nA[' + '"'.repeat(100_000),
      'graph TD\n' + '\u0000\ud800\udfff\ud83d'.repeat(50_000),
      'graph TD\n' + 'A-->'.repeat(100_000) + 'B',
      'graph TD\n' + 'A[x]-->B[y]'.repeat(50_000),
      'graph TD\n' + 'A --> B[' + 'x'.repeat(1_000_000) + ']',
      'graph TD\n' + 'a & '.repeat(2_000) + 'z --> ' + 'b & '.repeat(2_000) + 'y',
      'graph TD\n' + '(((('.repeat(50_000),
      'graph TD\n' + '-.-'.repeat(100_000),
      'graph TD\n' + 'A -. x '.repeat(100_000),
      'graph TD\n' + 'A == x ='.repeat(100_000),
    ];
    for (const src of inputs) {
      const t0 = performance.now();
      const f = parse(src);
      const ms = performance.now() - t0;
      assert.ok(ms < 2000, `took ${ms.toFixed(0)} ms on input starting ${JSON.stringify(src.slice(9, 40))}`);
      assert.ok(f.edges.length <= 100_000);
    }
  });

  it('parses a 5,000-edge flowchart completely (its speed is measured by npm run bench)', () => {
    const lines = ['graph TD'];
    for (let i = 0; i < 5_000; i++) {
      lines.push(`    N${i}[TASK_${String(i).padStart(4, '0')}: Task ${i}] --> N${i + 1}`);
    }
    const src = lines.join('\n');
    const f: MermaidFlowchart | undefined = parseMermaidFlowchart(src, DEFAULT_TASK_ID_PATTERN);
    assert.equal(f!.edges.length, 5_000);
    assert.equal(f!.problems.length, 0);
    assert.equal(f!.nodes.filter((n) => n.taskId).length, 5_000);
  });

  const unitChars = [
    '\n', '\r\n', ' ', '\t', '-', '.', '=', '>', '<', '~', 'o', 'x', '|', '"', '`', '[', ']', '(', ')', '{', '}',
    '/', '\\', '&', ';', ':', '@', '%%', 'A', 'B', 'TASK_001', 'TASK-002', 'graph', 'end', 'subgraph ', 'click ',
    'class ', '\u0000', '\ud800', '\udc00', '😀', '中', 'א', '-->', '==>', '-.->', ':::', '@{',
  ];
  const charArb = fc.oneof(fc.constantFrom(...unitChars), fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)));

  it('never throws and keeps invariants on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: charArb, maxLength: 200 }), fc.boolean(), (body, header) => {
        const src = header ? `flowchart LR\n${body}` : body;
        const f = parseMermaidFlowchart(src, DEFAULT_TASK_ID_PATTERN);
        if (f) checkInvariants(src, f);
      }),
      { numRuns: 300, seed: 20240601 },
    );
  });

  it('never throws and keeps invariants on mutated valid charts', () => {
    const mutation = fc.record({
      at: fc.nat(),
      remove: fc.nat({ max: 6 }),
      insert: fc.string({ unit: charArb, maxLength: 6 }),
    });
    fc.assert(
      fc.property(fc.constantFrom(...VALID_CORPUS), fc.array(mutation, { maxLength: 8 }), (base, mutations) => {
        let src = base;
        for (const m of mutations) {
          const at = src.length ? m.at % (src.length + 1) : 0;
          src = src.slice(0, at) + m.insert + src.slice(at + m.remove);
        }
        const f = parseMermaidFlowchart(src, DEFAULT_TASK_ID_PATTERN);
        if (f) checkInvariants(src, f);
      }),
      { numRuns: 300, seed: 42 },
    );
  });
});

describe('class suffix before a link', () => {
  // Issue #12: mermaid 11 reads `:::crit-->` as class "crit" and a link (its NODE_STRING takes a
  // `-` only when no `-`, `>` or `.` follows).
  for (const [line, edge] of [
    ['A[TASK_001]:::crit--> B[TASK_002]', 'A->B'],
    ['A:::crit-->B:::done', 'A->B'],
    ['A:::my-class-->B', 'A->B'],
    ['A:::crit-.->B', 'A->B'],
    ['A:::crit==>B', 'A->B'],
  ] as const) {
    it(line, () => {
      const chart = parseMermaidFlowchart(`graph TD\n${line}\n`, DEFAULT_TASK_ID_PATTERN)!;
      assert.deepEqual(chart.problems, []);
      assert.deepEqual(chart.edges.map((e) => `${e.from}->${e.to}`), [edge]);
    });
  }
});

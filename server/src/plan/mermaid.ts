// Parser for mermaid flowcharts (`graph` / `flowchart` diagrams) inside ```mermaid blocks.
//
// A small hand-written scanner, linear in the size of the source: no regular expression
// is run over diagram text except the task ID pattern, which is applied to single labels
// and aliases. It follows mermaid's own lexer (flow.jison) closely enough to recognise
// what people write, and reports a problem only where mermaid itself would certainly fail.
// All spans are UTF-16 offsets into `source`, end exclusive.

import {
  DEFAULT_TASK_ID_PATTERN,
  type MermaidEdge,
  type MermaidEdgeKind,
  type MermaidFlowchart,
  type MermaidNode,
  type MermaidProblem,
  type Span,
} from './types';

type Direction = MermaidFlowchart['direction'];

/** Cartesian fan-out (`A & B --> C & D`) can explode; stop adding edges beyond this. */
const MAX_EDGES = 100_000;
/** Longest token text quoted in a problem message. */
const PREVIEW_LENGTH = 24;

/**
 * Parses the content of a ```mermaid block (without the fences). Returns undefined when the
 * diagram is not a flowchart: its first line that is neither blank nor a `%%` comment (after
 * an optional `---` front matter block) does not start with `graph` or `flowchart`.
 */
export function parseMermaidFlowchart(source: string, taskIdPattern: string): MermaidFlowchart | undefined {
  return new FlowchartParser(source).run(taskIdPattern);
}

/**
 * Aliases that only keyword statements name (`style X`, `click X`, `class X`, `subgraph X`)
 * and that are no node, per chart: their occurrences are left out of aliasOccurrences, and
 * would come back if a node X were added (updateFlowchartLine then parses the whole chart).
 */
const keywordOnlyAliases = new WeakMap<MermaidFlowchart, ReadonlySet<string>>();

/** Characters that may carry a statement or a parser state past its line (strings, shape data, directives, comments, `;`). */
const CROSS_LINE = /["{}%;`]/;
/** A line starting with one of these keywords is not a vertex statement (mermaid's keywordAt, widened). */
const KEYWORD_LINE = /^(?:subgraph|end|direction|classDef|linkStyle|class|style|click|accTitle|accDescr)(?![A-Za-z])/;
const HEADER_LINE = /^[ \t]*(?:graph|flowchart)(?![^ \t\r\n;%])/;

/** The trimmed line may start an arrow: it would continue the statement of the line before. */
function mayStartWithLink(t: string): boolean {
  const c = t.charCodeAt(0);
  if (c === DASH || c === EQ || c === DOT || c === TILDE || c === LT) return true;
  const d = t.charCodeAt(1);
  return (c === LOWER_O || c === LOWER_X) && (d === DASH || d === EQ || d === DOT);
}

/** The trimmed line may end with a bare arrow, whose target mermaid takes from the next line. */
function mayEndWithLink(t: string): boolean {
  const c = t.charCodeAt(t.length - 1);
  if (c === DASH || c === EQ || c === GT || c === TILDE || c === DOT || c === LT) return true;
  const d = t.charCodeAt(t.length - 2);
  return (c === LOWER_O || c === LOWER_X) && (d === DASH || d === EQ || d === DOT);
}

/**
 * A line whose statements the parser reads the same whatever surrounds it: vertex statements
 * only (no keyword, comment, string, shape data or `;`), not starting or ending with an arrow
 * (mermaid joins such a line to its neighbour), not a heading or table row (which end the graph
 * where a closing fence was forgotten, see facts.ts).
 */
function isSelfContainedLine(line: string): boolean {
  if (CROSS_LINE.test(line)) return false;
  const t = line.trim();
  if (t === '') return true;
  const c = t.charCodeAt(0);
  if (c === PIPE || c === HASH || mayStartWithLink(t) || mayEndWithLink(t)) return false;
  return !KEYWORD_LINE.test(t);
}

function movedEdge(e: MermaidEdge, delta: number): MermaidEdge {
  const edge: MermaidEdge = {
    from: e.from,
    to: e.to,
    fromSpan: { start: e.fromSpan.start + delta, end: e.fromSpan.end + delta },
    toSpan: { start: e.toSpan.start + delta, end: e.toSpan.end + delta },
    span: { start: e.span.start + delta, end: e.span.end + delta },
    kind: e.kind,
  };
  if (e.label !== undefined) edge.label = e.label;
  return edge;
}

/** The line starting at `at` in `text`, up to (not including) its line feed. */
function lineFrom(text: string, at: number): string {
  const lf = text.indexOf('\n', at);
  return text.slice(at, lf < 0 ? text.length : lf);
}

/**
 * The flowchart of `source` when it differs from the one `chart` was read from only in one line:
 * that line, which starts at `lineStart` and ended at `oldLineEnd` (now `newLineEnd`), is read
 * on its own and its nodes, edges, occurrences and problems replace the old line's; the rest is
 * kept (moved by the change in length). Equal to parseMermaidFlowchart(source); undefined when
 * that cannot be shown from the line and its neighbours (then parse the whole chart).
 */
export function updateFlowchartLine(
  chart: MermaidFlowchart,
  source: string,
  lineStart: number,
  oldLine: string,
  newLineEnd: number,
  taskIdPattern: string,
): MermaidFlowchart | undefined {
  const keywordOnly = keywordOnlyAliases.get(chart);
  if (!keywordOnly) return undefined;
  const newLine = source.slice(lineStart, newLineEnd);
  const oldLineEnd = lineStart + oldLine.length;
  const delta = newLineEnd - oldLineEnd;
  if (!isSelfContainedLine(oldLine) || !isSelfContainedLine(newLine)) return undefined;
  // Nothing anywhere may run across lines (a string or shape data opened above could hold the line).
  if (source.indexOf('"') >= 0 || source.indexOf('{') >= 0) return undefined;
  if (chart.edges.length >= MAX_EDGES / 2) return undefined;
  // The header is the first line, and the edited line comes after it.
  const headerEnd = source.indexOf('\n');
  if (headerEnd < 0 || lineStart <= headerEnd || !HEADER_LINE.test(source.slice(0, headerEnd))) return undefined;
  // The nearest non-blank line above must not end with an arrow (its target would be this line's
  // first node), nor hold a comment; the one below must not start with an arrow (it would continue
  // this line's last node).
  let p = lineStart - 1;
  for (;;) {
    const start = source.lastIndexOf('\n', p - 1) + 1;
    const t = source.slice(start, p).trim();
    if (t !== '') {
      if (t.includes('%') || mayEndWithLink(t)) return undefined;
      break;
    }
    if (start === 0) break;
    p = start - 1;
  }
  for (let q = newLineEnd + 1; q < source.length; ) {
    const line = lineFrom(source, q);
    const t = line.trim();
    if (t !== '') {
      if (t.startsWith('%') || mayStartWithLink(t)) return undefined;
      break;
    }
    q += line.length + 1;
  }
  const line = new FlowchartParser(`graph TD\n${newLine}`).run(taskIdPattern);
  if (!line) return undefined;
  const base = lineStart - 'graph TD\n'.length;
  const at = (span: Span): Span => ({ start: span.start + base, end: span.end + base });
  const moved = (span: Span): Span => (span.start > oldLineEnd ? { start: span.start + delta, end: span.end + delta } : span);
  const inOldLine = (span: Span | undefined) => span !== undefined && span.start >= lineStart && span.start <= oldLineEnd;
  const after = (span: Span) => span.start > oldLineEnd;

  // Edges, occurrences and problems: those of the line replaced; none may cross its edges.
  const edges: MermaidEdge[] = [];
  let edgesBefore = -1;
  for (const e of chart.edges) {
    if (e.span.start < lineStart) {
      if (e.span.end > lineStart || edgesBefore >= 0) return undefined;
      edges.push(e);
    } else if (after(e.span)) {
      if (edgesBefore < 0) edgesBefore = edges.length;
      edges.push(delta === 0 ? e : movedEdge(e, delta));
    } else if (e.span.end > oldLineEnd || edgesBefore >= 0) return undefined;
  }
  if (edges.length + line.edges.length >= MAX_EDGES) return undefined;
  const newEdges = line.edges.map((e) => ({ ...e, fromSpan: at(e.fromSpan), toSpan: at(e.toSpan), span: at(e.span) }));
  edges.splice(edgesBefore < 0 ? edges.length : edgesBefore, 0, ...newEdges);

  const lineAliases = new Map<string, MermaidNode>();
  for (const n of line.nodes) lineAliases.set(n.alias, n);
  // The old nodes the new line names; those first named in the old line and not in the new one
  // are gone, unless named elsewhere.
  const oldByAlias = new Map<string, MermaidNode>();
  const gone = new Set<string>();
  for (const n of chart.nodes) {
    if (lineAliases.has(n.alias)) oldByAlias.set(n.alias, n);
    else if (inOldLine(n.aliasSpan)) gone.add(n.alias);
  }
  // Nodes the line adds must not be named by keyword statements elsewhere.
  for (const alias of lineAliases.keys()) if (!oldByAlias.has(alias) && keywordOnly.has(alias)) return undefined;

  const aliasOccurrences: { alias: string; span: Span }[] = [];
  let occurrencesBefore = -1;
  for (const o of chart.aliasOccurrences) {
    if (inOldLine(o.span)) continue;
    if (gone.has(o.alias)) return undefined;
    if (after(o.span)) {
      if (occurrencesBefore < 0) occurrencesBefore = aliasOccurrences.length;
      aliasOccurrences.push(delta === 0 ? o : { alias: o.alias, span: moved(o.span) });
    } else {
      if (occurrencesBefore >= 0) return undefined;
      aliasOccurrences.push(o);
    }
  }
  aliasOccurrences.splice(occurrencesBefore < 0 ? aliasOccurrences.length : occurrencesBefore, 0, ...line.aliasOccurrences.map((o) => ({ alias: o.alias, span: at(o.span) })));

  const problems: MermaidProblem[] = [];
  let problemsBefore = -1;
  for (const q of chart.problems) {
    if (inOldLine(q.span)) continue;
    if (after(q.span)) {
      if (problemsBefore < 0) problemsBefore = problems.length;
      problems.push(delta === 0 ? q : { message: q.message, span: moved(q.span) });
    } else {
      if (problemsBefore >= 0) return undefined;
      problems.push(q);
    }
  }
  problems.splice(problemsBefore < 0 ? problems.length : problemsBefore, 0, ...line.problems.map((q) => ({ message: q.message, span: at(q.span) })));

  // Nodes, in order of first appearance: those first named above the line (their label may now
  // come from it), those first named in the new line, then the rest (moved).
  const matchers = taskIdMatchers(taskIdPattern);
  /** The node with its label taken from the new line if it names one there first, or undefined if its label must be looked for further down. */
  const relabelled = (n: MermaidNode, aliasSpan: Span): MermaidNode | undefined => {
    const fromLine = lineAliases.get(n.alias);
    const node: MermaidNode = { alias: n.alias, aliasSpan };
    if (n.label !== undefined && n.labelSpan && n.labelSpan.start < lineStart) {
      node.label = n.label;
      node.labelSpan = n.labelSpan;
    } else if (fromLine?.label !== undefined && fromLine.labelSpan) {
      node.label = fromLine.label;
      node.labelSpan = at(fromLine.labelSpan);
    } else if (n.label !== undefined && n.labelSpan) {
      if (inOldLine(n.labelSpan)) return undefined;
      node.label = n.label;
      node.labelSpan = moved(n.labelSpan);
    }
    if (node.label === n.label && node.labelSpan === n.labelSpan && node.aliasSpan === n.aliasSpan) return n;
    assignTaskId(node, matchers);
    return node;
  };
  // (Nodes are in order of first appearance: those above the line first, those below last.)
  let region = 0;
  for (const n of chart.nodes) {
    const r = n.aliasSpan.start < lineStart ? 0 : after(n.aliasSpan) ? 2 : 1;
    if (r < region) return undefined;
    region = r;
  }
  const nodes: MermaidNode[] = [];
  for (const n of chart.nodes) {
    if (n.aliasSpan.start >= lineStart) break;
    if (!lineAliases.has(n.alias) && !inOldLine(n.labelSpan) && (delta === 0 || !n.labelSpan || !after(n.labelSpan))) {
      nodes.push(n);
      continue;
    }
    const node = relabelled(n, n.aliasSpan);
    if (!node) return undefined;
    nodes.push(node);
  }
  for (const fromLine of line.nodes) {
    const old = oldByAlias.get(fromLine.alias);
    if (old && old.aliasSpan.start < lineStart) continue;
    const node = relabelled(old ?? { alias: fromLine.alias, aliasSpan: fromLine.aliasSpan }, at(fromLine.aliasSpan));
    if (!node) return undefined;
    nodes.push(node);
  }
  for (const n of chart.nodes) {
    if (!after(n.aliasSpan) || lineAliases.has(n.alias)) continue;
    if (delta === 0) {
      nodes.push(n);
      continue;
    }
    const node: MermaidNode = { alias: n.alias, aliasSpan: moved(n.aliasSpan) };
    if (n.label !== undefined) node.label = n.label;
    if (n.labelSpan) node.labelSpan = moved(n.labelSpan);
    if (n.taskId !== undefined) node.taskId = n.taskId;
    if (n.taskIdSpan) node.taskIdSpan = moved(n.taskIdSpan);
    nodes.push(node);
  }
  const out: MermaidFlowchart = { keyword: chart.keyword, direction: chart.direction, nodes, edges, aliasOccurrences, problems };
  keywordOnlyAliases.set(out, keywordOnly);
  return out;
}

interface VertexRef {
  alias: string;
  aliasSpan: Span;
  /** The whole node reference: alias, shape, class and shape data. */
  start: number;
  end: number;
}

interface LinkInfo {
  kind: MermaidEdgeKind;
  label?: string;
  span: Span;
  /** No `|label|` follows: like mermaid, the target may then be on the next line. */
  bare: boolean;
}

interface LinkMatch {
  kind: MermaidEdgeKind;
  end: number;
  /** Set for an opening like `--` / `==` / `-.` that must be followed by text and a closing arrow. */
  textMode?: boolean;
}

interface StringMatch {
  contentStart: number;
  contentEnd: number;
  end: number;
}

const FAILED = false;
type Failed = typeof FAILED;

// Character codes.
const TAB = 9;
const LF = 10;
const CR = 13;
const SPACE = 32;
const BANG = 33;
const QUOTE = 34;
const HASH = 35;
const DOLLAR = 36;
const PERCENT = 37;
const AMP = 38;
const APOS = 39;
const LPAREN = 40;
const STAR = 42;
const PLUS = 43;
const COMMA = 44;
const DASH = 45;
const DOT = 46;
const SLASH = 47;
const COLON = 58;
const SEMI = 59;
const LT = 60;
const EQ = 61;
const GT = 62;
const QUESTION = 63;
const AT = 64;
const LBRACKET = 91;
const BACKSLASH = 92;
const RBRACKET = 93;
const UNDERSCORE = 95;
const BACKTICK = 96;
const LBRACE = 123;
const PIPE = 124;
const RBRACE = 125;
const TILDE = 126;
const LOWER_O = 111;
const LOWER_X = 120;

function isWs(c: number): boolean {
  if (c < 128) return c === SPACE || c === TAB || c === CR || c === 11 || c === 12;
  return (
    c === 0xa0 ||
    c === 0xfeff ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000
  );
}

function isAsciiLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

function isWordChar(c: number): boolean {
  return (c >= 48 && c <= 57) || isAsciiLetter(c) || c === UNDERSCORE;
}

/** Letters, digits, `_` and any non-ASCII character that is not white space. */
function isAliasCore(c: number): boolean {
  return isWordChar(c) || (c >= 128 && !isWs(c));
}

/** Punctuation mermaid accepts anywhere in a node ID. */
function isAliasPunct(c: number): boolean {
  return (
    c === BANG ||
    c === HASH ||
    c === DOLLAR ||
    c === APOS ||
    c === STAR ||
    c === PLUS ||
    c === QUESTION ||
    c === SLASH ||
    c === BACKSLASH
  );
}


function isArrowHead(c: number): boolean {
  return c === GT || c === LOWER_X || c === LOWER_O;
}

const DIRECTIONS: Record<string, Direction> = {
  TD: 'TD',
  TB: 'TB',
  BT: 'BT',
  RL: 'RL',
  LR: 'LR',
  '>': 'LR',
  '<': 'RL',
  '^': 'BT',
  V: 'TB',
  BR: 'TB',
};

class FlowchartParser {
  private readonly n: number;
  private pos = 0;
  private readonly problems: MermaidProblem[] = [];
  private readonly nodes: MermaidNode[] = [];
  private readonly nodeByAlias = new Map<string, MermaidNode>();
  private readonly edges: MermaidEdge[] = [];
  private readonly occurrences: { alias: string; span: Span }[] = [];
  private readonly edgeIds = new Set<string>();
  private edgeLimitReported = false;
  /**
   * The last node group of the previous statement when it ended at a line break: mermaid's
   * arrows swallow surrounding line breaks, so a line starting with an arrow continues it.
   */
  private pendingLeft: VertexRef[] | null = null;
  /** Shape data (`@{ … }`) may span lines until one block runs unclosed to the end. */
  private multiLineShapeData = true;
  // Cache for eol(): no line feed in [eolFrom, eolAt).
  private eolFrom = -1;
  private eolAt = -1;
  // Cache for find(): per needle, the first occurrence at or after `from`.
  private readonly findMemo = new Map<string, { from: number; at: number }>();

  constructor(private readonly s: string) {
    this.n = s.length;
  }

  run(taskIdPattern: string): MermaidFlowchart | undefined {
    const header = this.parseHeader();
    if (!header) return undefined;
    this.parseBody();
    const matchers = taskIdMatchers(taskIdPattern);
    for (const node of this.nodes) assignTaskId(node, matchers);
    const keywordOnly = new Set<string>();
    const aliasOccurrences: { alias: string; span: Span }[] = [];
    for (const o of this.occurrences) {
      if (this.nodeByAlias.has(o.alias)) aliasOccurrences.push(o);
      else keywordOnly.add(o.alias);
    }
    const chart: MermaidFlowchart = {
      keyword: header.keyword,
      direction: header.direction,
      nodes: this.nodes,
      edges: this.edges,
      aliasOccurrences,
      problems: this.problems,
    };
    keywordOnlyAliases.set(chart, keywordOnly);
    return chart;
  }

  // ---------------------------------------------------------------------------------------
  // Low-level helpers

  private code(i: number): number {
    return i >= 0 && i < this.n ? this.s.charCodeAt(i) : -1;
  }

  private startsWith(text: string, i: number): boolean {
    return this.s.startsWith(text, i);
  }

  /** Offset of the line feed ending the line holding `p` (or the source length). */
  private eol(p: number): number {
    if (p >= this.eolFrom && p <= this.eolAt && this.eolFrom >= 0) return this.eolAt;
    let e = this.s.indexOf('\n', p);
    if (e < 0) e = this.n;
    this.eolFrom = p;
    this.eolAt = e;
    return e;
  }

  /** indexOf with memory, so repeated failing searches stay linear overall. */
  private find(needle: string, from: number): number {
    const m = this.findMemo.get(needle);
    if (m && from >= m.from && (m.at < 0 || from <= m.at)) return m.at;
    const at = this.s.indexOf(needle, from);
    this.findMemo.set(needle, { from, at });
    return at;
  }

  /** Skips spaces and tabs (not line feeds) from `p`, up to `limit`. */
  private skipWs(p: number, limit = this.n): number {
    while (p < limit && isWs(this.s.charCodeAt(p))) p++;
    return p;
  }

  /** Trims white space (line feeds included) off both ends of [start, end). */
  private trimmed(start: number, end: number): Span {
    while (start < end && (isWs(this.s.charCodeAt(start)) || this.s.charCodeAt(start) === LF)) start++;
    while (end > start && (isWs(this.s.charCodeAt(end - 1)) || this.s.charCodeAt(end - 1) === LF)) end--;
    return { start, end };
  }

  /** End of the line holding `p`, trailing white space (such as CR) excluded, never before `p`. */
  private lineEndTrimmed(p: number): number {
    let e = this.eol(p);
    while (e > p && isWs(this.s.charCodeAt(e - 1))) e--;
    return e;
  }

  private atStatementEnd(p: number): boolean {
    if (p >= this.n) return true;
    const c = this.s.charCodeAt(p);
    return c === LF || c === SEMI || (c === PERCENT && this.code(p + 1) === PERCENT);
  }

  /** White space, line end, `;` or the end: what may follow a trailing `-`, `.` or `=` in a node ID. */
  private endsIdAt(p: number): boolean {
    const c = this.code(p);
    return c < 0 || c === LF || c === SEMI || isWs(c);
  }

  private isTripleColon(p: number): boolean {
    return this.code(p) === COLON && this.code(p + 1) === COLON && this.code(p + 2) === COLON;
  }

  /** Whether a node ID starts at `p`. */
  private isAliasStartAt(p: number): boolean {
    const c = this.code(p);
    if (isAliasCore(c) || isAliasPunct(c) || c === COMMA) return true;
    if (c === COLON) return !this.isTripleColon(p);
    if (c === DASH || c === DOT || c === EQ) {
      // `-node`, `.node`, or the single-character IDs `-` and `.` (never the start of an arrow).
      const next = this.code(p + 1);
      return isAliasCore(next) || (c !== EQ && this.endsIdAt(p + 1));
    }
    return false;
  }

  /**
   * End of the node ID starting at `p`. Like mermaid: letters, digits, `_`, non-ASCII, most
   * punctuation, `:` (not `:::`) and `,`; `-`, `.` and `=` inside an ID, or ending one before
   * white space. A `-` never starts an arrow that is part of an ID (`A-->B`, `A-.->B`), except
   * `odd->text]`, the node "odd-" with an asymmetric shape.
   */
  private aliasEnd(p: number): number {
    const s = this.s;
    const n = this.n;
    const start = p;
    while (p < n) {
      const c = s.charCodeAt(p);
      if (isAliasCore(c) || isAliasPunct(c) || c === COMMA) {
        p++;
      } else if (c === AMP && p > start) {
        // mermaid's NODE_STRING includes `&`: only a `&` that starts a token separates nodes
        // (`A & B`, `A &B`); `T&[x]` is the node "T&".
        p++;
      } else if (c === COLON) {
        if (this.isTripleColon(p)) break;
        p++;
      } else if (c === DASH || c === EQ || c === DOT) {
        const next = this.code(p + 1);
        if (isAliasCore(next)) {
          p++;
        } else if (c === DASH && next === GT && p > start) {
          p++;
          break;
        } else if (this.endsIdAt(p + 1)) {
          p++;
          break;
        } else {
          break;
        }
      } else {
        break;
      }
    }
    return p;
  }

  private preview(start: number, end: number): string {
    let stop = Math.min(end, start + PREVIEW_LENGTH);
    const c = this.s.charCodeAt(stop - 1);
    if (stop < end && c >= 0xd800 && c <= 0xdbff) stop--;
    return this.s.slice(start, stop) + (stop < end ? '…' : '');
  }

  /** Span of the run of non-blank characters at `p` (at least one character). */
  private tokenSpan(p: number): Span {
    const e = this.eol(p);
    let q = p;
    while (q < e && !isWs(this.s.charCodeAt(q))) q++;
    return { start: p, end: Math.max(q, Math.min(p + 1, this.n)) };
  }

  /** Records a problem and abandons the rest of the line holding `recoverFrom`. */
  private fail(message: string, span: Span, recoverFrom: number = span.start): Failed {
    this.problems.push({ message, span });
    this.pos = Math.max(this.pos, this.eol(recoverFrom));
    return FAILED;
  }

  private unclosed(message: string, opener: number): Failed {
    return this.fail(message, { start: opener, end: Math.max(this.lineEndTrimmed(opener), opener + 1) }, opener);
  }

  private expectedNode(p: number): Failed {
    if (this.atStatementEnd(p)) {
      return this.fail('Expected a node', { start: p, end: Math.min(p + 1, this.n) });
    }
    const t = this.tokenSpan(p);
    return this.fail(`Expected a node, found '${this.preview(t.start, t.end)}'`, t);
  }

  // ---------------------------------------------------------------------------------------
  // Header

  private parseHeader(): { keyword: 'graph' | 'flowchart'; direction: Direction } | undefined {
    const s = this.s;
    let p = 0;
    let first = true;
    while (p < this.n) {
      const e = this.eol(p);
      const q = this.skipWs(p, e);
      if (q >= e) {
        p = e + 1;
        continue;
      }
      if (first && this.isFenceLine(q, e, '---')) {
        // YAML front matter: skip to the closing `---`.
        first = false;
        let r = e + 1;
        let closed = false;
        while (r < this.n) {
          const re = this.eol(r);
          if (this.isFenceLine(this.skipWs(r, re), re, '---')) {
            closed = true;
            p = re + 1;
            break;
          }
          r = re + 1;
        }
        if (!closed) return undefined;
        continue;
      }
      first = false;
      if (this.startsWith('%%', q)) {
        p = this.skipComment(q) + 1;
        continue;
      }
      let keyword: 'graph' | 'flowchart';
      let k: number;
      if (this.startsWith('flowchart-elk', q)) {
        keyword = 'flowchart';
        k = q + 13;
      } else if (this.startsWith('flowchart', q)) {
        keyword = 'flowchart';
        k = q + 9;
      } else if (this.startsWith('graph', q)) {
        keyword = 'graph';
        k = q + 5;
      } else {
        return undefined;
      }
      const after = this.code(k);
      if (!(k >= this.n || after === LF || after === SEMI || isWs(after) || after === PERCENT)) return undefined;
      let direction: Direction = 'TB';
      let d = this.skipWs(k, e);
      if (!this.atStatementEnd(d)) {
        let de = d;
        while (de < e && !isWs(s.charCodeAt(de)) && s.charCodeAt(de) !== SEMI && !this.startsWith('%%', de)) de++;
        const word = s.slice(d, de);
        const known = DIRECTIONS[word.toUpperCase()];
        if (known) direction = known;
        else this.problems.push({ message: `Unknown flowchart direction '${this.preview(d, de)}'`, span: { start: d, end: de } });
        d = this.skipWs(de, e);
        if (!this.atStatementEnd(d)) {
          // `graph TD A --> B`: mermaid needs a line break or `;` after the direction.
          this.problems.push({
            message: "Expected a line break or ';' after the flowchart direction",
            span: this.tokenSpan(d),
          });
        }
      }
      this.pos = d;
      return { keyword, direction };
    }
    return undefined;
  }

  private isFenceLine(q: number, e: number, fence: string): boolean {
    return this.startsWith(fence, q) && this.skipWs(q + fence.length, e) >= e;
  }

  /** Skips a `%%` comment or `%%{ … }%%` directive at `q`; returns the line feed (or end) after it. */
  private skipComment(q: number): number {
    const e = this.eol(q);
    if (this.startsWith('%%{', q)) {
      const close = this.find('}%%', q + 3);
      if (close >= 0 && close >= e) return this.eol(close);
    }
    return e;
  }

  // ---------------------------------------------------------------------------------------
  // Statements

  private parseBody(): void {
    while (this.pos < this.n) {
      const c = this.s.charCodeAt(this.pos);
      if (c === LF || c === SEMI || isWs(c)) {
        if (c === SEMI) this.pendingLeft = null;
        this.pos++;
        continue;
      }
      if (c === PERCENT && this.code(this.pos + 1) === PERCENT) {
        this.pos = this.skipComment(this.pos);
        continue;
      }
      const before = this.pos;
      this.statement();
      if (this.pos <= before) this.pos = before + 1;
    }
  }

  /** The keyword starting a non-node statement at `p`, if there is one. */
  private keywordAt(p: number): string | undefined {
    const s = this.s;
    if (!isAsciiLetter(this.code(p))) return undefined;
    let w = p + 1;
    while (w < this.n && isAsciiLetter(s.charCodeAt(w))) w++;
    const word = s.slice(p, w);
    const a = this.code(w);
    const spaced = a >= 0 && isWs(a);
    const ends = w >= this.n || a === LF || a === SEMI || spaced;
    switch (word) {
      case 'subgraph':
        return ends ? word : undefined;
      case 'end':
        return ends || a === PERCENT ? word : undefined;
      case 'direction':
      case 'classDef':
      case 'linkStyle':
      case 'class':
      case 'style':
      case 'click':
        return spaced ? word : undefined;
      case 'accTitle':
      case 'accDescr': {
        const q = this.skipWs(w, this.eol(w));
        const c = this.code(q);
        return c === COLON || (word === 'accDescr' && c === LBRACE) ? word : undefined;
      }
    }
    return undefined;
  }

  private statement(): void {
    const start = this.pos;
    const left = this.pendingLeft;
    this.pendingLeft = null;
    if (left && this.matchLink(start)) {
      this.vertexStatement(left);
      return;
    }
    const keyword = this.keywordAt(start);
    if (keyword === undefined) {
      this.vertexStatement();
      return;
    }
    const w = start + keyword.length;
    switch (keyword) {
      case 'subgraph':
        this.subgraphStatement(w);
        return;
      case 'class':
        this.classStatement(w);
        return;
      case 'style':
        this.keywordTarget(this.skipWs(w));
        this.skipStatement(w);
        return;
      case 'click':
        // `click A call fn()` / `click A href "…"`: never interpreted, just skipped.
        this.keywordTarget(this.skipWs(w));
        this.pos = this.eol(w);
        return;
      case 'accTitle':
      case 'accDescr': {
        const q = this.skipWs(w, this.eol(w));
        if (this.code(q) === COLON) {
          this.pos = this.eol(q);
          return;
        }
        const close = this.find('}', q + 1);
        if (close < 0) {
          this.unclosed("Unclosed accDescr block: expected '}'", q);
          return;
        }
        this.pos = close + 1;
        return;
      }
      default: // end, direction, classDef, linkStyle
        this.skipStatement(w);
    }
  }

  /** Skips to the end of the statement (`;` or line feed), stepping over quoted strings. */
  private skipStatement(p: number): void {
    const s = this.s;
    const e = this.eol(p);
    while (p < e) {
      const c = s.charCodeAt(p);
      if (c === SEMI) break;
      if (c === QUOTE) {
        let q = p + 1;
        while (q < e && s.charCodeAt(q) !== QUOTE) q++;
        p = q + 1;
        continue;
      }
      p++;
    }
    this.pos = Math.min(p, e);
  }

  /** Records the alias named by `style X …`, `click X …`; kept only if X turns out to be a node. */
  private keywordTarget(p: number): number {
    if (!this.isAliasStartAt(p)) return p;
    const e = this.aliasEnd(p);
    this.occurrences.push({ alias: this.s.slice(p, e), span: { start: p, end: e } });
    return e;
  }

  /** `class A,B className`: each listed ID is an occurrence. */
  private classStatement(w: number): void {
    const p = this.skipWs(w);
    if (this.isAliasStartAt(p)) {
      const e = this.aliasEnd(p);
      let a = p;
      for (let i = p; i <= e; i++) {
        if (i < e && this.s.charCodeAt(i) !== COMMA) continue;
        if (i > a) this.occurrences.push({ alias: this.s.slice(a, i), span: { start: a, end: i } });
        a = i + 1;
      }
    }
    this.skipStatement(w);
  }

  private subgraphStatement(w: number): void {
    const p = this.skipWs(w, this.eol(w));
    if (this.isAliasStartAt(p)) {
      const e = this.aliasEnd(p);
      const after = this.skipWs(e, this.eol(e));
      if (this.atStatementEnd(after) || this.code(after) === LBRACKET) {
        this.occurrences.push({ alias: this.s.slice(p, e), span: { start: p, end: e } });
      }
    }
    this.skipStatement(p);
  }

  /** `A --> B & C -.-> D`, or its continuation from `left` on a line starting with an arrow. */
  private vertexStatement(continued?: VertexRef[]): void {
    let left: VertexRef[] | null;
    if (continued) {
      left = continued;
    } else {
      const start = this.pos;
      // `e1@{ animate: true }` configures the edge with ID e1; it is not a node.
      if (this.isAliasStartAt(start)) {
        const e = this.aliasEnd(start);
        if (this.startsWith('@{', e) && this.edgeIds.has(this.s.slice(start, e))) {
          this.parseShapeData(e);
          return;
        }
      }
      left = this.parseGroup();
      if (!left) return;
    }
    for (;;) {
      this.pos = this.skipWs(this.pos);
      if (this.atStatementEnd(this.pos)) {
        if (this.code(this.pos) !== SEMI) this.pendingLeft = left;
        return;
      }
      const link = this.parseLink();
      if (link === FAILED) return;
      if (link === null) {
        const t = this.tokenSpan(this.pos);
        if (this.startsWith('->', t.start)) {
          this.fail("Unknown arrow '->'; use '-->'", { start: t.start, end: t.start + 2 });
        } else {
          this.fail(`Unexpected '${this.preview(t.start, t.end)}'`, t);
        }
        return;
      }
      this.pos = this.skipWs(this.pos);
      if (this.atStatementEnd(this.pos)) {
        const target = link.bare ? this.targetOnNextLine(this.pos) : -1;
        if (target < 0) {
          this.fail('Arrow has no target node', link.span);
          return;
        }
        this.pos = target;
      }
      const right = this.parseGroup();
      if (!right) return;
      this.addEdges(left, right, link);
      left = right;
    }
  }

  /**
   * After an arrow ending its line: the start of the node on the next non-blank,
   * non-comment line (mermaid joins the lines), or -1.
   */
  private targetOnNextLine(p: number): number {
    for (;;) {
      if (p >= this.n || this.code(p) === SEMI) return -1;
      if (this.code(p) === LF) p = this.skipWs(p + 1);
      else if (this.startsWith('%%', p)) p = this.skipComment(p);
      else break;
    }
    return this.isAliasStartAt(p) && this.keywordAt(p) === undefined ? p : -1;
  }

  private addEdges(left: VertexRef[], right: VertexRef[], link: LinkInfo): void {
    for (const l of left) {
      for (const r of right) {
        if (this.edges.length >= MAX_EDGES) {
          if (!this.edgeLimitReported) {
            this.edgeLimitReported = true;
            this.problems.push({
              message: `More than ${MAX_EDGES} edges; the rest are ignored`,
              span: { start: l.start, end: r.end },
            });
          }
          return;
        }
        const edge: MermaidEdge = {
          from: l.alias,
          to: r.alias,
          fromSpan: { start: l.aliasSpan.start, end: l.aliasSpan.end },
          toSpan: { start: r.aliasSpan.start, end: r.aliasSpan.end },
          span: { start: l.start, end: r.end },
          kind: link.kind,
        };
        if (link.label !== undefined) edge.label = link.label;
        this.edges.push(edge);
      }
    }
  }

  // ---------------------------------------------------------------------------------------
  // Nodes

  /** `A`, `A & B[x] & C`: one or more vertices joined by `&`. */
  private parseGroup(): VertexRef[] | null {
    const refs: VertexRef[] = [];
    for (;;) {
      const v = this.parseVertex();
      if (!v) return null;
      refs.push(v);
      const q = this.skipWs(this.pos);
      if (this.code(q) !== AMP) return refs;
      this.pos = this.skipWs(q + 1);
      if (this.atStatementEnd(this.pos)) {
        this.fail("Expected a node after '&'", { start: q, end: q + 1 });
        return null;
      }
    }
  }

  private parseVertex(): VertexRef | null {
    const start = this.pos;
    if (!this.isAliasStartAt(start)) {
      this.expectedNode(start);
      return null;
    }
    const aliasEnd = this.aliasEnd(start);
    const alias = this.s.slice(start, aliasEnd);
    this.pos = aliasEnd;
    let label: Span | undefined;
    const c = this.code(this.pos);
    if (c === LBRACKET || c === LPAREN || c === LBRACE || c === GT) {
      const shape = this.parseShape();
      if (shape === FAILED) return null;
      label = shape;
    }
    for (let i = 0; i < 2; i++) {
      if (this.startsWith(':::', this.pos)) {
        // The class name is one of mermaid's NODE_STRINGs: a `-` belongs to it only when no
        // `-`, `>` or `.` follows (`A:::crit--> B` is class "crit" and a link).
        let p = this.pos + 3;
        while (p < this.n) {
          const ch = this.s.charCodeAt(p);
          if (isAliasCore(ch) || (ch === AMP && p > this.pos + 3)) p++;
          else if (ch === DASH) {
            const next = this.s.charCodeAt(p + 1);
            if (next === DASH || next === GT || next === DOT) break;
            p++;
          } else break;
        }
        this.pos = p;
      } else if (this.startsWith('@{', this.pos)) {
        const data = this.parseShapeData(this.pos);
        if (data === FAILED) return null;
        if (!label) label = data;
      } else {
        break;
      }
    }
    const aliasSpan = { start, end: aliasEnd };
    let node = this.nodeByAlias.get(alias);
    if (!node) {
      node = { alias, aliasSpan: { start, end: aliasEnd } };
      this.nodeByAlias.set(alias, node);
      this.nodes.push(node);
    }
    if (label && label.end > label.start && node.label === undefined) {
      node.label = this.s.slice(label.start, label.end);
      node.labelSpan = { start: label.start, end: label.end };
    }
    this.occurrences.push({ alias, span: { start, end: aliasEnd } });
    return { alias, aliasSpan, start, end: this.pos };
  }

  /**
   * The shape after an alias: `[x]`, `(x)`, `([x])`, `[[x]]`, `[(x)]`, `((x))`, `(((x)))`,
   * `>x]`, `{x}`, `{{x}}`, `[/x/]`, `[\x\]`, `[/x\]`, `[\x/]`, with plain, "quoted" or
   * "`markdown`" text. Returns the trimmed label span (possibly empty), or FAILED.
   */
  private parseShape(): Span | Failed {
    const o = this.pos;
    let openLength: number;
    let close: string;
    let trapezoid = false;
    if (this.startsWith('(((', o)) [openLength, close] = [3, ')))'];
    else if (this.startsWith('([', o)) [openLength, close] = [2, '])'];
    else if (this.startsWith('((', o)) [openLength, close] = [2, '))'];
    else if (this.startsWith('(', o)) [openLength, close] = [1, ')'];
    else if (this.startsWith('[[', o)) [openLength, close] = [2, ']]'];
    else if (this.startsWith('[(', o)) [openLength, close] = [2, ')]'];
    else if (this.startsWith('[/', o) || this.startsWith('[\\', o)) {
      [openLength, close] = [2, ']'];
      trapezoid = true;
    } else if (this.startsWith('[', o)) [openLength, close] = [1, ']'];
    else if (this.startsWith('{{', o)) [openLength, close] = [2, '}}'];
    else if (this.startsWith('{', o)) [openLength, close] = [1, '}'];
    else [openLength, close] = [1, ']']; // `>x]`
    const oddAfterDash = close === ']' && openLength === 1 && this.code(o) === GT && this.code(o - 1) === DASH;
    const q = o + openLength;
    const closeText = trapezoid ? "/]' or '\\]" : close;

    if (this.code(q) === QUOTE) {
      const str = this.parseString(q);
      if (!str) return FAILED;
      const r = this.skipWs(str.end);
      if (trapezoid) {
        const c = this.code(r);
        if ((c === SLASH || c === BACKSLASH) && this.code(r + 1) === RBRACKET) {
          this.pos = r + 2;
          return this.trimmed(str.contentStart, str.contentEnd);
        }
      } else if (this.startsWith(close, r)) {
        this.pos = r + close.length;
        return this.trimmed(str.contentStart, str.contentEnd);
      }
      const t = this.tokenSpan(r);
      return this.fail(`Expected '${closeText}' after the quoted label`, t, o);
    }

    // Unquoted text must close on the same line.
    const e = this.eol(q);
    const s = this.s;
    if (trapezoid) {
      let i = q;
      while (i < e && s.charCodeAt(i) !== RBRACKET) i++;
      if (i >= e) return this.unclosed("Unclosed label: expected '/]' or '\\]'", o);
      this.pos = i + 1;
      const before = s.charCodeAt(i - 1);
      if (i - 1 >= q && (before === SLASH || before === BACKSLASH)) return this.trimmed(q, i - 1);
      // `A[/path]` is not a trapezoid; take it as a rectangle labelled "/path".
      return this.trimmed(o + 1, i);
    }
    const first = close.charCodeAt(0);
    const last = e - close.length;
    for (let i = q; i <= last; i++) {
      if (s.charCodeAt(i) === first && (close.length === 1 || s.startsWith(close, i))) {
        this.pos = i + close.length;
        return this.trimmed(q, i);
      }
    }
    if (oddAfterDash) return this.fail("Unknown arrow '->'; use '-->'", { start: o - 1, end: o + 1 });
    return this.unclosed(`Unclosed label: expected '${close}'`, o);
  }

  /**
   * A "string" or "`markdown string`" at `q` (which holds the opening quote). Strings may
   * span lines, as in mermaid. Reports a problem and returns null when unclosed.
   */
  private parseString(q: number): StringMatch | null {
    const s = this.s;
    if (this.code(q + 1) === BACKTICK) {
      // Markdown string: runs to the first backtick or quote, which must be the `" closer.
      let i = q + 2;
      while (i < this.n) {
        const c = s.charCodeAt(i);
        if (c === BACKTICK || c === QUOTE) break;
        i++;
      }
      if (i < this.n && s.charCodeAt(i) === BACKTICK && this.code(i + 1) === QUOTE) {
        return { contentStart: q + 2, contentEnd: i, end: i + 2 };
      }
      this.unclosed('Unclosed markdown string: expected \'`"\'', q);
      return null;
    }
    const close = this.find('"', q + 1);
    if (close < 0) {
      this.unclosed("Unclosed string: expected '\"'", q);
      return null;
    }
    return { contentStart: q + 1, contentEnd: close, end: close + 1 };
  }

  /**
   * `@{ shape: rect, label: "x" }` at `p` (which holds the `@`). Returns the label value span
   * when there is one (an empty span otherwise), or FAILED.
   */
  private parseShapeData(p: number): Span | Failed {
    const s = this.s;
    const limit = this.multiLineShapeData ? this.n : this.eol(p);
    let i = p + 2;
    let inString = false;
    while (i < limit) {
      const c = s.charCodeAt(i);
      if (inString) {
        if (c === QUOTE) inString = false;
      } else if (c === QUOTE) {
        inString = true;
      } else if (c === RBRACE) {
        break;
      }
      i++;
    }
    if (i >= limit) {
      if (limit === this.n) this.multiLineShapeData = false;
      return this.unclosed("Unclosed shape data: expected '}'", p);
    }
    this.pos = i + 1;
    return this.shapeDataLabel(p + 2, i) ?? { start: this.pos, end: this.pos };
  }

  /** Finds `label: value` among the `key: value` pairs in [a, b). */
  private shapeDataLabel(a: number, b: number): Span | undefined {
    const s = this.s;
    let i = a;
    while (i < b) {
      const c = s.charCodeAt(i);
      if (isWs(c) || c === LF || c === COMMA) {
        i++;
        continue;
      }
      const keyStart = i;
      while (i < b && (isWordChar(s.charCodeAt(i)) || s.charCodeAt(i) === DASH)) i++;
      if (i === keyStart) {
        i++;
        continue;
      }
      const key = s.slice(keyStart, i);
      let j = this.skipWs(i, b);
      if (s.charCodeAt(j) !== COLON) {
        i = j;
        continue;
      }
      j = this.skipWs(j + 1, b);
      let valueStart: number;
      let valueEnd: number;
      if (j < b && s.charCodeAt(j) === QUOTE) {
        let k = j + 1;
        while (k < b && s.charCodeAt(k) !== QUOTE) k++;
        valueStart = j + 1;
        valueEnd = k;
        i = k + 1;
      } else {
        let k = j;
        while (k < b && s.charCodeAt(k) !== COMMA && s.charCodeAt(k) !== LF) k++;
        valueStart = j;
        valueEnd = k;
        i = k;
      }
      if (key === 'label') return this.trimmed(valueStart, valueEnd);
    }
    return undefined;
  }

  // ---------------------------------------------------------------------------------------
  // Links

  /**
   * A link at `this.pos`: an optional edge ID (`e1@`), an arrow (with inline text for the
   * `-- text -->` forms) and an optional `|label|`. Returns null (position unchanged) when
   * there is no arrow here, FAILED when a problem was reported.
   */
  private parseLink(): LinkInfo | null | Failed {
    const start = this.pos;
    let p = start;
    let edgeId: string | undefined;
    if (this.isAliasStartAt(p)) {
      const e = this.aliasEnd(p);
      const after = this.code(e + 1);
      if (this.code(e) === AT && e + 1 < this.n && after !== LBRACE && after !== QUOTE) {
        edgeId = this.s.slice(p, e);
        p = this.skipWs(e + 1);
      }
    }
    const m = this.matchLink(p);
    if (!m) {
      if (edgeId === undefined) return null;
      return this.fail('Expected an arrow after the edge ID', { start, end: p });
    }
    if (edgeId !== undefined) this.edgeIds.add(edgeId);
    let label: Span | undefined;
    let end = m.end;
    if (m.textMode) {
      const closing = this.parseLinkText(start, m);
      if (closing === FAILED) return FAILED;
      label = closing.label;
      end = closing.end;
    }
    const r = this.skipWs(end);
    if (this.code(r) === PIPE) {
      const pipe = this.parsePipeLabel(r);
      if (pipe === FAILED) return FAILED;
      if (!label || label.end <= label.start) label = pipe.label;
      this.pos = pipe.end;
    } else {
      this.pos = end;
    }
    const info: LinkInfo = { kind: m.kind, span: { start, end }, bare: this.pos === end };
    if (label && label.end > label.start) info.label = this.s.slice(label.start, label.end);
    return info;
  }

  /** Matches an arrow (or the opening of an arrow with inline text) at `p`. */
  private matchLink(p: number): LinkMatch | null {
    let c = this.code(p);
    if (c === TILDE) {
      let r = p;
      while (this.code(r) === TILDE) r++;
      return r - p >= 3 ? { kind: 'invisible', end: r } : null;
    }
    let q = p;
    if (c === LOWER_X || c === LOWER_O || c === LT) {
      const next = this.code(p + 1);
      if (next === DASH || next === EQ || next === DOT) q++;
    }
    c = this.code(q);
    if (c === DASH || c === EQ) {
      let r = q;
      while (this.code(r) === c) r++;
      const count = r - q;
      if (count === 1) {
        if (c === DASH && this.code(r) === DOT) return this.matchDotted(r);
        return null;
      }
      const kind: MermaidEdgeKind = c === DASH ? 'solid' : 'thick';
      if (isArrowHead(this.code(r))) return { kind, end: r + 1 };
      if (count >= 3) return { kind, end: r };
      return { kind, end: r, textMode: true };
    }
    if (c === DOT) {
      // `.->` (mermaid allows the leading dash of a dotted arrow to be left out).
      let r = q;
      while (this.code(r) === DOT) r++;
      if (this.code(r) !== DASH) return null;
      r++;
      if (isArrowHead(this.code(r))) r++;
      return { kind: 'dotted', end: r };
    }
    return null;
  }

  /** After `-` with dots at `r`: `-.->`, `-..-`, or the `-.` opening of `-. text .->`. */
  private matchDotted(r: number): LinkMatch {
    while (this.code(r) === DOT) r++;
    if (this.code(r) === DASH) {
      r++;
      if (isArrowHead(this.code(r))) r++;
      return { kind: 'dotted', end: r };
    }
    return { kind: 'dotted', end: r, textMode: true };
  }

  /** The text and closing arrow of `-- text -->`, `== text ==>`, `-. text .->`. */
  private parseLinkText(start: number, m: LinkMatch): { label: Span; end: number } | Failed {
    const s = this.s;
    const t = this.skipWs(m.end);
    if (this.code(t) === QUOTE) {
      const str = this.parseString(t);
      if (!str) return FAILED;
      const r = this.skipWs(str.end);
      const end = this.matchClosing(m.kind, r);
      if (end < 0) return this.fail('Expected an arrow to close the edge text', this.tokenSpan(r), start);
      return { label: this.trimmed(str.contentStart, str.contentEnd), end };
    }
    const e = this.eol(t);
    const mark = m.kind === 'thick' ? EQ : m.kind === 'dotted' ? DOT : DASH;
    const next = m.kind === 'thick' ? EQ : DASH;
    for (let i = t; i + 1 < e; i++) {
      if (s.charCodeAt(i) !== mark || s.charCodeAt(i + 1) !== next) continue;
      let closeStart = i;
      if (m.kind === 'dotted') {
        while (closeStart > t && s.charCodeAt(closeStart - 1) === DOT) closeStart--;
        if (closeStart > t && s.charCodeAt(closeStart - 1) === DASH) closeStart--;
      }
      const end = this.matchClosing(m.kind, closeStart);
      if (end < 0) {
        return this.fail(
          `Expected an arrow such as '${m.kind === 'thick' ? '==>' : '-->'}' to close the edge text`,
          this.tokenSpan(i),
          start,
        );
      }
      return { label: this.trimmed(t, closeStart), end };
    }
    return this.fail('Edge text is not closed by an arrow', { start, end: Math.max(this.lineEndTrimmed(start), start + 1) }, start);
  }

  /** The arrow ending inline edge text at `p`; returns its end, or -1. */
  private matchClosing(kind: MermaidEdgeKind, p: number): number {
    if (kind === 'dotted') {
      let r = p;
      if (this.code(r) === DASH) r++;
      const dots = r;
      while (this.code(r) === DOT) r++;
      if (r === dots || this.code(r) !== DASH) return -1;
      r++;
      return isArrowHead(this.code(r)) ? r + 1 : r;
    }
    const c = kind === 'thick' ? EQ : DASH;
    let r = p;
    while (this.code(r) === c) r++;
    const count = r - p;
    if (count >= 2 && isArrowHead(this.code(r))) return r + 1;
    if (count >= 3) return r;
    return -1;
  }

  /** `|label|` at `p`. */
  private parsePipeLabel(p: number): { label: Span; end: number } | Failed {
    const q = this.skipWs(p + 1);
    if (this.code(q) === QUOTE) {
      const str = this.parseString(q);
      if (!str) return FAILED;
      const r = this.skipWs(str.end);
      if (this.code(r) !== PIPE) return this.fail("Expected '|' after the quoted edge label", this.tokenSpan(r), p);
      return { label: this.trimmed(str.contentStart, str.contentEnd), end: r + 1 };
    }
    const e = this.eol(p);
    let i = p + 1;
    while (i < e && this.s.charCodeAt(i) !== PIPE) i++;
    if (i >= e) return this.unclosed("Unclosed edge label: expected '|'", p);
    return { label: this.trimmed(p + 1, i), end: i + 1 };
  }
}

// -----------------------------------------------------------------------------------------
// Task IDs

interface TaskIdMatchers {
  /** The ID matched at `index` of `text` (bounded by non-word characters), if any. */
  isTaskIdAt(text: string, index: number): string | undefined;
  /** Every bounded ID in `text`, in order, stopping after `limit` distinct IDs. */
  findTaskIds(text: string, limit: number): { id: string; index: number }[];
  isWholeTaskId(alias: string): boolean;
}

function compileTaskIdPattern(pattern: string): TaskIdMatchers {
  let sticky: RegExp;
  let global: RegExp;
  let whole: RegExp;
  try {
    sticky = new RegExp(pattern, 'y');
    global = new RegExp(pattern, 'g');
    whole = new RegExp(`^(?:${pattern})$`);
  } catch {
    sticky = new RegExp(DEFAULT_TASK_ID_PATTERN, 'y');
    global = new RegExp(DEFAULT_TASK_ID_PATTERN, 'g');
    whole = new RegExp(`^(?:${DEFAULT_TASK_ID_PATTERN})$`);
  }
  const bounded = (text: string, index: number, length: number): boolean =>
    length > 0 &&
    (index === 0 || !isWordChar(text.charCodeAt(index - 1))) &&
    (index + length >= text.length || !isWordChar(text.charCodeAt(index + length)));
  return {
    isTaskIdAt(text, index) {
      sticky.lastIndex = index;
      const m = sticky.exec(text);
      return m && bounded(text, index, m[0].length) ? m[0] : undefined;
    },
    findTaskIds(text, limit) {
      const found: { id: string; index: number }[] = [];
      const distinct = new Set<string>();
      global.lastIndex = 0;
      for (;;) {
        const m = global.exec(text);
        if (!m) break;
        if (m[0].length === 0) {
          global.lastIndex++;
          continue;
        }
        if (bounded(text, m.index, m[0].length)) {
          found.push({ id: m[0], index: m.index });
          distinct.add(m[0]);
          if (distinct.size >= limit) break;
        }
      }
      return found;
    },
    isWholeTaskId(alias) {
      return whole.test(alias);
    },
  };
}

const matchersByPattern = new Map<string, TaskIdMatchers>();

function taskIdMatchers(pattern: string): TaskIdMatchers {
  let m = matchersByPattern.get(pattern);
  if (!m) {
    if (matchersByPattern.size > 16) matchersByPattern.clear();
    m = compileTaskIdPattern(pattern);
    matchersByPattern.set(pattern, m);
  }
  return m;
}

/** The task ID a node stands for: one its label names, else its alias when that is an ID. */
function assignTaskId(node: MermaidNode, { isTaskIdAt, findTaskIds, isWholeTaskId }: TaskIdMatchers): void {
  if (node.label !== undefined && node.labelSpan) {
    const found = findTaskIdInLabel(node.label, isTaskIdAt, findTaskIds);
    if (found) {
      node.taskId = found.id;
      const start = node.labelSpan.start + found.index;
      node.taskIdSpan = { start, end: start + found.id.length };
      return;
    }
  }
  if (isWholeTaskId(node.alias)) {
    node.taskId = node.alias;
    node.taskIdSpan = { start: node.aliasSpan.start, end: node.aliasSpan.end };
  }
}

/** An ID at the start of the label, else the one ID the label mentions (possibly repeatedly). */
function findTaskIdInLabel(
  label: string,
  isTaskIdAt: TaskIdMatchers['isTaskIdAt'],
  findTaskIds: TaskIdMatchers['findTaskIds'],
): { id: string; index: number } | undefined {
  const atStart = isTaskIdAt(label, 0);
  if (atStart) return { id: atStart, index: 0 };
  const found = findTaskIds(label, 2);
  if (found.length === 0) return undefined;
  const id = found[0].id;
  return found.every((f) => f.id === id) ? found[0] : undefined;
}

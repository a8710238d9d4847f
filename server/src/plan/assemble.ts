// Blocks with relative facts -> the absolute Plan model. Linear in the number of facts; no
// Markdown parsing happens here, so it is cheap enough to run after every edit.
import type { Block } from './blocks';
import { findTaskIds, taskIdRegExp } from './facts';
import { LineIndex } from './lineIndex';
import type {
  ChecklistItem,
  CodeFence,
  DependencyEdge,
  DisableDirective,
  Field,
  MermaidBlock,
  MermaidFlowchart,
  Placeholder,
  Plan,
  Section,
  Span,
  Step,
  Table,
  TaskDefinition,
  TaskMention,
  TaskRef,
} from './types';

const OVERVIEW = /^overview$/i;
const SEQUENCE = /^implementation sequence$/i;
const TASK_BREAKDOWN = /^task breakdown/i;
export const METADATA_KEYS = ['Phase', 'Phase Name', 'Created', 'Target Start', 'Target End'];
export const FOOTER_KEYS = ['Created By', 'Reviewed By', 'Approved', 'Last Updated'];

function at(span: Span, base: number): Span {
  return { start: span.start + base, end: span.end + base };
}

function shiftField(f: Field, base: number): Field {
  return {
    key: f.key,
    keySpan: at(f.keySpan, base),
    value: f.value,
    valueSpan: at(f.valueSpan, base),
    lineSpan: at(f.lineSpan, base),
  };
}

function shiftFlowchart(chart: MermaidFlowchart, base: number): MermaidFlowchart {
  return {
    keyword: chart.keyword,
    direction: chart.direction,
    nodes: chart.nodes.map((n) => ({
      ...n,
      aliasSpan: at(n.aliasSpan, base),
      labelSpan: n.labelSpan && at(n.labelSpan, base),
      taskIdSpan: n.taskIdSpan && at(n.taskIdSpan, base),
    })),
    edges: chart.edges.map((e) => ({ ...e, fromSpan: at(e.fromSpan, base), toSpan: at(e.toSpan, base), span: at(e.span, base) })),
    aliasOccurrences: chart.aliasOccurrences.map((o) => ({ alias: o.alias, span: at(o.span, base) })),
    problems: chart.problems.map((p) => ({ message: p.message, span: at(p.span, base) })),
  };
}

function normalizeTitle(title: string): string {
  return title.replace(/[*_`]/g, '').replace(/:\s*$/, '').trim();
}

export function assemblePlan(uri: string, version: number, text: string, blocks: Block[], taskIdPattern: string): Plan {
  const sections: Section[] = [];
  const tables: Table[] = [];
  const tasks: TaskDefinition[] = [];
  const mermaid: MermaidBlock[] = [];
  const checklists: ChecklistItem[] = [];
  const fences: CodeFence[] = [];
  const placeholders: Placeholder[] = [];
  const directives: DisableDirective[] = [];
  const fields: { field: Field; section: number }[] = [];
  const textMentions: TaskMention[] = [];
  const mentions: TaskMention[] = [];
  let title: Plan['title'];

  // Section stack: indices of open sections by level.
  const open: number[] = [];
  let current = -1;

  for (const block of blocks) {
    const f = block.facts;
    const base = block.start;
    if (f.heading) {
      const level = f.heading.depth;
      while (open.length && sections[open[open.length - 1]].level >= level) {
        sections[open.pop()!].span.end = block.start;
      }
      const parent = open.length ? open[open.length - 1] : -1;
      const index = sections.length;
      sections.push({
        title: normalizeTitle(f.heading.title),
        level,
        headingSpan: { start: block.start, end: block.end },
        titleSpan: at(f.heading.titleSpan, base),
        span: { start: block.start, end: text.length },
        parent,
        children: [],
      });
      if (parent >= 0) sections[parent].children.push(index);
      open.push(index);
      current = index;
      if (!title) title = { text: f.heading.title, span: at(f.heading.titleSpan, base) };
    }
    for (const field of f.fields) fields.push({ field: shiftField(field, base), section: current });
    for (const item of f.checklist) checklists.push({ checked: item.checked, span: at(item.span, base), section: current });
    for (const p of f.placeholders) placeholders.push({ text: p.text, span: at(p.span, base) });
    for (const d of f.directives) directives.push({ kind: d.kind, codes: d.codes, span: at(d.span, base) });
    if (f.table) {
      const t = f.table;
      const tableIndex = tables.length;
      const rows = t.rows.map((r, i) => {
        const rowBase = base + t.rowOffsets[i];
        return {
          span: at(r.row.span, rowBase),
          cells: r.row.cells.map((c) => ({ text: c.text, span: at(c.span, rowBase) })),
        };
      });
      tables.push({
        span: { start: block.start, end: block.end },
        header: t.header.map((c) => ({ text: c.text, span: at(c.span, base) })),
        section: current,
        rows,
        columnCount: t.header.length,
      });
      if (t.columns.kind === 'task') {
        rows.forEach((row, i) => {
          const rowFacts = t.rows[i];
          const rowBase = base + t.rowOffsets[i];
          const idMention = rowFacts.mentions.find((m) => m.kind === 'definition');
          if (!idMention) return;
          const dependsOnCell = row.cells[t.columns.dependsOn];
          const hoursCell = t.columns.hours >= 0 ? row.cells[t.columns.hours] : undefined;
          const hoursText = hoursCell?.text.replace(/h(ours?|rs?)?$/i, '').trim();
          const hours = hoursText && /^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(hoursText) ? Number(hoursText) : undefined;
          tasks.push({
            id: idMention.id,
            idSpan: at(idMention.span, rowBase),
            rowSpan: row.span,
            row,
            table: tableIndex,
            dependsOn: rowFacts.mentions.filter((m) => m.kind === 'dependsOn').map((m) => ({ id: m.id, span: at(m.span, rowBase) })),
            dependsOnCell,
            hoursCell,
            hours,
          });
        });
      }
    }
    if (f.code && f.code.fenceLength > 0) {
      const c = f.code;
      fences.push({
        span: { start: block.start, end: block.end },
        lang: c.lang,
        fenceChar: c.fenceChar,
        fenceLength: c.fenceLength,
        openingSpan: at(c.openingSpan, base),
        closed: c.closed,
        nestedOpenings: c.nestedOpenings.map((s) => at(s, base)),
      });
      if (c.flowchart) {
        mermaid.push({
          span: { start: block.start, end: block.end },
          contentStart: base + c.contentStart,
          flowchart: shiftFlowchart(c.flowchart, base + c.contentStart),
          section: current,
        });
      }
    }
    for (const m of f.mentions) {
      const mention: TaskMention = { id: m.id, span: at(m.span, base), kind: m.kind };
      if (m.kind === 'text') textMentions.push(mention);
      else mentions.push(mention);
    }
  }
  for (const index of open) sections[index].span.end = text.length;

  // Overview metadata and sign-off footer.
  const metadata = new Map<string, Field>();
  const footer = new Map<string, Field>();
  const overview = sections.findIndex((s) => OVERVIEW.test(s.title));
  const isIn = (section: number, ancestor: number) => {
    for (let s = section; s >= 0; s = sections[s].parent) if (s === ancestor) return true;
    return false;
  };
  for (const { field, section } of fields) {
    const key = canonicalKey(field.key);
    if (overview >= 0 && isIn(section, overview)) {
      if (METADATA_KEYS.includes(key) && !metadata.has(key)) metadata.set(key, { ...field, key });
    } else if (FOOTER_KEYS.includes(key)) {
      footer.set(key, { ...field, key }); // the last sign-off wins
    }
  }
  if (overview < 0) {
    for (const { field } of fields) {
      const key = canonicalKey(field.key);
      if (METADATA_KEYS.includes(key) && !metadata.has(key) && !FOOTER_KEYS.includes(key)) metadata.set(key, { ...field, key });
    }
  }

  // Steps of the Implementation Sequence: its direct sub-sections.
  const sequenceSection = sections.findIndex((s) => SEQUENCE.test(s.title));
  const steps: Step[] = [];
  if (sequenceSection >= 0) {
    for (const child of sections[sequenceSection].children) {
      const s = sections[child];
      const tasksField = fields.find((f) => f.section >= 0 && isIn(f.section, child) && canonicalKey(f.field.key) === 'Tasks')?.field;
      const taskRefs: TaskRef[] = tasksField ? findTaskIds(tasksField.value, taskIdPattern, tasksField.valueSpan.start) : [];
      const number = /^step\s+(\d+)/i.exec(s.title);
      steps.push({
        title: s.title,
        number: number ? Number(number[1]) : undefined,
        headingSpan: s.headingSpan,
        span: s.span,
        tasksField,
        tasks: taskRefs,
      });
      for (const r of taskRefs) mentions.push({ id: r.id, span: r.span, kind: 'step' });
    }
  }
  // Step references were found as text mentions too; keep each offset once.
  const stepOffsets = new Set(steps.flatMap((s) => s.tasks.map((t) => t.span.start)));
  for (const m of textMentions) if (!stepOffsets.has(m.span.start)) mentions.push(m);

  // The task graph: mermaid flowcharts of the Task Breakdown section (all of them if the plan has none).
  const breakdown = sections.findIndex((s) => TASK_BREAKDOWN.test(s.title));
  const graphBlocks = mermaid.filter((m) => breakdown < 0 || (m.section >= 0 && isIn(m.section, breakdown)));
  const edges: DependencyEdge[] = [];
  for (const t of tasks) for (const d of t.dependsOn) edges.push({ from: d.id, to: t.id, span: d.span, source: 'table' });
  for (const block of graphBlocks) {
    const chart = block.flowchart!;
    const taskOf = new Map<string, string>();
    for (const n of chart.nodes) if (n.taskId) taskOf.set(n.alias, n.taskId);
    for (const e of chart.edges) {
      const from = taskOf.get(e.from);
      const to = taskOf.get(e.to);
      if (from && to && e.kind !== 'invisible') edges.push({ from, to, span: e.span, source: 'mermaid' });
    }
    for (const n of chart.nodes) {
      if (!n.taskId) continue;
      if (n.alias === n.taskId) {
        for (const o of chart.aliasOccurrences) if (o.alias === n.alias) mentions.push({ id: n.taskId, span: o.span, kind: 'mermaid' });
      } else if (n.taskIdSpan) {
        mentions.push({ id: n.taskId, span: n.taskIdSpan, kind: 'mermaid' });
      }
    }
  }
  mentions.sort((a, b) => a.span.start - b.span.start);
  placeholders.sort((a, b) => a.span.start - b.span.start);

  const taskById = new Map<string, TaskDefinition>();
  for (const t of tasks) if (!taskById.has(t.id)) taskById.set(t.id, t);

  return {
    uri,
    version,
    text,
    lines: new LineIndex(text),
    title,
    sections,
    metadata,
    footer,
    tables,
    tasks,
    taskById,
    steps,
    sequenceSection,
    mermaid: graphBlocks,
    edges,
    checklists,
    fences,
    mentions,
    placeholders,
    directives,
    taskIdRegExp: () => taskIdRegExp(taskIdPattern),
  };
}

/** Field keys as the template spells them, whatever the case. */
function canonicalKey(key: string): string {
  const k = key.trim().replace(/\s+/g, ' ').toLowerCase();
  for (const known of [...METADATA_KEYS, ...FOOTER_KEYS, 'Tasks', 'Purpose', 'Deliverables']) {
    if (known.toLowerCase() === k) return known;
  }
  return key.trim();
}

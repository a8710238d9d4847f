import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { CompletionItem, MarkupContent, Range, TextEdit } from 'vscode-languageserver-types';
import { parsePlan, type Plan } from '../../../server/src/plan';
import { complete, resolveCompletionItem } from '../../../server/src/features/completion';
import { DEFAULT_SETTINGS } from '../../../shared/settings';
import { FILLED, TEMPLATE } from '../testUtil';

const CURSOR = '§';

/** `text` with `from` replaced by `to` (which may hold the cursor mark); fails when `from` is absent. */
function edit(text: string, from: string | RegExp, to: string): string {
  const out = text.replace(from, to);
  assert.notEqual(out, text, `fixture text ${String(from)} not found`);
  return out;
}

/** Parses text holding one cursor mark and asks for completions there. */
function completeAt(textWithCursor: string): { plan: Plan; items: CompletionItem[]; line: string; character: number } {
  const at = textWithCursor.indexOf(CURSOR);
  assert.ok(at >= 0, 'test text has no cursor mark');
  const text = textWithCursor.slice(0, at) + textWithCursor.slice(at + CURSOR.length);
  const plan = parsePlan(text, { uri: 'file:///work/plans/accounts.plan.md' });
  const position = plan.lines.positionAt(at);
  const list = complete(plan, position, DEFAULT_SETTINGS);
  const line = text.split(/\r?\n/)[position.line];
  return { plan, items: list.items, line, character: position.character };
}

function labels(items: CompletionItem[]): string[] {
  return items.map((i) => i.label);
}

function item(items: CompletionItem[], label: string): CompletionItem {
  const found = items.find((i) => i.label === label);
  assert.ok(found, `no completion ${label} among ${labels(items).join(', ') || '(none)'}`);
  return found;
}

/** The text each item's edit replaces, on the cursor's line. */
function replaced(items: CompletionItem[], line: string): string[] {
  return items.map((i) => {
    const range = (i.textEdit as TextEdit).range as Range;
    assert.equal(range.start.line, range.end.line, 'edit stays on one line');
    return line.slice(range.start.character, range.end.character);
  });
}

/** The documentation the editor shows once it resolves the item. */
function docOf(i: CompletionItem, plan: Plan): string {
  const d = resolveCompletionItem(plan, i).documentation;
  return typeof d === 'string' ? d : (d as MarkupContent | undefined)?.value ?? '';
}

describe('completion: task IDs in a Depends On cell', () => {
  it('offers tasks that neither are the row, depend on it, nor are listed already', () => {
    const { items, line } = completeAt(edit(FILLED, '| TASK_004 | TASK_002 | 8 |', `| TASK_004 | TASK_002, TASK_0${CURSOR} | 8 |`));
    // TASK_004 is the row itself, TASK_005 depends on it (cycle), TASK_002 is listed already.
    assert.deepEqual(labels(items), ['TASK_001', 'TASK_003']);
    // The edit replaces the partly typed ID, nothing more.
    assert.deepEqual(replaced(items, line), ['TASK_0', 'TASK_0']);
    for (const i of items) assert.equal((i.textEdit as TextEdit).newText, i.label);
  });

  it('describes each task: hours, prerequisites and step', () => {
    const { items, plan } = completeAt(edit(FILLED, '| TASK_004 | TASK_002 | 8 |', `| TASK_004 | TASK_002, ${CURSOR} | 8 |`));
    const t3 = item(items, 'TASK_003');
    // The unit once, as hours are written (issue #12: "10 h", not "10h h").
    assert.match(t3.detail ?? '', /^10h ·/);
    assert.match(t3.detail ?? '', /TASK_001, TASK_002/);
    assert.match(t3.detail ?? '', /Step 2: Core Functionality/);
    const doc = docOf(t3, plan);
    assert.match(doc, /TASK_003/);
    assert.match(doc, /Estimated hours: 10/);
    assert.match(doc, /Depends on: `TASK_001`, `TASK_002`/);
    assert.match(doc, /Needed by: `TASK_005`/);
    assert.match(doc, /Step: Step 2: Core Functionality/);
    const t1 = item(items, 'TASK_001');
    assert.match(t1.detail ?? '', /^6h ·/);
    assert.match(t1.detail ?? '', /Step 1: Foundation Setup/);
    assert.doesNotMatch(t1.detail ?? '', /after/);
  });

  it('offers nothing that would close a cycle: every task transitively depends on TASK_001', () => {
    const { items } = completeAt(edit(FILLED, '| TASK_001 | None | 6 |', `| TASK_001 | None, ${CURSOR} | 6 |`));
    assert.deepEqual(labels(items), []);
  });

  it('blocks transitive dependents, not only direct ones', () => {
    // TASK_002's dependents are TASK_003 and TASK_004 directly and TASK_005 through them.
    const { items } = completeAt(edit(FILLED, '| TASK_002 | TASK_001 | 4 |', `| TASK_002 | ${CURSOR} | 4 |`));
    assert.deepEqual(labels(items), ['TASK_001']);
  });

  it('still offers the ID being typed when it is complete', () => {
    const { items, line } = completeAt(edit(FILLED, '| TASK_004 | TASK_002 | 8 |', `| TASK_004 | TASK_002, TASK_003${CURSOR} | 8 |`));
    assert.deepEqual(labels(items), ['TASK_001', 'TASK_003']);
    assert.deepEqual(replaced(items, line), ['TASK_003', 'TASK_003']);
  });

  it('replaces the whole word when the cursor is inside an ID', () => {
    const { items, line } = completeAt(edit(FILLED, '| TASK_004 | TASK_002 | 8 |', `| TASK_004 | TASK_0${CURSOR}02 | 8 |`));
    assert.ok(items.length > 0);
    assert.deepEqual(new Set(replaced(items, line)), new Set(['TASK_002']));
  });

  it('works in a row being typed without a closing pipe', () => {
    const { items } = completeAt(edit(FILLED, '| TASK_005 | TASK_003, TASK_004 | 12 |\n', `| TASK_005 | TASK_003, TASK_004 | 12 |\n| TASK_006 | TASK_${CURSOR}\n`));
    assert.deepEqual(labels(items), ['TASK_001', 'TASK_002', 'TASK_003', 'TASK_004', 'TASK_005']);
  });

  it('reads the columns as the plan does: "Task ID" and "Dependencies" make a task table', () => {
    const text = `# Implementation Plan: Phase 1 - X\n\n## Task Breakdown with Dependencies\n\n| Task ID | Dependencies | Estimated Hours |\n|---|---|---|\n| TASK_001 | None | 2 |\n| TASK_002 | TASK_001 | 3 |\n| TASK_003 | ${CURSOR} | 3 |\n`;
    assert.deepEqual(labels(completeAt(text).items), ['TASK_001', 'TASK_002']);
  });

  it('works in a CRLF document', () => {
    const crlf = FILLED.replace(/\n/g, '\r\n');
    const { items, line } = completeAt(edit(crlf, '| TASK_004 | TASK_002 | 8 |', `| TASK_004 | TASK_002, TASK_0${CURSOR} | 8 |`));
    assert.deepEqual(labels(items), ['TASK_001', 'TASK_003']);
    assert.deepEqual(replaced(items, line), ['TASK_0', 'TASK_0']);
    const heading = completeAt(edit(crlf, /## Rollback Plan\r\n[\s\S]*?(?=## Risk Mitigation)/, `## Rol${CURSOR}\r\n\r\n`));
    assert.deepEqual(labels(heading.items), ['Rollback Plan']);
    assert.deepEqual(replaced(heading.items, heading.line), ['Rol']);
  });

  it('offers nothing in the Estimated Hours cell', () => {
    const { items } = completeAt(edit(FILLED, '| TASK_003 | TASK_001, TASK_002 | 10 |', `| TASK_003 | TASK_001, TASK_002 | 10${CURSOR} |`));
    assert.deepEqual(items, []);
  });
});

describe('completion: the next free ID in a new task row', () => {
  it('offers the next free ID after "| " on a new line under the last row', () => {
    const { items, line, character } = completeAt(
      edit(FILLED, '| TASK_005 | TASK_003, TASK_004 | 12 |\n', `| TASK_005 | TASK_003, TASK_004 | 12 |\n| ${CURSOR}\n`),
    );
    assert.equal(line, '| ');
    assert.equal(character, 2);
    assert.equal(items[0].label, 'TASK_006');
    assert.match(items[0].detail ?? '', /next free/);
    assert.deepEqual(replaced(items, line), ['']);
  });

  it('right after the pipe too, and replaces a partly typed ID', () => {
    const bare = completeAt(edit(FILLED, '| TASK_005 | TASK_003, TASK_004 | 12 |\n', `| TASK_005 | TASK_003, TASK_004 | 12 |\n|${CURSOR}\n`));
    assert.equal(bare.items[0]?.label, 'TASK_006');
    const typed = completeAt(edit(FILLED, '| TASK_005 | TASK_003, TASK_004 | 12 |\n', `| TASK_005 | TASK_003, TASK_004 | 12 |\n| TASK_0${CURSOR}\n`));
    assert.equal(typed.items[0]?.label, 'TASK_006');
    assert.equal(replaced(typed.items, typed.line)[0], 'TASK_0');
  });

  it('also offers IDs that steps or the graph name but the table lacks', () => {
    // The template's steps and graph name TASK_003..TASK_007; its table has rows for 001 and 002.
    const { items } = completeAt(edit(TEMPLATE, '| TASK_002 | TASK_001 | Y |\n', `| TASK_002 | TASK_001 | Y |\n| ${CURSOR}\n`));
    assert.equal(items[0].label, 'TASK_008');
    assert.deepEqual(labels(items).slice(1), ['TASK_003', 'TASK_004', 'TASK_005', 'TASK_006', 'TASK_007']);
  });
});

describe('completion: task IDs in a step and in the graph', () => {
  it('offers unlisted tasks on a **Tasks:** line, replacing the typed prefix', () => {
    const { items, line } = completeAt(edit(FILLED, '**Tasks:** [TASK_005]', `**Tasks:** [TASK_005, TASK_${CURSOR}]`));
    assert.deepEqual(labels(items), ['TASK_001', 'TASK_002', 'TASK_003', 'TASK_004']);
    assert.deepEqual(new Set(replaced(items, line)), new Set(['TASK_']));
  });

  it('sorts tasks that no step lists first', () => {
    const text = edit(FILLED, '**Tasks:** [TASK_003, TASK_004]', '**Tasks:** [TASK_003]');
    const { items } = completeAt(edit(text, '**Tasks:** [TASK_005]', `**Tasks:** [TASK_005, ${CURSOR}]`));
    const sorted = [...items].sort((a, b) => (a.sortText ?? '').localeCompare(b.sortText ?? ''));
    assert.equal(sorted[0].label, 'TASK_004');
  });

  it('offers nothing on the key itself', () => {
    const { items } = completeAt(edit(FILLED, '**Tasks:** [TASK_005]', `**Tas${CURSOR}ks:** [TASK_005]`));
    assert.deepEqual(items, []);
    assert.deepEqual(completeAt(edit(FILLED, '**Tasks:** [TASK_005]', `**Tasks${CURSOR}:** [TASK_005]`)).items, []);
  });

  it('offers every task on a new line of the mermaid block', () => {
    const { items, line } = completeAt(edit(FILLED, '    D --> E\n', `    D --> E\n    TASK_${CURSOR}\n`));
    assert.deepEqual(labels(items), ['TASK_001', 'TASK_002', 'TASK_003', 'TASK_004', 'TASK_005']);
    assert.deepEqual(new Set(replaced(items, line)), new Set(['TASK_']));
  });

  // Issue #12: the graph follows the table's rules: never the task itself, nor one that would close a cycle.
  it('after "B -->" offers neither B nor what B waits for', () => {
    const { items } = completeAt(edit(FILLED, '    D --> E\n', `    D --> E\n    B --> TASK_${CURSOR}\n`));
    assert.deepEqual(labels(items), ['TASK_003', 'TASK_004', 'TASK_005']);
  });

  it('before "--> C" offers neither C nor what waits for C', () => {
    const { items } = completeAt(edit(FILLED, '    D --> E\n', `    D --> E\n    TASK_${CURSOR} --> C\n`));
    assert.deepEqual(labels(items), ['TASK_001', 'TASK_002', 'TASK_004']);
  });

  it('after the last task\'s arrow offers nothing: every task would close a cycle', () => {
    const { items } = completeAt(edit(FILLED, '    D --> E\n', `    D --> E\n    E --> TASK_${CURSOR}\n`));
    assert.deepEqual(labels(items), []);
  });
});

describe('completion: section headings', () => {
  const withoutRollback = edit(FILLED, /## Rollback Plan\n[\s\S]*?(?=## Risk Mitigation)/, '');

  it('offers the missing ## sections after "## "', () => {
    const { items, line } = completeAt(edit(withoutRollback, '## Risk Mitigation', `## ${CURSOR}\n\n## Risk Mitigation`));
    assert.deepEqual(labels(items), ['Rollback Plan']);
    assert.deepEqual(replaced(items, line), ['']);
    assert.equal((items[0].textEdit as TextEdit).newText, 'Rollback Plan');
  });

  it('replaces the partly typed heading', () => {
    const { items, line } = completeAt(edit(withoutRollback, '## Risk Mitigation', `## Roll${CURSOR}\n\n## Risk Mitigation`));
    assert.deepEqual(labels(items), ['Rollback Plan']);
    assert.deepEqual(replaced(items, line), ['Roll']);
  });

  it('offers every ## section of the template to an empty plan, in template order', () => {
    const { items } = completeAt(`# Implementation Plan: Phase 1 - X\n\n## ${CURSOR}\n`);
    assert.equal(items.length, 20);
    assert.equal(items[0].label, 'Overview');
    assert.equal(items[19].label, 'Review Checklist');
  });

  it('offers the missing ### sub-sections of the section the cursor is in', () => {
    const text = edit(FILLED, '### Data Protection\n- TLS everywhere; password hashes never leave the service\n', '');
    const { items } = completeAt(edit(text, '## Testing Strategy', `### ${CURSOR}\n\n## Testing Strategy`));
    assert.deepEqual(labels(items), ['Data Protection']);
  });

  it('offers the missing step of the Implementation Sequence after "### "', () => {
    const text = edit(FILLED, /### Step 3: Integration & Testing\n[\s\S]*?(?=## Task Breakdown)/, '');
    const { items } = completeAt(edit(text, '## Task Breakdown', `### ${CURSOR}\n\n## Task Breakdown`));
    assert.deepEqual(labels(items), ['Step 3: [Integration & Testing]']);
  });

  it('replaces the whole title when the cursor is inside a heading being retyped', () => {
    const { items, line } = completeAt(edit(FILLED, '## Rollback Plan', `## Roll${CURSOR}back Plan`));
    assert.deepEqual(labels(items), ['Rollback Plan']);
    assert.deepEqual(replaced(items, line), ['Rollback Plan']);
  });

  it('accepts a heading indented by up to three spaces', () => {
    const { items } = completeAt(edit(withoutRollback, 'Let people', `  ## ${CURSOR}\nLet people`));
    assert.deepEqual(labels(items), ['Rollback Plan']);
  });

  it('offers no sections inside a code block (a shell comment is not a heading)', () => {
    const { items } = completeAt(edit(withoutRollback, '```bash\nnpm run build\n', `\`\`\`bash\nnpm run build\n## ${CURSOR}\n`));
    assert.deepEqual(items, []);
  });

  it('offers nothing after "#### " or "# "', () => {
    assert.deepEqual(completeAt(edit(withoutRollback, 'Let people', `#### ${CURSOR}\nLet people`)).items, []);
    assert.deepEqual(completeAt(edit(withoutRollback, 'Let people', `# ${CURSOR}\nLet people`)).items, []);
  });
});

describe('completion: allowed values', () => {
  it('offers High/Med/Low in the Impact column', () => {
    const { items, line } = completeAt(edit(FILLED, '| Slow hashing under load | Med |', `| Slow hashing under load | M${CURSOR} |`));
    assert.deepEqual(labels(items), ['High', 'Med', 'Low']);
    assert.deepEqual(new Set(replaced(items, line)), new Set(['M']));
  });

  it('offers HTTP methods in the Method column', () => {
    const { items, line } = completeAt(edit(FILLED, '| GET | /api/users/:id', `| G${CURSOR} | /api/users/:id`));
    for (const m of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']) item(items, m);
    assert.deepEqual(new Set(replaced(items, line)), new Set(['G']));
  });

  it('offers Yes/No after **Approved:**', () => {
    const typed = completeAt(edit(FILLED, '**Approved:** Yes', `**Approved:** Y${CURSOR}`));
    assert.deepEqual(labels(typed.items), ['Yes', 'No']);
    assert.deepEqual(replaced(typed.items, typed.line), ['Y', 'Y']);
    const empty = completeAt(edit(FILLED, '**Approved:** Yes', `**Approved:** ${CURSOR}`));
    assert.deepEqual(labels(empty.items), ['Yes', 'No']);
  });

  it('offers no values in header rows or other columns', () => {
    assert.deepEqual(completeAt(edit(FILLED, '| Risk | Impact |', `| Risk | Impact${CURSOR} |`)).items, []);
    assert.deepEqual(completeAt(edit(FILLED, '| Method | Endpoint |', `| Method${CURSOR} | Endpoint |`)).items, []);
    assert.deepEqual(completeAt(edit(FILLED, '| Credential stuffing |', `| Credential${CURSOR} stuffing |`)).items, []);
    assert.deepEqual(completeAt(edit(FILLED, '**Approved:** Yes', `**Appro${CURSOR}ved:** Yes`)).items, []);
    assert.deepEqual(completeAt(edit(FILLED, '**Approved:** Yes', `**Approved${CURSOR}:** Yes`)).items, []);
  });
});

describe('completion: nothing where a plan expects nothing', () => {
  it('offers nothing in plain prose, even after a task-ID prefix', () => {
    assert.deepEqual(completeAt(edit(FILLED, 'Let people sign up', `Let people ${CURSOR}sign up`)).items, []);
    assert.deepEqual(completeAt(edit(FILLED, 'Let people sign up', `Let TASK_${CURSOR} people sign up`)).items, []);
  });

  it('offers nothing in a table that is neither a task, risk nor endpoint table', () => {
    assert.deepEqual(completeAt(edit(FILLED, '| argon2 |', `| arg${CURSOR}on2 |`)).items, []);
  });

  it('offers nothing in a non-mermaid code block', () => {
    assert.deepEqual(completeAt(edit(FILLED, 'CREATE TABLE users (', `CREATE TABLE TASK_${CURSOR}users (`)).items, []);
  });
});

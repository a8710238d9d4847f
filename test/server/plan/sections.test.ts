// The section reading rule (server/src/plan/sections.ts, docs/sections.md).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { matchTemplateSection, nearTemplateSection, parsePlan, stepHeadingNumber } from '../../../server/src/plan';

describe('matchTemplateSection', () => {
  const matches: [string, string][] = [
    ['Overview', 'Overview'],
    ['📋 Overview', 'Overview'],
    ['2. Overview', 'Overview'],
    ['IV. Overview', 'Overview'],
    ['**Overview:**', 'Overview'],
    ['Technical Strategy & Approach', 'Technical Strategy'],
    ['Implementation Sequence (Steps)', 'Implementation Sequence'],
    ['⚠️ Risk Mitigation', 'Risk Mitigation'],
    ['Risk Mitigations', 'Risk Mitigation'],
    ['7.2 implementation sequence', 'Implementation Sequence'],
    ['Task Breakdown', 'Task Breakdown with Dependencies'],
    ['Task Breakdown & Dependencies', 'Task Breakdown with Dependencies'],
    ['Code Standards', 'Code Standards for This Phase'],
    ['Monitoring and Logging', 'Monitoring & Logging'],
    ['Monitoring / Logging', 'Monitoring & Logging'],
    ['🚀 Deployment Strategy — staging first', 'Deployment Strategy'],
  ];
  for (const [heading, name] of matches) {
    test(`"${heading}" is ${name}`, () => assert.equal(matchTemplateSection(heading), name));
  }
  for (const heading of ['Vision', 'Background', 'Implementation', 'Notes on the overview', 'Testing']) {
    test(`"${heading}" is no template section`, () => assert.equal(matchTemplateSection(heading), undefined));
  }
  test('a typo is near its section, a different heading is not', () => {
    assert.equal(nearTemplateSection('Risk Mitgation'), 'Risk Mitigation');
    assert.equal(nearTemplateSection('Sucess Criteria'), 'Success Criteria');
    assert.equal(nearTemplateSection('Strategy Testing'), 'Testing Strategy');
    assert.equal(nearTemplateSection('Risk Mitigation'), undefined);
    assert.equal(nearTemplateSection('Glossary'), undefined);
    assert.equal(nearTemplateSection('Open Questions'), undefined);
  });
  test('step headings', () => {
    assert.equal(stepHeadingNumber('Step 3: Integration & Testing'), 3);
    assert.equal(stepHeadingNumber('🔧 Step 12 - Wiring'), 12);
    assert.equal(stepHeadingNumber('Steps to reproduce'), undefined);
    assert.equal(stepHeadingNumber('Foundation Setup'), undefined);
  });
});

describe('steps wherever the Implementation Sequence is', () => {
  const plan = (sequenceHeading: string, tasks = '**Tasks:** TASK_001, TASK_002') =>
    parsePlan(
      [
        '# Plan',
        '',
        sequenceHeading,
        '',
        '### Step 1: Setup',
        tasks,
        '',
        '### Step 2: Wire',
        '**Tasks:** [TASK_003]',
        '',
        '## Task Breakdown',
        '',
        '| Task | Depends On | Estimated Hours |',
        '|---|---|---|',
        '| TASK_001 | None | 2 |',
        '| TASK_002 | TASK_001 | 2 |',
        '| TASK_003 | TASK_002 | 2 |',
        '',
      ].join('\n'),
    );
  for (const heading of ['## Implementation Sequence', '## 🛠️ Implementation Sequence (Steps)', '## 5. Build Order', '## Roadmap']) {
    test(`under "${heading}"`, () => {
      const p = plan(heading);
      assert.deepEqual(
        p.steps.map((s) => [s.number, s.tasks.map((t) => t.id)]),
        [
          [1, ['TASK_001', 'TASK_002']],
          [2, ['TASK_003']],
        ],
      );
    });
  }
  const lists: [string, string][] = [
    ['bullets', '**Tasks:**\n- TASK_001\n- TASK_002'],
    ['checkboxes', '**Tasks:**\n- [ ] TASK_001: schema\n- [x] TASK_002 — seed data'],
    ['numbered', '**Tasks:**\n\n1. TASK_001\n2. TASK_002'],
    ['and', '**Tasks:** TASK_001 and TASK_002'],
    ['next line', '**Tasks:**\nTASK_001, TASK_002'],
    ['brackets', '**Tasks:** [TASK_001] [TASK_002]'],
  ];
  for (const [name, tasks] of lists) {
    test(`a task list as ${name}`, () => {
      assert.deepEqual(plan('## Implementation Sequence', tasks).steps[0].tasks.map((t) => t.id), ['TASK_001', 'TASK_002']);
    });
  }
  test('a bulleted list ends at the next paragraph', () => {
    const p = plan('## Implementation Sequence', '**Tasks:**\n- TASK_001\n- TASK_002\n\nTASK_003 waits for this step.');
    assert.deepEqual(p.steps[0].tasks.map((t) => t.id), ['TASK_001', 'TASK_002']);
  });
});

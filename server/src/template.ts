// The plan template that ships with planmark (templates/plan-template.md): New Plan, Insert
// Section and the missing-section quick fix all read it from here.
import fs from 'node:fs';
import path from 'node:path';
import { parsePlan, type Plan } from './plan';

let cached: { text: string; plan: Plan } | undefined;

function findTemplateFile(): string {
  // dist/server.js -> ../templates; server/src/template.ts (tests) -> ../../templates.
  for (let dir = __dirname, i = 0; i < 5; i++, dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'templates', 'plan-template.md');
    if (fs.existsSync(candidate)) return candidate;
  }
  throw new Error(`planmark: templates/plan-template.md not found near ${__dirname}`);
}

export function planTemplate(): { text: string; plan: Plan } {
  if (!cached) {
    const text = fs.readFileSync(findTemplateFile(), 'utf8');
    cached = { text, plan: parsePlan(text, { uri: 'planmark:template' }) };
  }
  return cached;
}

export interface TemplateSection {
  title: string;
  level: number;
  /** The section's template text, heading included, without the sign-off footer. */
  text: string;
  /** Index among the template's sections, for ordering. */
  order: number;
  parentTitle?: string;
}

/** The template's ## and ### sections in template order. */
export function templateSections(): TemplateSection[] {
  const { text, plan } = planTemplate();
  return plan.sections
    .map((s, order) => ({ s, order }))
    .filter(({ s }) => s.level === 2 || s.level === 3)
    .map(({ s, order }) => {
      let body = text.slice(s.headingSpan.start, s.span.end);
      const footer = body.search(/\n---[ \t]*\r?\n/);
      if (footer >= 0) body = body.slice(0, footer + 1);
      return {
        title: s.title,
        level: s.level,
        text: body.replace(/\s+$/, '') + '\n',
        order,
        parentTitle: s.parent >= 0 ? plan.sections[s.parent].title : undefined,
      };
    });
}

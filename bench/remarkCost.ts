// How long remark-parse + remark-gfm takes on runs of the characters that the hostile-segment
// guard (server/src/plan/blocks.ts findHostileSegments) counts. Doubling the input and seeing the
// time grow four-fold is what marks a construct as quadratic.
//   node --import tsx bench/remarkCost.ts            (sizes 1,000 2,000 4,000)
//   NS=8000,16000 node --import tsx bench/remarkCost.ts
import { parseMarkdown } from '../server/src/plan/blocks';

const cases: Record<string, (n: number) => string> = {
  'link ends "]("': (n) => ']('.repeat(n),
  'references "[a]"': (n) => '[a]'.repeat(n),
  'strikethrough "~a"': (n) => '~a'.repeat(n),
  'inline "<!--" in a paragraph': (n) => 'a ' + '<!--'.repeat(n),
  '"<!--" in a heading': (n) => '# ' + '<!--'.repeat(n),
  '"<!--" in a table cell': (n) => '| a | b |\n|---|---|\n| ' + '<!--'.repeat(n) + ' | x |',
  'nested links': (n) => '['.repeat(n) + 'x' + '](x)'.repeat(n),
  'emphasis "*a"': (n) => '*a'.repeat(n),
  'intraword "_a "': (n) => '_a '.repeat(n),
  'open brackets "["': (n) => '['.repeat(n),
  'code spans "`a"': (n) => '`a'.repeat(n),
  'checklist items (one run each)': (n) => '- [ ] TASK_001 [x](y)\n'.repeat(n),
  'a paragraph of "a [b] c" lines': (n) => 'a [b] c\n'.repeat(n),
};
const sizes = (process.env.NS ?? '1000,2000,4000').split(',').map(Number);
for (const [name, make] of Object.entries(cases)) {
  const row: string[] = [];
  for (const n of sizes) {
    const text = make(n);
    const start = performance.now();
    parseMarkdown(text);
    row.push(`${n}: ${(performance.now() - start).toFixed(0)} ms`);
  }
  console.log(name.padEnd(34), row.join('   '));
}

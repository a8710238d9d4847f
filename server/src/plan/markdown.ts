// The remark parse (remark-parse + remark-gfm) the plan model is read from.
//
// Most of remark-gfm's cost on ordinary prose is its literal autolinks (`www.x.com`,
// `https://…`, `ada@example.com`): micromark tries the email autolink at the start of every word
// (walking back through the events each time), and an mdast transform then searches every text
// node with four regular expressions. A text in which none of them can start (no `@`, no
// `www.`, no `http://` or `https://`, in any case) gets exactly the same tree from remark-gfm
// without its literal autolinks; such text is parsed that way. The other GFM extensions
// (footnotes, strikethrough, tables, task list items) are the same packages remark-gfm uses, in
// the same order. test/server/plan/markdown.test.ts checks the trees are equal.
import { unified, type Processor } from 'unified';
import remarkParse from 'remark-parse';
import remarkGfm from 'remark-gfm';
import remarkFrontmatter from 'remark-frontmatter';
import type { Root } from 'mdast';
import { gfmFootnote } from 'micromark-extension-gfm-footnote';
import { gfmStrikethrough } from 'micromark-extension-gfm-strikethrough';
import { gfmTable } from 'micromark-extension-gfm-table';
import { gfmTaskListItem } from 'micromark-extension-gfm-task-list-item';
import { gfmFootnoteFromMarkdown } from 'mdast-util-gfm-footnote';
import { gfmStrikethroughFromMarkdown } from 'mdast-util-gfm-strikethrough';
import { gfmTableFromMarkdown } from 'mdast-util-gfm-table';
import { gfmTaskListItemFromMarkdown } from 'mdast-util-gfm-task-list-item';

/** remark-gfm without literal autolinks (a unified plugin). */
function gfmWithoutLiteralAutolinks(this: Processor): void {
  const data = this.data();
  (data.micromarkExtensions ??= []).push(gfmFootnote(), gfmStrikethrough(), gfmTable(), gfmTaskListItem());
  (data.fromMarkdownExtensions ??= []).push([gfmFootnoteFromMarkdown(), gfmStrikethroughFromMarkdown(), gfmTableFromMarkdown(), gfmTaskListItemFromMarkdown()]);
}

/**
 * For a parse that starts at the top of the document: YAML front matter there (spec-kit's
 * tasks.md opens with `---` description `---`) is one block, not a thematic break and a setext
 * heading. Only there: a reparse starting at a `---` further down must read it as a full parse does.
 */
const FRONT_MATTER = ['yaml', 'toml'] as const;
const gfm = unified().use(remarkParse).use(remarkGfm).freeze();
const gfmAtDocumentStart = unified().use(remarkParse).use(remarkGfm).use(remarkFrontmatter, [...FRONT_MATTER]).freeze();
const withoutAutolinks = unified().use(remarkParse).use(gfmWithoutLiteralAutolinks).freeze();
const withoutAutolinksAtDocumentStart = unified().use(remarkParse).use(gfmWithoutLiteralAutolinks).use(remarkFrontmatter, [...FRONT_MATTER]).freeze();

/** One remark-parse + remark-gfm parse, as is (also the benchmarks' reference parse). */
export function parseMarkdown(text: string, atDocumentStart = false): Root {
  return (atDocumentStart ? gfmAtDocumentStart : gfm).parse(text) as Root;
}

/**
 * Where a GFM literal autolink could start: an email (`@`; also `mailto:` and `xmpp:` ones), `www.`,
 * or `http://` / `https://`. micromark matches `www` and the protocol in any case.
 */
const AUTOLINK_START = /@|www\.|https?:\/\//i;

/** Whether `text` could hold a GFM literal autolink; without one, remark-gfm's literal autolinks change nothing. */
export function mayHoldLiteralAutolink(text: string): boolean {
  return AUTOLINK_START.test(text);
}

/** remark-parse + remark-gfm without literal autolinks (for the tests; parsePlanMarkdown chooses). */
export function parseWithoutLiteralAutolinks(text: string, atDocumentStart = false): Root {
  return (atDocumentStart ? withoutAutolinksAtDocumentStart : withoutAutolinks).parse(text) as Root;
}

/** The tree parseMarkdown gives, faster when no literal autolink can start in `text`. */
export function parsePlanMarkdown(text: string, atDocumentStart = false): Root {
  return mayHoldLiteralAutolink(text) ? parseMarkdown(text, atDocumentStart) : parseWithoutLiteralAutolinks(text, atDocumentStart);
}

// The reference for the server's memory (issue #16): VS Code's own Markdown language service
// (vscode-markdown-languageservice, the library behind VS Code's Markdown language server) holding
// one document, read from stdin, with markdown-it as its parser as VS Code configures it. It
// computes what an editor asks for on open (document symbols, folding ranges, links, link
// diagnostics), so its caches of tokens and tables of contents are filled, then prints its RSS.
// Plain JavaScript run by node itself, so that no TypeScript loader inflates the figure.
import * as mdls from 'vscode-markdown-languageservice';
import MarkdownIt from 'markdown-it';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { URI } from 'vscode-uri';
import protocol from 'vscode-languageserver-protocol';

const { CancellationTokenSource, Emitter } = protocol;

const never = new CancellationTokenSource().token;

async function main(text) {
  const md = MarkdownIt({ html: true });
  const parser = {
    slugifier: mdls.githubSlugifier,
    async tokenize(document) {
      return md.parse(document.getText(), {});
    },
  };
  const doc = TextDocument.create('file:///workspace/plan.md', 'markdown', 1, text);
  const docs = new Map([[doc.uri, doc]]);
  const changed = new Emitter();
  const workspace = {
    workspaceFolders: [URI.parse('file:///workspace/')],
    onDidChangeMarkdownDocument: changed.event,
    onDidCreateMarkdownDocument: new Emitter().event,
    onDidDeleteMarkdownDocument: new Emitter().event,
    async getAllMarkdownDocuments() {
      return docs.values();
    },
    hasMarkdownDocument: (resource) => docs.has(resource.toString()),
    openMarkdownDocument: async (resource) => docs.get(resource.toString()),
    stat: async (resource) => (docs.has(resource.toString()) ? { isDirectory: false } : undefined),
    readDirectory: async () => [],
  };
  const logger = { level: mdls.LogLevel.Off, log: () => undefined };
  const service = mdls.createLanguageService({ workspace, parser, logger });
  await service.getDocumentSymbols(doc, { includeLinkDefinitions: true }, never);
  await service.getFoldingRanges(doc, never);
  await service.getDocumentLinks(doc, never);
  await service.computeDiagnostics(
    doc,
    {
      validateReferences: 'warning',
      validateFragmentLinks: 'warning',
      validateFileLinks: 'warning',
      validateMarkdownFileLinkFragments: 'warning',
      validateUnusedLinkDefinitions: 'hint',
      validateDuplicateLinkDefinitions: 'warning',
      ignoreLinks: [],
    },
    never,
  );
  globalThis.held = { service, doc };
  // As the bench reads the planmark server's: a moment after the work, no forced collection.
  setTimeout(() => process.stdout.write(JSON.stringify({ rss: process.memoryUsage().rss, heapUsed: process.memoryUsage().heapUsed })), 200);
}

let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (d) => (input += d));
process.stdin.on('end', () => {
  main(input).catch((error) => {
    process.stderr.write(String(error && error.stack ? error.stack : error) + '\n');
    process.exit(1);
  });
});

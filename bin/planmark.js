#!/usr/bin/env node
// The planmark CLI; the implementation is bundled into dist/cli.js (and the language server into
// dist/server.js) by `npm run build`, or by `npm pack` (prepack).
// `planmark lsp --stdio` starts the language server for any editor.
if (process.argv[2] === 'lsp') require('../dist/server.js').runServer();
else require('../dist/cli.js').runCliAsync(process.argv.slice(2)).then((code) => (process.exitCode = code));

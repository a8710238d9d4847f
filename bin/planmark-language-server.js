#!/usr/bin/env node
// The Planmark language server for any LSP client: `planmark-language-server --stdio`.
require('../dist/server.js').runServer();

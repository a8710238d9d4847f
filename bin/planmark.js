#!/usr/bin/env node
// The planmark CLI; the implementation is bundled into dist/cli.js by `npm run build`.
process.exitCode = require('../dist/cli.js').runCli(process.argv.slice(2));

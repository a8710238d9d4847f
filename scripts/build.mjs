// Bundles the language server, the extension client, the webview and the CLI with esbuild.
// One entry per runtime: the server and CLI run in Node, the client in the extension
// host (with `vscode` external), the webview in a browser page.
import * as esbuild from 'esbuild';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import fs from 'node:fs';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
// `--outdir DIR` writes the bundles to DIR instead of dist/ (tests run alone bundle into a private
// directory, see test/builtDist.ts); `--only server,cli` limits the bundles built.
const option = (name) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : undefined);
const outdir = option('--outdir');
const only = option('--only')?.split(',');

const common = {
  bundle: true,
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  absWorkingDir: root,
};

const builds = [
  { ...common, entryPoints: ['server/src/server.ts'], outfile: 'dist/server.js', platform: 'node', format: 'cjs', target: 'node20' },
  { ...common, entryPoints: ['server/src/cli.ts'], outfile: 'dist/cli.js', platform: 'node', format: 'cjs', target: 'node20' },
  { ...common, entryPoints: ['client/src/extension.ts'], outfile: 'dist/extension.js', platform: 'node', format: 'cjs', target: 'node20', external: ['vscode'] },
  { ...common, entryPoints: ['webview/src/main.ts'], outfile: 'dist/webview.js', platform: 'browser', format: 'iife', target: 'es2022' },
  // mermaid, ELK and dagre: loaded by the webview only when it draws with them (webview/src/engines.ts).
  { ...common, entryPoints: ['webview/src/enginesEntry.ts'], outfile: 'dist/webview-engines.js', platform: 'browser', format: 'iife', target: 'es2022' },
  { ...common, entryPoints: ['webview/media/graph.css'], outfile: 'dist/webview.css' },
]
  .filter((b) => fs.existsSync(path.join(root, b.entryPoints[0])))
  .filter((b) => !only || only.includes(path.basename(b.outfile).replace(/\.(js|css)$/, '')))
  .map((b) => (outdir ? { ...b, outfile: path.join(path.resolve(outdir), path.basename(b.outfile)) } : b));

// dist/ is not wiped: other bundles (and copied assets) may be built by parallel steps.
// A production build leaves no source map of an earlier development build beside its bundles:
// nothing packaged (npm pack, the VSIX) may point at sources that are not there.
if (production) {
  for (const b of builds) fs.rmSync(path.join(root, `${b.outfile}.map`), { force: true });
}
if (watch) {
  for (const b of builds) (await esbuild.context(b)).watch();
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}

// How the server's own V8 heap grows. V8 lets the old generation grow to up to four times what
// survived the last full collection before it collects again; for a server that holds a large
// plan (about 50 MiB of model at 5,000 tasks) and rebuilds parts of it on every edit, that was
// hundreds of MiB of garbage resident between collections (RSS 400 MiB after 50 row inserts and
// deletes, for a model that stays 46 MiB). A growth of 30% keeps the heap close to what is live
// at the price of more frequent, mostly concurrent, collections. Applies to this process only:
// the parser process (backgroundParser.ts) keeps V8's defaults for speed and exits after its parse.
import v8 from 'node:v8';

export const HEAP_GROWING_PERCENT = 30;

export function limitHeapGrowth(): void {
  // Unless the user chose a growth of their own on the command line.
  if (process.execArgv.some((arg) => arg.startsWith('--heap-growing-percent') || arg.startsWith('--heap_growing_percent'))) return;
  v8.setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}

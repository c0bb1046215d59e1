#!/usr/bin/env node
// The radassoc command: the compiled CLI in dist/ (npm run build makes it).
import { fileURLToPath } from 'node:url';

const cli = new URL('../dist/admin/cli.js', import.meta.url);
let main;
try {
  ({ main } = await import(cli.href));
} catch (e) {
  // A clone where only the sources are: say what to run instead of a stack trace.
  if (e?.code !== 'ERR_MODULE_NOT_FOUND' || !String(e.message).includes(fileURLToPath(cli))) throw e;
  process.stderr.write('radassoc: not built yet; run `npm run build` in the radassoc directory (`npm start` builds it too)\n');
  process.exit(1);
}
await main();

#!/usr/bin/env node
// The `yishi` operator command. It runs the compiled code in dist/, which `npm install` builds (the prepare script).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/cli/index.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('yishi: dist/ is missing. Run `npm install` (or `npm run build`) in the yishi folder first.\n');
  process.exit(1);
}
await import(entry.href);

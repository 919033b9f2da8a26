#!/usr/bin/env node
// The published entry: runs the compiled CLI from lib/ (built by `npm run build`, or `prepare` on install).
import { main } from '../lib/bin/gati.js';

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});

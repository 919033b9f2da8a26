#!/usr/bin/env node
// The published entry: runs the compiled CLI from lib/ (built by `npm run build`, or `prepare` on install).
import { main } from '../lib/bin/gati.js';

main(process.argv.slice(2)).then((code) => {
  // A negative code means a server keeps running until a signal ends it.
  if (code >= 0) process.exitCode = code;
});

#!/usr/bin/env -S deno run --allow-net --allow-env --allow-read
// The Deno ceiling (issue 8): Deno.serve with the hand-written router of bench/http/raw-router.mjs,
// the same routes and answers as raw-server.mjs. No logging.
//
// Usage: PORT=3200 HOST=127.0.0.1 node_modules/.bin/deno run --allow-net --allow-env --allow-read bench/http/raw-deno-server.mjs
import { rawFetch } from './raw-router.mjs';

Deno.serve({ port: Number(Deno.env.get('PORT') ?? 3200), hostname: Deno.env.get('HOST') ?? '127.0.0.1', onListen() {} }, rawFetch);

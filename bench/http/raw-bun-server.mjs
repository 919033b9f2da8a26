#!/usr/bin/env bun
// The Bun ceiling (issue 8): Bun.serve with the hand-written router of bench/http/raw-router.mjs,
// the same routes and answers as raw-server.mjs. No logging.
//
// Usage: PORT=3200 HOST=127.0.0.1 node_modules/.bin/bun bench/http/raw-bun-server.mjs
import { rawFetch } from './raw-router.mjs';

Bun.serve({ port: Number(process.env.PORT ?? 3200), hostname: process.env.HOST ?? '127.0.0.1', fetch: rawFetch });

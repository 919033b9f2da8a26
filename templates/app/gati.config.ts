import { defineConfig } from 'gati';

// Every key, its type and its default: node_modules/gati/docs/configuration.md
export default defineConfig({
  name: '{{name}}',
  server: {
    bodyLimit: '256kb',
  },
  effects: {
    // Jobs are kept in .gati/data/effects.db; switch to 'redis' to share a queue between machines.
    backend: 'sqlite',
  },
});

import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';
import { HeavyFirstSequencer, ISOLATED } from './test/sequencer.ts';

const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: {
    // graphql ships index.js and index.mjs; one realm only, or type checks across modules fail.
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
  test: {
    setupFiles: ['test/setup.ts'],
    // The default warehouse is built once per run by the real `init`; tests copy the file.
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Two workers on the 2-core CI machine (vitest's default there is one): while one file waits on
    // a child process, a server, Chromium or the disk, the other runs.
    maxWorkers: 2,
    // The costliest files start first, so that the two workers finish close together.
    sequence: { sequencer: HeavyFirstSequencer },
    projects: [
      // Files share one process per worker and its imports, except those that change the
      // process's own state (see ISOLATED).
      {
        extends: true,
        test: {
          name: 'shared',
          include: ['test/**/*.test.ts'],
          exclude: [...ISOLATED],
          isolate: false,
        },
      },
      { extends: true, test: { name: 'isolated', include: [...ISOLATED] } },
    ],
  },
});

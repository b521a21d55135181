import 'reflect-metadata';
import { afterAll, expect } from 'vitest';
import { DuckDbHandle } from '../warehouse/dialect/index.ts';
import { closeReadHost } from './helpers/read-host.ts';

// Files share a process (see ISOLATED in test/sequencer.ts): each must close every DuckDB
// database it opened, or the next file in its worker inherits it. Runs after the file's own hooks.
afterAll(async () => {
  await closeReadHost();
  expect(DuckDbHandle.openInstances, 'DuckDB databases this file left open').toBe(0);
});

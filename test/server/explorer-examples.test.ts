import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  EXPLORER_EXAMPLES,
  startCoopstatServer,
  type RunningCoopstat,
} from '../../server/coopstat-server.ts';
import { createTestWarehouse, type TestWarehouse } from '../helpers/warehouse.ts';
import { post, testConfig } from './helpers.ts';

/** The explorer's examples are the first thing a visitor runs: each must show figures. */

let wh: TestWarehouse;
let server: RunningCoopstat;
beforeAll(async () => {
  wh = await createTestWarehouse();
  server = await startCoopstatServer(testConfig(wh.db), { port: 0 });
}, 120_000);
afterAll(async () => {
  await server?.close();
  await wh?.cleanup();
});

/** Paths of the empty lists and of the top-level fields without a single number under them. */
function emptySpots(value: unknown, path = ''): string[] {
  if (Array.isArray(value)) {
    return value.length === 0 ? [path] : value.flatMap((v, i) => emptySpots(v, `${path}[${i}]`));
  }
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => emptySpots(v, path ? `${path}.${k}` : k));
  }
  return [];
}
const hasNumber = (value: unknown): boolean =>
  typeof value === 'number' ||
  (value !== null && typeof value === 'object' && Object.values(value).some(hasNumber));

describe('explorer examples on the default warehouse', () => {
  it.each(EXPLORER_EXAMPLES.map((e) => [e.name, e] as const))(
    '%s returns figures',
    async (_name, example) => {
      const { status, json } = await post(server.graphqlUrl, {
        query: example.query,
        ...(example.variables ? { variables: example.variables } : {}),
      });
      expect(json.errors).toBeUndefined();
      expect(status).toBe(200);
      for (const [field, value] of Object.entries(json.data!)) {
        // Admin units are reference data: names and dates, no figures.
        if (field === 'adminUnit') expect(value).not.toBeNull();
        else expect(hasNumber(value), `${field} has no figure`).toBe(true);
      }
      // Lists a visitor would read as "nothing here" (warnings and the like may be empty).
      const empty = emptySpots(json.data).filter(
        (p) => !/(warnings|predecessors|successors)$/.test(p),
      );
      expect(empty).toEqual([]);
    },
  );
});

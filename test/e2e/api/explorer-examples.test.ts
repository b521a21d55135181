import { describe, expect, it } from 'vitest';
import { EXPLORER_EXAMPLES } from '../../../server/coopstat-server.ts';
import { post, serveDefaultWarehouse } from '../../helpers/server.ts';

/** The explorer's examples are the first thing a visitor runs: each must show figures. */

const served = serveDefaultWarehouse();

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
      const { status, json } = await post(served().server.graphqlUrl, {
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

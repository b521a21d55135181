import { describe, expect, it } from 'vitest';

import { describeMachine } from '../../../bench/lib/machine.ts';
import { DuckDbHandle } from '../../../warehouse/dialect/index.ts';

describe('the machine a bench run describes', () => {
  it('names the DuckDB library it runs, whichever parts run', async () => {
    const db = await DuckDbHandle.open(':memory:');
    try {
      const [engine] = await db.all<{ v: string }>('select version() as v');
      expect(describeMachine().duckdb).toBe(engine!.v);
      expect(engine!.v).toMatch(/^v\d+\.\d+\.\d+/);
    } finally {
      db.close();
    }
  });
});

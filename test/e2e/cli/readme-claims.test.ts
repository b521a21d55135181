import { describe, expect, it } from 'vitest';
import { cli } from '../../helpers/cli.ts';
import { example, useTestWarehouse } from '../../helpers/warehouse.ts';

/**
 * README claims checked through the command line as users run it (the real CLI, a real
 * warehouse file): what each exit code means to a script.
 */
const warehouse = useTestWarehouse();

describe('coopstat load exit codes', () => {
  it(
    'exits 1, not 0, for a file loaded before whose values a later load replaced',
    { timeout: 240_000 },
    async () => {
      const db = ['--db', warehouse.db];
      const aggregates = example('aggregates-2024.csv');
      expect((await cli('load', aggregates, ...db)).code).toBe(0);
      const again = await cli('load', aggregates, ...db);
      expect(again.code).toBe(0); // already loaded, its values published: done
      expect(again.stdout).toContain('already loaded as load #');
      expect((await cli('load', '--replace', example('register-2024.csv'), ...db)).code).toBe(0);
      const superseded = await cli('load', aggregates, ...db);
      expect(superseded.stdout).toContain('nothing was published');
      expect(superseded.code).toBe(1);
      const json = await cli('load', '--json', aggregates, ...db);
      expect(json.code).toBe(1);
      expect(JSON.parse(json.stdout)).toMatchObject([{ outcome: 'SUPERSEDED' }]);
    },
  );
});

import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliCommand } from '../../helpers/cli.ts';
import { formatFinding, LoadRefusedError } from '../../../etl/load/findings.ts';
import { loadFile, type LoadOptions } from '../../../etl/load/load-file.ts';
import {
  createTestWarehouse,
  currentFacts,
  example,
  fileHash,
  fixture,
  query,
  type TestWarehouse,
} from '../../helpers/warehouse.ts';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const TN = '19:2008-08-01';
const LC = '12:2008-08-01';

let wh: TestWarehouse;
beforeAll(async () => {
  wh = await createTestWarehouse('example');
});
afterAll(async () => {
  await wh.cleanup();
});

/** Loads a file that must be refused: its error messages; the warehouse must be unchanged. */
async function refused(path: string, options: Partial<LoadOptions> = {}): Promise<string[]> {
  const before = await fileHash(wh.db);
  const error = await loadFile(path, { db: wh.db, maxYear: 2026, ...options }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(LoadRefusedError);
  expect((error as Error).message).toContain('nothing was published');
  expect(await fileHash(wh.db)).toBe(before);
  return (error as LoadRefusedError).findings
    .filter((f) => f.severity === 'ERROR')
    .map(formatFinding);
}

const current = (unitId: string, orgType: string) => currentFacts(wh.db, unitId, orgType);

describe('a load never silently erases published data', () => {
  it('refuses a misnamed measure column, suggesting the column it resembles', async () => {
    expect(await refused(fixture('etl', 'misnamed-count.csv'))).toEqual([
      "a header must be one the aggregates format accepts; did you mean `org_count` (số tổ chức, tổng số, số lượng …)?, but got 'Number of coops' at misnamed-count.csv, row 1, column E",
    ]);
  });

  it('refuses a missing or empty column that would turn a published value into a missing one', async () => {
    const rule =
      'a load must not turn a published value into a missing one unless asked to (load with --replace (upload: replace=true)): `members` of THT (all sectors) in Tỉnh Lai Châu 2024 (source PSO) is 4770 as published in data version 3 from aggregates-2024.csv';
    expect(await refused(fixture('etl', 'missing-members.csv'))).toEqual([
      `${rule}, but got no column \`members\` in the file at missing-members.csv, row 2`,
    ]);
    expect(await refused(fixture('etl', 'empty-members.csv'))).toEqual([
      `${rule}, but got an empty cell at empty-members.csv, row 2, column H (members)`,
    ]);
    expect((await current(LC, 'THT'))[0]).toMatchObject({ org_count: 530, members: 4770 });
  });

  it('refuses a file with fewer rows for a slice; a dry run lists them; --replace publishes', async () => {
    const removal =
      'a load must not remove published rows of a slice it replaces unless asked to (load with --replace (upload: replace=true)), but got no row for HTX, sector AGRICULTURE in Tỉnh Thái Nguyên 2024 (source PSO), published in data version 3 from aggregates-2024.csv with org_count 610 at total-only.csv';
    const messages = await refused(fixture('etl', 'total-only.csv'));
    expect(messages).toContain(removal);
    // Two sector rows removed, and twelve measures of the total turned missing.
    expect(messages).toHaveLength(14);
    expect(messages[0]).toBe(
      'a load must not turn a published value into a missing one unless asked to (load with --replace (upload: replace=true)): `active_count` of HTX (all sectors) in Tỉnh Thái Nguyên 2024 (source PSO) is 648 as published in data version 3 from aggregates-2024.csv, but got no column `active_count` in the file at total-only.csv, row 2',
    );

    const before = await fileHash(wh.db);
    const dryRun = await loadFile(fixture('etl', 'total-only.csv'), { db: wh.db, dryRun: true });
    expect(dryRun).toMatchObject({ outcome: 'DRY_RUN', erasureCount: 14, totals: { removed: 2 } });
    expect(dryRun.erasures.map(formatFinding)).toContain(removal);
    expect(await fileHash(wh.db)).toBe(before);

    const replaced = await loadFile(fixture('etl', 'total-only.csv'), {
      db: wh.db,
      replace: true,
    });
    expect(replaced).toMatchObject({ outcome: 'PUBLISHED', erasureCount: 14 });
    expect(await current(TN, 'HTX')).toEqual([{ sector: 'ALL', org_count: 705, members: 19760 }]);
  });

  it('says a re-sent file was superseded, and publishes it again only with --replace', async () => {
    // aggregates-2024.csv (load 3) had Thái Nguyên's HTX sectors; total-only.csv replaced them.
    const again = await loadFile(example('aggregates-2024.csv'), { db: wh.db });
    expect(again).toMatchObject({
      outcome: 'SUPERSEDED',
      loadId: 3,
      supersededBy: { file: 'total-only.csv' },
    });
    const republished = await loadFile(example('aggregates-2024.csv'), {
      db: wh.db,
      replace: true,
    });
    expect(republished).toMatchObject({ outcome: 'PUBLISHED', totals: { added: 2 } });
    expect((await current(TN, 'HTX')).map((r) => r.org_count)).toEqual([610, 705, 95]);
  });

  it('refuses a register over aggregates without --replace, through the CLI; --dry-run shows it', async () => {
    const run = (args: string[]) =>
      promisify(execFile)(...cliCommand('load', '--db', wh.db, ...args), {
        cwd: ROOT,
      }).then(
        (r) => ({ code: 0, ...r }),
        (e: { code: number; stdout: string; stderr: string }) => e,
      );
    const family =
      'a load must not replace figures published from another family of file unless asked to (load with --replace (upload: replace=true)), but got HTX in Tỉnh Thái Nguyên 2024 (source PSO) published from the aggregates file aggregates-2024.csv';
    const before = await fileHash(wh.db);
    const plain = await run([example('register-2024.csv')]);
    expect(plain.code).toBe(1);
    expect(plain.stderr).toContain('register-2024.csv was refused with');
    expect(plain.stderr).toContain('nothing was published');
    expect(plain.stderr).toContain(`${family} (load #`);
    expect(plain.stderr).toContain(
      'with org_count 705, which this register file would replace with org_count 4',
    );

    const dry = await run(['--dry-run', example('register-2024.csv')]);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('(without --replace the load will be refused)');
    expect(dry.stdout).toContain(family);
    expect(await fileHash(wh.db)).toBe(before);

    const replaced = await run(['--replace', example('register-2024.csv')]);
    expect(replaced.code).toBe(0);
    expect(replaced.stdout).toContain('register-2024.csv [register');
    expect(replaced.stdout).toContain('published as load #');
    expect((await current(TN, 'HTX')).find((r) => r.sector === 'ALL')?.org_count).toBe(4);
    const [log] = await query<{ family: string }>(
      wh.db,
      'select family from load_log order by load_id desc limit 1',
    );
    expect(log?.family).toBe('register');
  });
});

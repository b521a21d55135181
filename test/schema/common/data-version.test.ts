import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishedVersions, releaseVersions } from '../../../schema/common/data-version.ts';
import { DuckDbHandle } from '../../../warehouse/dialect/index.ts';
import { createTestWarehouse, type TestWarehouse } from '../../helpers/warehouse.ts';

let wh: TestWarehouse;
let db: DuckDbHandle;

beforeAll(async () => {
  wh = await createTestWarehouse();
  db = await DuckDbHandle.open(wh.db);
});
afterAll(async () => {
  db?.close();
  await wh?.cleanup();
});

describe('the versions and releases kept per connection', () => {
  it('reads again after a failed read instead of keeping the failure', async () => {
    const other = await DuckDbHandle.open(wh.db);
    const expected = await releaseVersions({ db: other });
    other.close();
    expect(expected.length).toBeGreaterThan(0);
    // The same failure a statement interrupted by a request's time limit gives: the read throws.
    await db.run('alter table release rename to release_away');
    await db.run('alter table publication rename to publication_away');
    await expect(releaseVersions({ db })).rejects.toThrow();
    await expect(publishedVersions({ db })).rejects.toThrow();
    await db.run('alter table release_away rename to release');
    await db.run('alter table publication_away rename to publication');
    expect(await releaseVersions({ db })).toEqual(expected);
    expect((await publishedVersions({ db })).length).toBeGreaterThan(0);
  });
});

import { copyFile, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadFile } from '../../etl/load/load-file.ts';
import { reportRowKey } from '../../schema/report/report.loaders.ts';
import { publishRelease } from '../../warehouse/release/publish-release.ts';
import { writeReleaseMode } from '../../warehouse/release/release.queries.ts';
import { withWriter } from '../../warehouse/store/warehouse-store.ts';
import { yearValueKey } from '../../schema/indicator/indicator.loaders.ts';
import { inheritSnapshot } from '../../schema/snapshot-inheritance.ts';
import { perSnapshot, snapshotMemo } from '../../schema/snapshot-memo.ts';
import { SCHEMA_VERSION } from '../../warehouse/migrations/migrations.ts';
import { nextIds, recordLoad } from '../../warehouse/publish/load-log.ts';
import {
  WarehouseReader,
  type Lease,
  type PreviousSnapshot,
} from '../../warehouse/store/warehouse-reader.ts';
import { startCoopstatServer, type RunningCoopstat } from '../../server/coopstat-server.ts';
import { captureLogger, post, testConfig } from '../helpers/server.ts';
import {
  createTestWarehouse,
  example,
  fixture,
  type TestWarehouse,
  type WarehouseContents,
} from '../helpers/warehouse.ts';

/**
 * A newly published snapshot keeps what the loaders kept for the one it replaces where it reads
 * the same (schema/snapshot-inheritance.ts): checked on the real server over HTTP, after real
 * loads, against a server that opens the new snapshot cold.
 */

/** Each province's membership rows, with the parts behind a total (read through the memo's rows). */
const MEMBERSHIP = `query Membership($year: Int!, $v: Int) {
  membership(level: PROVINCE, year: $year, asOfVersion: $v) {
    area { code }
    byOrgType {
      orgType organisations members
      organisationsReported { atLeast coveredParts }
    }
    bySector { orgType sector organisations members }
  }
  valueChain(level: PROVINCE, year: $year, asOfVersion: $v) {
    area { code }
    byOrgType { orgType valueChainShare { percent } }
  }
}`;

const open: { close(): Promise<unknown> }[] = [];
afterEach(async () => {
  for (const item of open.splice(0).reverse()) await item.close();
});

async function serve(db: string, env: Record<string, string> = {}) {
  const log = captureLogger();
  const server = await startCoopstatServer(testConfig(db, env), { port: 0, logger: log.logger });
  open.push(server);
  return { server, log };
}

async function warehouse(contents: WarehouseContents): Promise<TestWarehouse> {
  const wh = await createTestWarehouse(contents);
  open.push({ close: () => wh.cleanup() });
  return wh;
}

let asked = 0;
/** The membership of `year` (as of `v`), its text changed so that no cached response answers. */
async function membership(server: RunningCoopstat, year: number, v?: number) {
  const answer = await post(server.graphqlUrl, {
    query: `# ${(asked += 1)}\n${MEMBERSHIP}`,
    variables: { year, v: v ?? null },
  });
  expect(answer.json.errors).toBeUndefined();
  return answer.json.data;
}

/** The 2024 figures of the example file with Thái Nguyên's agricultural HTX members raised. */
async function corrected2024(dir: string): Promise<string> {
  const path = join(dir, 'aggregates-2024-raised.csv');
  const text = await readFile(example('aggregates-2024.csv'), 'utf8');
  const raised = text.replace(
    'Nông nghiệp,610,560,48,12,"18.450"',
    'Nông nghiệp,610,560,48,12,"18.470"',
  );
  expect(raised).not.toBe(text);
  await writeFile(path, raised);
  return path;
}

const keptLines = (lines: Record<string, unknown>[]) =>
  lines.filter((l) => l.message === 'a new warehouse snapshot kept figures of the one it replaces');

describe('a new snapshot keeps what still holds of the one it replaces', () => {
  it('keeps the years a load did not change and earlier versions, reads the changed year again, and answers as a cold server', async () => {
    const wh = await warehouse('api');
    const { server, log } = await serve(wh.db, { COOPSTAT_WARM_UP_QUERIES: '0' });
    const v1 = server.reader.dataVersion;
    const before = {
      y2023: await membership(server, 2023),
      y2024: await membership(server, 2024),
      y2024then: await membership(server, 2024, v1 - 1),
    };
    const old = await server.reader.acquire();
    const oldKey = old.snapshotKey;
    old.release();

    const report = await loadFile(await corrected2024(wh.dir), { db: wh.db });
    expect(report).toMatchObject({ outcome: 'PUBLISHED', years: [2024] });
    await server.reader.refresh();
    expect(server.reader.dataVersion).toBe(v1 + 1);
    const lease = await server.reader.acquire();
    const memo = snapshotMemo(lease.snapshotKey);
    lease.release();
    expect(lease.snapshotKey).not.toBe(oldKey);

    // Kept: 2023 at the current version, 2024 as of the earlier version. Not kept: 2024 now.
    const rows = (year: number, v?: number) =>
      `reportRows\u0000${reportRowKey('AS_REPORTED', null, 'ALL', '19:2008-08-01', year, v)}`;
    const values = (year: number, v?: number) =>
      `yearValues\u0000${yearValueKey('AS_REPORTED', '19:2008-08-01', year, v)}`;
    expect(memo.has(rows(2023))).toBe(true);
    expect(memo.has(rows(2024, v1 - 1))).toBe(true);
    expect(memo.has(rows(2024))).toBe(false);
    expect(memo.has(values(2024))).toBe(false);
    const [kept] = keptLines(log.lines);
    expect(kept).toMatchObject({ dataVersion: v1 + 1, fromDataVersion: v1 });
    expect(kept!.carried).toBeGreaterThan(0);

    const after = {
      y2023: await membership(server, 2023),
      y2024: await membership(server, 2024),
      y2024then: await membership(server, 2024, v1 - 1),
      y2024previous: await membership(server, 2024, v1),
    };
    const { server: cold } = await serve(wh.db, { COOPSTAT_INHERIT_MEMO: 'false' });
    expect(after).toEqual({
      y2023: await membership(cold, 2023),
      y2024: await membership(cold, 2024),
      y2024then: await membership(cold, 2024, v1 - 1),
      y2024previous: await membership(cold, 2024, v1),
    });
    // The load changed 2024 and nothing else.
    expect(after.y2024).not.toEqual(before.y2024);
    expect(after.y2024previous).toEqual(before.y2024);
    expect(after.y2023).toEqual(before.y2023);
    expect(after.y2024then).toEqual(before.y2024then);
  });

  it('keeps nothing when the file is replaced by a warehouse that does not descend from it', async () => {
    const wh = await warehouse('api');
    // Another history, of more versions than the served one: examples/aggregates-2024.csv loaded,
    // then a correction of it and other figures.
    const other = await warehouse('example');
    await loadFile(await corrected2024(other.dir), { db: other.db });
    await loadFile(fixture('api', 'provinces-2021-2025.csv'), { db: other.db, maxYear: 2026 });
    const { server, log } = await serve(wh.db, { COOPSTAT_WARM_UP_QUERIES: '0' });
    const v1 = server.reader.dataVersion;
    await membership(server, 2023);
    await membership(server, 2024);

    const staged = join(wh.dir, 'replacement.duckdb');
    await copyFile(other.db, staged);
    await rename(staged, wh.db);
    await server.reader.refresh();
    expect(server.reader.dataVersion).toBeGreaterThan(v1);
    expect(keptLines(log.lines)).toEqual([expect.objectContaining({ carried: 0 })]);

    const { server: cold } = await serve(wh.db, { COOPSTAT_INHERIT_MEMO: 'false' });
    for (const year of [2023, 2024])
      expect(await membership(server, year)).toEqual(await membership(cold, year));
  });

  it('keeps nothing across a release, a publication that no load of figures made', async () => {
    const wh = await warehouse('api');
    // Loads wait for a reviewed release from here on.
    await withWriter(wh.db, async (db) => {
      await writeReleaseMode(db, 'reviewed');
      return { publish: true, result: undefined };
    });
    const { server, log } = await serve(wh.db, { COOPSTAT_WARM_UP_QUERIES: '0' });
    await membership(server, 2023);
    await loadFile(await corrected2024(wh.dir), { db: wh.db });
    await server.reader.refresh();
    await membership(server, 2023);
    const { release } = await publishRelease(wh.db, { all: true, releasedBy: 'test' });
    await server.reader.refresh();
    expect(server.reader.dataVersion).toBe(release.data_version);
    const kept = keptLines(log.lines);
    expect(kept).toHaveLength(2);
    expect(kept[0]!.carried).toBeGreaterThan(0);
    expect(kept[1]).toMatchObject({ dataVersion: release.data_version, carried: 0 });
    const { server: cold } = await serve(wh.db, { COOPSTAT_INHERIT_MEMO: 'false' });
    for (const year of [2023, 2024])
      expect(await membership(server, year)).toEqual(await membership(cold, year));
  });

  it('keeps nothing with COOPSTAT_INHERIT_MEMO=false', async () => {
    const wh = await warehouse('api');
    const { server, log } = await serve(wh.db, {
      COOPSTAT_WARM_UP_QUERIES: '0',
      COOPSTAT_INHERIT_MEMO: 'false',
    });
    await membership(server, 2023);
    await loadFile(await corrected2024(wh.dir), { db: wh.db });
    await server.reader.refresh();
    const lease = await server.reader.acquire();
    expect(snapshotMemo(lease.snapshotKey).size).toBe(0);
    lease.release();
    expect(keptLines(log.lines)).toEqual([]);
  });
});

describe('what a new snapshot checks before it keeps anything (inheritSnapshot)', () => {
  /** A reader on `db`; each lease's memo and lists are what the loaders would keep. */
  async function readerOn(db: string) {
    const reader = await WarehouseReader.open(db, { checkIntervalMs: 0 });
    open.push({ close: () => reader.close() });
    return reader;
  }

  /**
   * Keeps a list and a value of a year for the snapshot of `lease`, as the loaders would; returns
   * that snapshot as the reader hands it to `inherit`.
   */
  async function keepFor(reader: WarehouseReader, lease: Lease): Promise<PreviousSnapshot> {
    await perSnapshot(lease.snapshotKey, 'indicators', async () => ['kept']);
    const value = Promise.resolve([]);
    snapshotMemo(lease.snapshotKey).set(
      `yearValues\u0000${yearValueKey('AS_REPORTED', 'VN', 2019)}`,
      value,
    );
    await value;
    const { dataVersion, publishedAt } = await reader.current();
    expect(dataVersion).toBe(lease.dataVersion);
    return {
      snapshotKey: lease.snapshotKey,
      dataVersion,
      publishedAt,
      schemaVersion: SCHEMA_VERSION,
    };
  }

  /** The next snapshot of `reader`, after `publish`. */
  async function after(reader: WarehouseReader, publish: () => Promise<unknown>) {
    await publish();
    await reader.refresh();
    const lease = await reader.acquire();
    lease.release();
    return lease;
  }

  it('keeps nothing for a snapshot of another schema version, and keeps it for the same one', async () => {
    const wh = await warehouse('api');
    const reader = await readerOn(wh.db);
    const first = await reader.acquire();
    first.release();
    const previous = await keepFor(reader, first);
    const next = await after(reader, async () =>
      loadFile(await corrected2024(wh.dir), { db: wh.db }),
    );
    expect(next.dataVersion).toBe(previous.dataVersion + 1);

    // Written by a newer (or older) schema: the same reads may not mean the same.
    expect(
      await inheritSnapshot(next, { ...previous, schemaVersion: previous.schemaVersion - 1 }),
    ).toBe(0);
    expect(snapshotMemo(next.snapshotKey).size).toBe(0);
    // The same previous snapshot with its real schema: the list and the 2019 value are kept.
    expect(await inheritSnapshot(next, previous)).toBe(2);
  });

  it('keeps nothing across a catalog publication, even one that changed no figure', async () => {
    const wh = await warehouse('api');
    const reader = await readerOn(wh.db);
    const first = await reader.acquire();
    first.release();
    const previous = await keepFor(reader, first);
    const next = await after(reader, () =>
      withWriter(wh.db, async (db) => {
        const ids = await nextIds(db);
        const now = new Date().toISOString();
        await recordLoad(db, {
          load_id: ids.nextLoadId,
          family: 'catalog',
          file_name: 'catalog/',
          file_sha256: 'a catalog that changed nothing',
          file_bytes: 0,
          source_code: null,
          years: [],
          unit_ids: [],
          rows_read: 0,
          rows_accepted: 0,
          rows_rejected: 0,
          warnings: 0,
          values_added: 0,
          values_changed: 0,
          values_removed: 0,
          values_unchanged: 0,
          started_at: now,
          finished_at: now,
          outcome: 'PUBLISHED',
          data_version: ids.nextVersion,
          loaded_by: 'test',
          report_json: null,
          publishes: true,
        });
        return { publish: true, result: undefined };
      }),
    );
    expect(next.dataVersion).toBe(previous.dataVersion + 1);
    expect(await inheritSnapshot(next, previous)).toBe(0);
  });
});

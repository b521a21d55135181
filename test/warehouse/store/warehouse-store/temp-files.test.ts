import { spawnSync } from 'node:child_process';
import { link, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadFile } from '../../../../etl/load/load-file.ts';
import { createTestWarehouse, query, type TestWarehouse } from '../../../helpers/warehouse.ts';

let wh: TestWarehouse;
let systemTemp: string;
let savedTmpdir: string | undefined;
beforeEach(async () => {
  wh = await createTestWarehouse();
  // Point the system temp folder of this process at an empty folder, to see what a load leaves there.
  savedTmpdir = process.env.TMPDIR;
  systemTemp = await mkdtemp(join(tmpdir(), 'coopstat-systemp-'));
  process.env.TMPDIR = systemTemp;
});
afterEach(async () => {
  if (savedTmpdir === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = savedTmpdir;
  await rm(systemTemp, { recursive: true, force: true });
  await wh.cleanup();
});

const CSV = 'year,province_code,org_type,org_count\n2024,12,HTX,250\n';

/** The pid of a process that has exited: what a killed load leaves in its file names. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(child.stdout.toString());
}

describe('temporary files of a load', () => {
  it('decoded copies of UTF-16 and BOM files stay beside the warehouse, not in the system temp folder', async () => {
    // A system temp folder that cannot be used at all: a load must not need it.
    const blocked = join(systemTemp, 'not-a-folder');
    await writeFile(blocked, '');
    process.env.TMPDIR = blocked;
    const utf16 = join(wh.dir, 'utf16.csv');
    await writeFile(utf16, Buffer.from(`\uFEFF${CSV}`, 'utf16le'));
    const bom = join(wh.dir, 'bom.csv');
    await writeFile(bom, `\uFEFF${CSV.replace('250', '260').replace(/\n/g, '\r\n')}`);
    expect(tmpdir()).toBe(blocked);

    expect((await loadFile(utf16, { db: wh.db })).outcome).toBe('PUBLISHED');
    expect((await loadFile(bom, { db: wh.db })).outcome).toBe('PUBLISHED');
    const [fact] = await query<{ org_count: number }>(
      wh.db,
      `select org_count from fct_org_annual where valid_to_version is null and unit_id = '12:2008-08-01' and org_type = 'HTX' and year = 2024`,
    );
    expect(fact?.org_count).toBe(260);
    expect(await readdir(systemTemp)).toEqual(['not-a-folder']);
    // Nothing is left beside the warehouse either once the writers have finished.
    expect((await readdir(wh.dir)).filter((n) => n.includes('.writing-'))).toEqual([]);
  });

  it('the next writer sweeps the copy and scratch folder of a killed load and the link a killed reader attached a snapshot through, and keeps live ones', async () => {
    const dead = `${wh.db}.writing-${deadPid()}-0badc0de`;
    await writeFile(dead, 'half a warehouse');
    await mkdir(join(`${dead}.files`, 'coopstat-csv-x1'), { recursive: true });
    await writeFile(join(`${dead}.files`, 'coopstat-csv-x1', 'utf8.csv'), CSV);
    const live = `${wh.db}.writing-${process.ppid}-0c0ffee0.files`;
    await mkdir(live);
    // A reader killed while attaching a snapshot leaves the link it attached through.
    const deadLink = `${wh.db}.snapshot-${deadPid()}-3`;
    await link(wh.db, deadLink);
    const liveLink = `${wh.db}.snapshot-${process.ppid}-4`;
    await link(wh.db, liveLink);

    const file = join(wh.dir, 'aggregates.csv');
    await writeFile(file, CSV);
    expect((await loadFile(file, { db: wh.db })).outcome).toBe('PUBLISHED');
    const left = (await readdir(dirname(wh.db))).filter(
      (n) => n.includes('.writing-') || n.includes('.snapshot-'),
    );
    expect(left.sort()).toEqual([basename(live), basename(liveLink)].sort());
  });
});

import { spawn } from 'node:child_process';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadFile } from '../../../../etl/load/load-file.ts';
import { cliCommand, ROOT } from '../../../helpers/cli.ts';
import { fileHash, query, useTestWarehouse } from '../../../helpers/warehouse.ts';

const ROWS = 40_000;

const wh = useTestWarehouse();

/**
 * A register year big enough that loading it takes a while (`rows` of them); `variant` changes
 * one value.
 */
async function writeRegister(path: string, variant: number, rows = ROWS): Promise<void> {
  const provinces = ['01', '19', '12', '91', '89', '46', '79'];
  const lines = [
    'year,org_id,org_name,org_type,sector,province_code,members,rating,in_value_chain',
  ];
  for (let i = 0; i < rows; i++) {
    const members = i === 0 ? 10 + variant : 5 + (i % 90);
    lines.push(
      `2024,${String(4600000000 + i)},Hợp tác xã số ${i},HTX,${i % 3 ? 'AGRICULTURE' : 'TRADE_SERVICES'},${provinces[i % provinces.length]},${members},${['GOOD', 'FAIR', 'AVERAGE', 'WEAK'][i % 4]},${i % 5 ? 'no' : 'yes'}`,
    );
  }
  await writeFile(path, lines.join('\n'));
}

/**
 * Runs `coopstat load` (the compiled command line, as installed) in a child process and SIGKILLs
 * it after `delayMs`; resolves with how it ended and what it printed.
 */
function loadAndKill(
  file: string,
  delayMs: number,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }> {
  return new Promise((resolve, reject) => {
    const [command, args] = cliCommand('load', '--db', wh.db, file);
    const child = spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), delayMs);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, output });
    });
  });
}

describe('a load killed at any point', () => {
  it('leaves the warehouse either exactly as before or with the whole file published', async () => {
    // From before the command has started to after it has published (~2 s on its own).
    const delays = [150, 500, 850, 1200, 1600, 2400];
    let interrupted = 0;
    for (const [i, delay] of delays.entries()) {
      const file = join(wh.dir, `register-${i}.csv`);
      await writeRegister(file, i);
      const before = await fileHash(wh.db);
      const [{ version: versionBefore }] = await query<{ version: number }>(
        wh.db,
        'select max(data_version) as version from publication',
      );
      const { code, signal, output } = await loadAndKill(file, delay);
      // Killed, or ended on its own having loaded the file.
      if (signal === null) expect({ code, output }).toMatchObject({ code: 0 });
      const after = await fileHash(wh.db);
      if (after === before) {
        if (signal === 'SIGKILL') interrupted++;
        continue;
      }
      // Published whole: one new version, every row of the file, the log entry.
      const [state] = await query<{ version: number; rows: number; logged: number }>(
        wh.db,
        `select (select max(data_version) from publication) as version,
                (select count(*) from fct_org_register where valid_to_version is null and org_id like '46%') as rows,
                (select count(*) from load_log where file_name = $1) as logged`,
        [`register-${i}.csv`],
      );
      expect(state).toEqual({ version: versionBefore + 1, rows: ROWS, logged: 1 });
    }
    expect(interrupted).toBeGreaterThan(0);

    // The next writer finds the lock and the copy of the killed one, and cleans them up.
    const last = join(wh.dir, 'register-final.csv');
    await writeRegister(last, 99, 10);
    // Ten rows in place of a published year's: the file replaces them, as it says.
    const report = await loadFile(last, { db: wh.db, replace: true });
    expect(report.outcome).toBe('PUBLISHED');
    const leftovers = (await readdir(wh.dir)).filter(
      (name) => name.includes('.writing-') || name.endsWith('.lock'),
    );
    expect(leftovers).toEqual([]);
  }, 120_000);
});

/**
 * The "one bad row at the end" case of test/e2e/misuse/bad-input.test.ts at full size:
 * `npx tsx scripts/bad-input-million-rows.ts [ROWS]` (default 1,000,000) writes a register CSV
 * whose last row has `members` = '1.2a', loads it through the real ETL into a fresh warehouse in
 * a temporary directory, and prints the refusal (which must name the last row), how long each
 * stage took and the peak memory. Not part of `npm test` (about 35 s and 3 GB of RSS at 1M).
 */
import 'reflect-metadata';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { formatFinding, LoadRefusedError } from '../etl/load/findings.ts';
import { loadFile } from '../etl/load/load-file.ts';
import { initWarehouse } from '../etl/reference/init-warehouse.ts';

const rows = Number(process.argv[2] ?? 1_000_000);
if (!Number.isSafeInteger(rows) || rows < 2) {
  console.error('usage: npx tsx scripts/bad-input-million-rows.ts [ROWS ≥ 2]');
  process.exit(2);
}

const dir = await mkdtemp(join(tmpdir(), 'coopstat-million-'));
try {
  const db = join(dir, 'warehouse.duckdb');
  await initWarehouse(db);
  const file = join(dir, 'register-big.csv');
  let started = performance.now();
  await writeRegister(file, rows);
  const bytes = (await stat(file)).size;
  console.log(
    `wrote ${rows.toLocaleString('en')} rows (${(bytes / 1e6).toFixed(0)} MB) in ${seconds(started)} s`,
  );

  started = performance.now();
  const stages: string[] = [];
  const outcome = await loadFile(file, {
    db,
    maxYear: 2026,
    onProgress: (stage) => stages.push(`${stage} at ${seconds(started)} s`),
  }).then(
    () => 'ACCEPTED (wrong: the last row is bad)',
    (error: unknown) => {
      if (!(error instanceof LoadRefusedError)) throw error;
      return error.findings
        .filter((f) => f.severity === 'ERROR')
        .map((f) => `refused: ${formatFinding(f)}`)
        .join('\n');
    },
  );
  console.log(outcome);
  console.log(`load took ${seconds(started)} s (${stages.join(', ')})`);
  const expected = `row ${rows + 1}, column G (members)`;
  console.log(
    outcome.includes(expected) ? `the refusal names the last row (${expected})` : 'MISMATCH',
  );
  console.log(`peak RSS of this process: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
  if (!outcome.includes(expected)) process.exitCode = 1;
} finally {
  await rm(dir, { recursive: true, force: true });
}

function seconds(since: number): string {
  return ((performance.now() - since) / 1000).toFixed(1);
}

/** The register the test writes: valid rows, then one with members '1.2a' (row `count + 1`). */
async function writeRegister(path: string, count: number): Promise<void> {
  const out = createWriteStream(path);
  const provinces = ['01', '19', '12', '91', '89', '46', '79'];
  let chunk = 'year,org_id,org_name,org_type,sector,province_code,members,rating,in_value_chain\n';
  for (let i = 0; i < count - 1; i++) {
    chunk += `2024,${4600000000 + i},Hợp tác xã số ${i},HTX,${i % 3 ? 'AGRICULTURE' : 'TRADE_SERVICES'},${provinces[i % 7]},${5 + (i % 90)},${['GOOD', 'FAIR', 'AVERAGE', 'WEAK'][i % 4]},${i % 5 ? 'no' : 'yes'}\n`;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  chunk += '2024,4699999999,Hợp tác xã cuối,HTX,AGRICULTURE,19,1.2a,GOOD,no\n';
  out.end(chunk);
  await finished(out);
}

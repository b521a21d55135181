import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StagedFile } from '../../../etl/staged/staged-file.ts';
import { collectFindings, FINDING_TABLE } from '../../../etl/validate/validate.ts';
import { DuckDbHandle } from '../../../warehouse/dialect/index.ts';

describe('the findings of a validation', () => {
  let dir: string;
  let db: DuckDbHandle;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'coopstat-findings-'));
    db = await DuckDbHandle.open(join(dir, 'findings.duckdb'));
  });
  afterAll(async () => {
    db.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('come in one order whatever order the checks wrote them in, rows first, then rule and value', async () => {
    await db.run(
      `create temp table ${FINDING_TABLE} (severity varchar, rule varchar, value varchar, src_sheet varchar, src_row integer, column_name varchar)`,
    );
    // Written in the reverse of the order expected: warnings without a row (a province's stock
    // against its flows) tie on everything but their rule and value.
    const written = [
      [
        'WARNING',
        'the stock should follow the flows: HTX in Tỉnh Thái Nguyên 2024',
        '610',
        null,
        null,
        'org_count',
      ],
      [
        'WARNING',
        'the stock should follow the flows: HTX in Tỉnh Lai Châu 2024',
        '210',
        null,
        null,
        'org_count',
      ],
      [
        'WARNING',
        'the stock should follow the flows: HTX in Tỉnh Lai Châu 2024',
        '200',
        null,
        null,
        'org_count',
      ],
      ['WARNING', 'members should be given for every organisation', null, null, null, null],
      ['ERROR', 'column `members` must be a whole number', 'x', null, 7, 'members'],
      ['ERROR', 'column `members` must be a whole number', 'y', null, 3, 'members'],
    ];
    for (const row of written)
      await db.run(`insert into ${FINDING_TABLE} values ($1, $2, $3, $4, $5, $6)`, row);
    const staged = { mappings: new Map() } as unknown as StagedFile;
    const result = await collectFindings(db, { file: 'f.csv', staged, maxYear: 2026 });
    expect(result.findings.map((f) => [f.severity, f.row, f.rule, f.value ?? null])).toEqual([
      ['ERROR', 3, 'column `members` must be a whole number', 'y'],
      ['ERROR', 7, 'column `members` must be a whole number', 'x'],
      ['WARNING', null, 'members should be given for every organisation', null],
      ['WARNING', null, 'the stock should follow the flows: HTX in Tỉnh Lai Châu 2024', '200'],
      ['WARNING', null, 'the stock should follow the flows: HTX in Tỉnh Lai Châu 2024', '210'],
      ['WARNING', null, 'the stock should follow the flows: HTX in Tỉnh Thái Nguyên 2024', '610'],
    ]);
    expect(result).toMatchObject({ errorCount: 2, warningCount: 4, rowsWithErrors: 2 });
  });
});

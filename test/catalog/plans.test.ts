import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCatalog, type Catalog } from '../../etl/catalog/catalog.reader.ts';
import { DuckDbHandle } from '../../warehouse/dialect/index.ts';
import { findTargets, type TargetRow } from '../../warehouse/queries/progress.queries.ts';
import { createTestWarehouse, type TestWarehouse } from '../helpers/warehouse.ts';
import type * as Ops from '../operations/generated.ts';

// The catalog cleaned by its own rules: each case cites the source line it follows. Checked on
// the catalog as read and on the default warehouse built from it by the real `init`.

let catalog: Catalog;
let wh: TestWarehouse;
let targets: TargetRow[];

beforeAll(async () => {
  catalog = await readCatalog('catalog');
  wh = await createTestWarehouse();
  const db = await DuckDbHandle.open(wh.db, { readOnly: true });
  try {
    targets = await findTargets(db);
  } finally {
    db.close();
  }
});
afterAll(async () => {
  await wh.cleanup();
});

const target = (planId: string, id: string) =>
  targets.find((t) => t.plan_id === planId && t.target_id === id);
const wordingsOf = (t: TargetRow | undefined) =>
  t?.wordings_json ? (JSON.parse(t.wordings_json) as { id: string; kind: string }[]) : [];

describe('paraphrases are wordings of the real target, never targets', () => {
  it('keeps the English renderings of Resolution 20 beside the Vietnamese targets', () => {
    const ids = targets.filter((t) => t.plan_id === 'nq-20-nq-tw-2022').map((t) => t.target_id);
    for (const id of ['value-chain-2030-en', 'effective-2045-en', 'population-share-2045-en'])
      expect(ids).not.toContain(id);
    // population-share-2045 appears once in a table of targets.
    expect(ids.filter((id) => id.startsWith('population-share-2045'))).toEqual([
      'population-share-2045',
    ]);
    expect(wordingsOf(target('nq-20-nq-tw-2022', 'value-chain-of-good-fair-2030'))).toEqual([
      expect.objectContaining({ id: 'value-chain-2030-en', kind: 'PARAPHRASE' }),
    ]);
    expect(wordingsOf(target('nq-20-nq-tw-2022', 'ktt-effective-2045'))).toEqual([
      expect.objectContaining({ id: 'effective-2045-en', kind: 'PARAPHRASE' }),
    ]);
    expect(wordingsOf(target('nq-20-nq-tw-2022', 'population-share-2045'))).toEqual([
      expect.objectContaining({ id: 'population-share-2045-en', kind: 'PARAPHRASE' }),
    ]);
  });
});

describe('a national target cited by provincial plans is linked, not copied', () => {
  it('keeps one 461/QĐ-TTg target, with the Kiên Giang and Lai Châu texts as citations of it', () => {
    const national = targets.filter((t) => t.indicator_code === 'htx_agri_effective_count');
    expect(national.map((t) => [t.plan_id, t.target_id, t.unit_id])).toEqual([
      ['qd-461-qd-ttg-2018', 'agri-effective-2020', 'VN'],
    ]);
    expect(
      wordingsOf(national[0]).map((w) => [(w as { plan_id?: string }).plan_id, w.id, w.kind]),
    ).toEqual([
      ['kien-giang-1558-ct-ubnd-2018', 'cites-461-agri-effective-2020', 'CITATION'],
      ['lai-chau-ctrhd-ubnd-2020', 'cites-461-agri-effective-2020', 'CITATION'],
    ]);
    const kienGiang = catalog.plans.find((p) => p.id === 'kien-giang-1558-ct-ubnd-2018')!;
    expect(kienGiang.wordings.map((w) => [w.ofPlanId, w.ofTargetId, w.source.line])).toEqual([
      ['qd-461-qd-ttg-2018', 'agri-effective-2020', 23],
    ]);
  });
});

describe('targets read as the words say, inferred parts flagged', () => {
  it('reads Thái Nguyên new-model-pilots as the five approved models put in place and replicated', () => {
    const t = target('thai-nguyen-03-kh-ubnd-2023', 'new-model-pilots')!;
    expect([t.comparator, t.value, t.target_year, t.is_inferred]).toEqual(['GTE', 5, 2030, true]);
    expect(t.quote).toContain('đã được UBND tỉnh phê duyệt và nhân rộng mô hình');
    expect(t.inferred_reason).toMatch(/gives no year.*line 62 is the period of another scheme/);
  });
});

describe('an inferred year says so', () => {
  it('flags Kiên Giang managers-trained-2020, whose line gives no year', () => {
    const t = target('kien-giang-1558-ct-ubnd-2018', 'managers-trained-2020')!;
    expect([t.target_year, t.is_inferred]).toEqual([2020, true]);
    expect(t.inferred_reason).toMatch(/^No year in the line: 2020, the horizon of the directive/);
    const others = targets.filter((x) => x.is_inferred).map((x) => x.target_id);
    expect(others.sort()).toEqual(['managers-trained-2020', 'new-model-pilots']);
  });
});

describe("the catalog's own rule: a bare number is EQ, APPROX needs a hedge word", () => {
  it('reads MARD agri-count-2023 and the MoF high-tech targets as EQ', () => {
    const pick = (planId: string, id: string) => target(planId, id)?.comparator;
    expect(pick('mard-plan-2023', 'agri-count-2023')).toBe('EQ');
    expect(pick('mof-768-bc-btc-2025', 'htx-high-tech-2030')).toBe('EQ');
    expect(pick('mof-768-bc-btc-2025', 'tht-high-tech-2030')).toBe('EQ');
    expect(pick('steering-committee-2023', 'htx-count-2023')).toBe('EQ');
    expect(pick('steering-committee-2023', 'htx-members-2023')).toBe('EQ');
  });

  it('has a hedge word in the quote of every APPROX target, or in the sentence its note cites', () => {
    const hedge = /khoảng|xấp xỉ|ước|about|approximately|around|약/i;
    const bare = targets.filter(
      (t) => t.comparator === 'APPROX' && !hedge.test(t.quote) && !hedge.test(t.note ?? ''),
    );
    expect(bare.map((t) => `${t.plan_id}/${t.target_id}`)).toEqual([]);
  });
});

describe('the good/fair share as its words say: over all organisations', () => {
  it('computes "Tỷ lệ tổ chức kinh tế tập thể đạt loại tốt, khá" over every organisation, and the rated-only share beside it', async () => {
    const { writeFile } = await import('node:fs/promises');
    const { join } = await import('node:path');
    const { loadFile } = await import('../../etl/load/load-file.ts');
    const { findIndicatorValues } = await import('../../warehouse/queries/indicator.queries.ts');
    // A province of 5,000 cooperative groups, 4,900 of them never rated, and 300 cooperatives.
    const file = join(wh.dir, 'ratings-2024.csv');
    await writeFile(
      file,
      [
        'year,province_code,org_type,sector,org_count,rated_good,rated_fair,rated_average,rated_weak,rated_none',
        '2024,19,THT,,5000,40,40,10,10,4900',
        '2024,19,HTX,,300,60,120,60,30,30',
      ].join('\n'),
    );
    await loadFile(file, { db: wh.db });
    const db = await DuckDbHandle.open(wh.db, { readOnly: true });
    try {
      const rows = await findIndicatorValues(db, {
        indicatorCodes: ['ktt_good_fair_share', 'ktt_good_fair_share_of_rated'],
        unitIds: ['19:2008-08-01'],
        fromYear: 2024,
        toYear: 2024,
      });
      expect(rows.map((r) => [r.indicator_code, r.numerator, r.denominator])).toEqual([
        ['ktt_good_fair_share', 260, 5300], // (40 + 40 + 60 + 120) of all 5,300 organisations
        ['ktt_good_fair_share_of_rated', 260, 370], // of the 100 + 270 classified
      ]);
      expect(rows[0]!.value).toBeCloseTo(4.906, 3);
      expect(rows[1]!.value).toBeCloseTo(70.27, 2);
    } finally {
      db.close();
    }
  });
});

describe('the API shows wordings and inferred parts as such', () => {
  it('lists alternative wordings and inferred years on the targets', async () => {
    const { buildCoopstatSchema } = await import('../../schema/index.ts');
    const { startCoopstatServer } = await import('../../server/coopstat-server.ts');
    const { execute, operation } = await import('../helpers/api.ts');
    const { testConfig } = await import('../helpers/server.ts');
    const server = await startCoopstatServer(testConfig(wh.db), { port: 0 });
    try {
      const schema = await buildCoopstatSchema();
      const planTargets = async (id: string) => {
        const r = await execute<Ops.TargetWordingsQuery>(
          schema,
          server.reader,
          operation('target-wordings'),
          { id },
        );
        expect(r.errors).toEqual([]);
        return new Map(r.data.plan!.targets.map((t) => [t.id, t]));
      };
      const national = await planTargets('qd-461-qd-ttg-2018');
      expect([...national.keys()]).toEqual(['agri-effective-2020']);
      expect(national.get('agri-effective-2020')!.alternativeWordings).toEqual([
        expect.objectContaining({
          quotedInPlanId: 'kien-giang-1558-ct-ubnd-2018',
          kind: 'CITATION',
          sourceFile: 'sources/plans/kien-giang-1558-CT-UBND-2018.txt:23',
        }),
        expect.objectContaining({
          quotedInPlanId: 'lai-chau-ctrhd-ubnd-2020',
          kind: 'CITATION',
          sourceFile: 'sources/plans/lai-chau-CTrHD-UBND-2020.txt:61',
        }),
      ]);
      const nq20 = await planTargets('nq-20-nq-tw-2022');
      expect(nq20.has('value-chain-2030-en')).toBe(false);
      expect(nq20.get('value-chain-of-good-fair-2030')!.alternativeWordings).toEqual([
        expect.objectContaining({
          id: 'value-chain-2030-en',
          kind: 'PARAPHRASE',
          quoteLanguage: 'en',
        }),
      ]);
      const kienGiang = await planTargets('kien-giang-1558-ct-ubnd-2018');
      expect(kienGiang.get('managers-trained-2020')).toMatchObject({
        inferred: true,
        inferredReason: expect.stringMatching(/^No year in the line/),
      });
      expect(kienGiang.get('three-phase-power-2020')).toMatchObject({
        inferred: false,
        inferredReason: null,
      });
    } finally {
      await server.close();
    }
  });
});

import { existsSync } from 'node:fs';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  readAdminUnitValidity,
  unitNameOn,
  type AdminUnitValidity,
} from '../../../etl/catalog/admin-unit-validity.ts';
import {
  CatalogError,
  readCatalog,
  type Catalog,
  type Plan,
  type Target,
} from '../../../etl/catalog/catalog.reader.ts';

const CATALOG = 'catalog';
const SHARED = '/work/shared';
const TARGETS_CSV = 'published-targets.source.csv';

/** Indicator codes of reference/published-figures-national.csv (kept here so the test runs anywhere). */
const FIGURE_CODES = [
  'htx_active_with_results',
  'htx_agri_count',
  'htx_agri_digital_count',
  'htx_agri_effective_count',
  'htx_agri_effective_share',
  'htx_agri_linked_enterprise',
  'htx_count',
  'htx_count_active',
  'htx_good_fair_share',
  'htx_good_share',
  'htx_high_tech',
  'htx_in_value_chain',
  'htx_industry_handicraft_count',
  'htx_manager_college_share',
  'htx_members',
  'htx_new_established',
  'htx_nonagri_count',
  'htx_regular_workers',
  'htx_trade_service_count',
  'htx_worker_income',
  'htx_workers_active',
  'ktt_members_total',
  'lhhtx_agri_count',
  'lhhtx_count',
  'lhhtx_member_htx',
  'population',
  'population_approx',
  'population_average',
  'population_census',
  'population_scale_2025',
  'population_scale_res202',
  'qtdnd_count',
  'tht_count',
  'tht_members',
];

/** Minimal RFC 4180 reader for the reference CSVs (one record per line). */
function parseCsv(text: string): Record<string, string>[] {
  const split = (line: string): string[] => {
    const cells: string[] = [];
    let cell = '';
    let quoted = false;
    for (let i = 0; i < line.length; i += 1) {
      const ch = line[i];
      if (quoted && ch === '"' && line[i + 1] === '"') {
        cell += '"';
        i += 1;
      } else if (ch === '"') quoted = !quoted;
      else if (ch === ',' && !quoted) {
        cells.push(cell);
        cell = '';
      } else cell += ch;
    }
    cells.push(cell);
    return cells;
  };
  const [header, ...rows] = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const names = split(header!);
  return rows.map((row) => Object.fromEntries(split(row).map((v, i) => [names[i], v])));
}

/** The source text as a reader compares it: NFC, whitespace runs collapsed. */
const collapse = (text: string): string => text.normalize('NFC').replace(/\s+/gu, ' ').trim();

const planById = (catalog: Catalog, id: string): Plan => {
  const plan = catalog.plans.find((p) => p.id === id);
  if (!plan) throw new Error(`no plan ${id}`);
  return plan;
};
const targetById = (plan: Plan, id: string): Target => {
  const target = plan.targets.find((t) => t.id === id);
  if (!target) throw new Error(`no target ${id} in ${plan.id}`);
  return target;
};

describe('the real catalog', () => {
  let catalog: Catalog;
  let units: AdminUnitValidity;

  beforeAll(async () => {
    catalog = await readCatalog(CATALOG);
    units = await readAdminUnitValidity('warehouse/reference/admin-units-2025.csv');
  });

  it('validates, with 14 plans', () => {
    expect(catalog.plans.map((p) => p.id).sort()).toEqual([
      'kien-giang-1558-ct-ubnd-2018',
      'lai-chau-ctrhd-ubnd-2020',
      'mard-plan-2023',
      'mof-768-bc-btc-2025',
      'nq-106-nq-cp-2023',
      'nq-20-nq-tw-2022',
      'nq-202-2025-qh15',
      'qd-1318-qd-ttg-2021',
      'qd-340-qd-ttg-2021',
      'qd-461-qd-ttg-2018',
      'steering-committee-2023',
      'thai-nguyen-03-kh-ubnd-2023',
      'thai-nguyen-nq-15-nq-hdnd-2021',
      'vca-target-2018',
    ]);
  });

  it('resolves every target to a registered indicator and a unit valid on the plan date', () => {
    const codes = new Map(catalog.indicators.map((i) => [i.code, i]));
    for (const plan of catalog.plans) {
      expect(unitNameOn(units, plan.area.code, plan.issuedOn), plan.id).not.toBeNull();
      for (const target of plan.targets) {
        const where = `${plan.id}/${target.id}`;
        const indicator = codes.get(target.indicator);
        expect(indicator, where).toBeDefined();
        expect(unitNameOn(units, target.area.code, target.area.validOn), where).toBe(
          target.area.name,
        );
        expect(target.unit.startsWith(indicator!.unit), where).toBe(true);
        expect(target.quote.text.length, where).toBeGreaterThan(0);
        expect(target.source.url ?? target.source.file, where).toBeTruthy();
      }
    }
  });

  it('reads each province code as the unit it was on the plan date', () => {
    expect(planById(catalog, 'kien-giang-1558-ct-ubnd-2018').area).toEqual({
      code: '91',
      validOn: '2018-07-12',
      name: 'Tỉnh Kiên Giang',
    });
    expect(planById(catalog, 'thai-nguyen-03-kh-ubnd-2023').area.name).toBe('Tỉnh Thái Nguyên');
    expect(planById(catalog, 'lai-chau-ctrhd-ubnd-2020').area.name).toBe('Tỉnh Lai Châu');
    expect(unitNameOn(units, '91', '2026-01-01')).toBe('Tỉnh An Giang');
    expect(unitNameOn(units, '89', '2026-01-01')).toBeNull();
    expect(unitNameOn(units, '06', '2025-06-30')).toBe('Tỉnh Bắc Kạn');
    expect(unitNameOn(units, '06', '2025-07-01')).toBeNull();
    expect(unitNameOn(units, '12', '2000-01-01')).toBe('Tỉnh Lai Châu');
  });

  it('registers every indicator of the published figures and targets (by code or alias)', async () => {
    const known = new Set(catalog.indicators.flatMap((i) => [i.code, ...i.aliases]));
    const sharedFigures = join(SHARED, 'reference/published-figures-national.csv');
    if (existsSync(sharedFigures)) {
      const codes = new Set(
        parseCsv(await readFile(sharedFigures, 'utf8')).map((r) => r.indicator),
      );
      expect([...codes].sort()).toEqual(FIGURE_CODES);
    }
    expect(FIGURE_CODES.filter((c) => !known.has(c))).toEqual([]);
    const targetRows = parseCsv(await readFile(join(CATALOG, TARGETS_CSV), 'utf8'));
    expect(targetRows.map((r) => r.indicator).filter((c) => !known.has(c!))).toEqual([]);
  });

  it('transcribes every row of published-targets.source.csv as a target citing that row', async () => {
    const rows = parseCsv(await readFile(join(CATALOG, TARGETS_CSV), 'utf8'));
    const canonical = new Map(
      catalog.indicators.flatMap((i) => [i.code, ...i.aliases].map((c) => [c, i.code] as const)),
    );
    const cited = catalog.plans
      .flatMap((p) => p.targets)
      .filter((t) => t.source.file === TARGETS_CSV);
    // A row that only paraphrases a target is kept as a wording of it, not as a target.
    const wordings = catalog.plans
      .flatMap((p) => p.wordings)
      .filter((w) => w.source.file === TARGETS_CSV);
    rows.forEach((row, i) => {
      const line = i + 2;
      const wording = wordings.find((w) => w.source.line === line);
      if (wording) {
        expect(row.quote!.normalize('NFC')).toContain(wording.quote.text);
        return;
      }
      const match = cited.find(
        (t) =>
          t.source.line === line &&
          t.indicator === canonical.get(row.indicator!) &&
          t.targetYear === Number(row.target_year),
      );
      expect(match, `CSV line ${line} (${row.indicator})`).toBeDefined();
      expect(row.quote!.normalize('NFC')).toContain(match!.quote.text);
      if (match!.source.url !== null) expect(match!.source.url).toBe(row.source_url);
    });
  });

  it('copies the provincial plan texts unchanged from the shared sources', async () => {
    const dir = join(SHARED, 'sources/plans');
    if (!existsSync(dir)) return;
    for (const name of [
      'thai-nguyen-03-KH-UBND-2023.txt',
      'lai-chau-CTrHD-UBND-2020.txt',
      'kien-giang-1558-CT-UBND-2018.txt',
    ]) {
      expect(await readFile(join(CATALOG, 'sources/plans', name), 'utf8')).toBe(
        await readFile(join(dir, name), 'utf8'),
      );
    }
  });

  it('quotes every provincial target word for word from its .txt source', async () => {
    // 19 targets and the two citations of the national 461/QĐ-TTg target, checked alike.
    const provincial = catalog.plans
      .flatMap((p) => [...p.targets, ...p.wordings.map((w) => ({ ...w, planId: w.planId }))])
      .filter((t) => t.source.file?.endsWith('.txt'));
    expect(provincial.length).toBeGreaterThanOrEqual(21);
    for (const target of provincial) {
      const text = collapse(await readFile(join(CATALOG, target.source.file!), 'utf8'));
      expect(target.quote.lang).toBe('vi');
      expect(text, `${target.planId}/${target.id}`).toContain(collapse(target.quote.text));
      const lines = (await readFile(join(CATALOG, target.source.file!), 'utf8')).split('\n');
      const opening = collapse(target.quote.text).slice(0, 20);
      expect(collapse(lines[target.source.line! - 1]!), `${target.id} line`).toContain(opening);
    }
  });

  it('has every numbered target of Thái Nguyên 03/KH-UBND', () => {
    const plan = planById(catalog, 'thai-nguyen-03-kh-ubnd-2023');
    expect(plan.documentNumber).toBe('03/KH-UBND');
    expect(plan.issuedOn).toBe('2023-01-10');
    expect(plan.implements).toEqual(['nq-20-nq-tw-2022']);
    expect(plan.targets.length).toBeGreaterThanOrEqual(15);
    const pick = (id: string) => {
      const t = targetById(plan, id);
      return [t.indicator, t.targetYear, t.comparator, t.value];
    };
    expect(pick('tht-count-2030')).toEqual(['tht_count', 2030, 'APPROX', 5000]);
    expect(pick('tht-members-2030')).toEqual(['tht_members', 2030, 'APPROX', 77000]);
    expect(pick('htx-count-2030')).toEqual(['htx_count', 2030, 'APPROX', 1000]);
    expect(pick('htx-members-2030')).toEqual(['htx_members', 2030, 'APPROX', 35000]);
    expect(pick('lhhtx-count-2030')).toEqual(['lhhtx_count', 2030, 'APPROX', 6]);
    expect(pick('lhhtx-member-htx-2030')).toEqual(['lhhtx_member_htx', 2030, 'APPROX', 30]);
    expect(pick('ktt-good-fair-2030')).toEqual(['ktt_good_fair_share', 2030, 'GT', 60]);
    expect(pick('htx-high-tech-2030')).toEqual(['htx_high_tech', 2030, 'GT', 100]);
    expect(pick('population-share-2045')).toEqual(['population_share_in_ktt', 2045, 'GTE', 20]);
    expect(pick('ktt-effective-2045')).toEqual(['ktt_effective_share', 2045, 'GT', 90]);
    expect(pick('ktt-digital-2045')).toEqual(['ktt_digital_share', 2045, 'EQ', 100]);
    expect(pick('new-model-pilots')).toEqual(['htx_new_model_count', 2030, 'GTE', 5]);

    const chain = targetById(plan, 'value-chain-of-good-fair-2030');
    expect([chain.comparator, chain.value, chain.ofTarget]).toEqual([
      'GTE',
      50,
      'ktt-good-fair-2030',
    ]);
    expect(chain.denominatorNote).toMatch(/rated good or fair/);
    expect(chain.quote.text).toBe('Trong đó có ít nhất 50 % tham gia liên kết theo chuỗi giá trị.');
    const effectiveChain = targetById(plan, 'value-chain-of-effective-2045');
    expect([effectiveChain.value, effectiveChain.ofTarget]).toEqual([75, 'ktt-effective-2045']);

    const dissolve = targetById(plan, 'dissolve-inactive-2023');
    expect([dissolve.indicator, dissolve.targetDate, dissolve.comparator, dissolve.value]).toEqual([
      'htx_inactive_count',
      '2023-12-31',
      'EQ',
      0,
    ]);
    expect(dissolve.quote.text).toBe(
      'Giải thể dứt điểm các hợp tác xã không còn hoạt động xong trước ngày 31/12/2023.',
    );
  });

  it('keeps Lai Châu per-district new-model targets as data', () => {
    const plan = planById(catalog, 'lai-chau-ctrhd-ubnd-2020');
    expect(plan.issuedOnPrecision).toBe('MONTH');
    for (const target of plan.targets) {
      expect(target.indicator).toBe('htx_new_model_count');
      expect([target.comparator, target.value, target.valueHigh, target.per]).toEqual([
        'RANGE',
        1,
        2,
        'district',
      ]);
      expect(target.unit).toBe('cooperatives per district');
    }
    expect(targetById(plan, 'new-model-per-district-alliance').quote.text).toBe(
      'lựa chọn, xây dựng mỗi huyện 1 đến 2 HTX mô hình kiểu mới làm điểm để nhân rộng',
    );
  });

  it('has the Kiên Giang training and three-phase power targets for 2020', () => {
    const plan = planById(catalog, 'kien-giang-1558-ct-ubnd-2018');
    const trained = targetById(plan, 'managers-trained-2020');
    expect([trained.indicator, trained.comparator, trained.value, trained.targetYear]).toEqual([
      'htx_managers_trained_share',
      'EQ',
      100,
      2020,
    ]);
    const power = targetById(plan, 'three-phase-power-2020');
    expect([power.indicator, power.comparator, power.value, power.targetYear]).toEqual([
      'htx_agri_three_phase_power_share',
      'GTE',
      75,
      2020,
    ]);
    expect(power.quote.text).toBe(
      'Phấn đấu đến năm 2020 toàn tỉnh có từ 75% số HTX nông nghiệp được đầu tư điện ba pha phục vụ bơm tưới.',
    );
    const indicator = catalog.indicators.find((i) => i.code === power.indicator)!;
    expect([indicator.publishedOnly, indicator.numerator]).toEqual([true, null]);
  });

  it('has the NQ20 2030 line, nested shares and both wordings of the value-chain target', () => {
    const plan = planById(catalog, 'nq-20-nq-tw-2022');
    const htx = targetById(plan, 'htx-count-2030');
    expect([htx.indicator, htx.comparator, htx.value, htx.targetYear, htx.area.code]).toEqual([
      'htx_count',
      'APPROX',
      45000,
      2030,
      'VN',
    ]);
    const nested = targetById(plan, 'value-chain-of-good-fair-2030');
    const english = plan.wordings.find((w) => w.id === 'value-chain-2030-en')!;
    expect(nested.indicator).toBe('value_chain_share_of_good_fair');
    expect([english.ofTargetId, english.kind, english.quote.lang]).toEqual([
      'value-chain-of-good-fair-2030',
      'PARAPHRASE',
      'en',
    ]);
    expect(nested.wordingNote).toContain('value-chain-2030-en');
    const nestedIndicator = catalog.indicators.find((i) => i.code === nested.indicator)!;
    expect(nestedIndicator.denominator).toEqual({
      measures: ['rated_good', 'rated_fair'],
      orgTypes: ['THT', 'HTX', 'LHHTX', 'QTDND'],
      sectors: 'ALL',
    });
    const strategy = planById(catalog, 'qd-340-qd-ttg-2021');
    const range = targetById(strategy, 'htx-good-fair-2030');
    expect([range.comparator, range.value, range.valueHigh]).toEqual(['RANGE', 60, 70]);
  });

  it('defines each indicator once, published-only ones without a formula', () => {
    const codes = catalog.indicators.map((i) => i.code);
    expect(new Set(codes).size).toBe(codes.length);
    expect(catalog.indicators.filter((i) => i.publishedOnly).map((i) => i.code)).toEqual(
      expect.arrayContaining([
        'htx_agri_three_phase_power_share',
        'htx_in_ica_top300',
        'provincial_units',
      ]),
    );
    for (const i of catalog.indicators) {
      expect(i.publishedOnly, i.code).toBe(i.numerator === null);
      if (i.kind === 'SHARE') expect([i.unit, i.naturalLimit], i.code).toEqual(['percent', 100]);
    }
    expect(catalog.indicators.find((i) => i.code === 'htx_high_tech')!.numerator).toEqual({
      measures: ['high_tech'],
      orgTypes: ['HTX'],
      sectors: ['AGRICULTURE'],
    });
  });
});

describe('a broken catalog', () => {
  let root: string;
  let counter = 0;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'coopstat-catalog-'));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  /** Copies the real catalog and applies text edits (each `from` must occur exactly once). */
  async function brokenCopy(
    edits: Record<string, readonly (readonly [string, string])[]>,
  ): Promise<string> {
    counter += 1;
    const dir = join(root, `copy-${counter}`);
    await cp(CATALOG, dir, { recursive: true });
    for (const [file, changes] of Object.entries(edits)) {
      let text = await readFile(join(dir, file), 'utf8');
      for (const [from, to] of changes) {
        expect(text.split(from).length - 1, `${file}: ${from}`).toBe(1);
        text = text.replace(from, to);
      }
      await writeFile(join(dir, file), text);
    }
    return dir;
  }

  async function catalogError(dir: string): Promise<CatalogError> {
    const error = await readCatalog(dir).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CatalogError);
    return error as CatalogError;
  }

  /** 1-based line of the first line containing `needle` in the copy's file. */
  async function lineOf(dir: string, file: string, needle: string): Promise<number> {
    const lines = (await readFile(join(dir, file), 'utf8')).split('\n');
    const index = lines.findIndex((l) => l.includes(needle));
    expect(index, needle).toBeGreaterThanOrEqual(0);
    return index + 1;
  }

  const KG = 'plans/kien-giang-1558-ct-ubnd-2018.yaml';
  const TN = 'plans/thai-nguyen-03-kh-ubnd-2023.yaml';

  it('fails when a target has no quote, naming the target and its line', async () => {
    const dir = await brokenCopy({
      [KG]: [['    quote_vi: "Phấn đấu đến năm 2020 toàn tỉnh có từ 75%', '    # quote_vi: "x']],
    });
    const error = await catalogError(dir);
    const line = await lineOf(dir, KG, 'id: three-phase-power-2020');
    expect(error.findings).toHaveLength(1);
    expect(error.message).toBe(
      'catalog has 1 problem:\n' +
        '- a target must quote its source in exactly one of quote_vi, quote_en, quote_ko (quote_vi unless the source has no Vietnamese text), ' +
        `but got nothing at ${KG}, line ${line} (target 'three-phase-power-2020')`,
    );
  });

  it('fails when a target has no source', async () => {
    const dir = await brokenCopy({
      [KG]: [
        ['    source: { file: "sources/plans/kien-giang-1558-CT-UBND-2018.txt", line: 53 }\n', ''],
      ],
    });
    const error = await catalogError(dir);
    expect(error.findings.map((f) => [f.rule, f.value, f.file, f.context])).toEqual([
      ['`source` is required in a target', 'nothing', KG, "target 'managers-trained-2020'"],
    ]);
  });

  it('fails when a quote is empty or is not the source text word for word', async () => {
    const dir = await brokenCopy({
      [TN]: [
        ['Trong đó có ít nhất 50 % tham gia', 'Trong đó có ít nhất 50% tham gia'],
        ['"Bảo đảm trên 90% tổ chức kinh tế tập thể hoạt động hiệu quả"', '""'],
      ],
    });
    const error = await catalogError(dir);
    expect(error.findings.map((f) => [f.rule, f.line])).toEqual([
      [
        'the quote must appear word for word in sources/plans/thai-nguyen-03-KH-UBND-2023.txt',
        await lineOf(dir, TN, 'Trong đó có ít nhất 50% tham gia'),
      ],
      ['`quote_vi` must be a non-empty text', await lineOf(dir, TN, 'quote_vi: ""')],
    ]);
  });

  it('fails when a quote is not NFC, or starts on another line than the one cited', async () => {
    const nfd = 'Tỷ lệ tổ chức kinh tế tập thể đạt loại tốt, khá trên 60%.'.normalize('NFD');
    const dir = await brokenCopy({
      [TN]: [
        ['"Tỷ lệ tổ chức kinh tế tập thể đạt loại tốt, khá trên 60%."', JSON.stringify(nfd)],
        [
          'thai-nguyen-03-KH-UBND-2023.txt", line: 36 }',
          'thai-nguyen-03-KH-UBND-2023.txt", line: 37 }',
        ],
      ],
    });
    const error = await catalogError(dir);
    expect(error.findings.map((f) => f.rule)).toEqual([
      '`quote_vi` must be Unicode NFC (composed diacritics)',
      'the quote must start on line 37 of sources/plans/thai-nguyen-03-KH-UBND-2023.txt (it starts on line 36)',
    ]);
  });

  it('lists every finding at once: rule, then value, then where', async () => {
    const dir = await brokenCopy({
      [KG]: [
        ['comparator: GTE', 'comparator: ABOUT'],
        [
          'area: { code: "91", valid_on: "2018-07-12" }',
          'area: { code: "06", valid_on: "2025-08-01" }',
        ],
      ],
      [TN]: [
        ['indicator: htx_count\n', 'indicator: htx_countt\n'],
        ['indicator: tht_count\n', 'indicator: tht_new_per_year\n'],
      ],
      'plans/lai-chau-ctrhd-ubnd-2020.yaml': [
        [
          '    value_high: 2\n    unit: "cooperatives per district"\n    per: district\n    quote_vi: "lựa chọn, xây',
          '    unit: "cooperatives per district"\n    per: district\n    quote_vi: "lựa chọn, xây',
        ],
      ],
      'plans/mard-plan-2023.yaml': [
        ['of_target: agri-count-2023', 'of_target: agri-new-2023'],
        ['value: 65', 'value: 100'],
      ],
      'indicators.yaml': [
        [
          '  natural_limit: 100\n  description: Cooperatives in value-chain linkages per 100',
          '  natural_limit: null\n  description: Cooperatives in value-chain linkages per 100',
        ],
        [
          'measures: [worker_income_avg_vnd_million]',
          'measures: [worker_income_avg_vnd_million, employees]',
        ],
      ],
    });
    const error = await catalogError(dir);
    const lines = error.message.split('\n');
    expect(lines[0]).toBe(`catalog has ${error.findings.length} problems:`);
    expect(error.findings.length).toBe(lines.length - 1);
    expect(lines).toContain(
      `- \`comparator\` must be one of GT, GTE, APPROX, EQ, LTE, LT, RANGE, but got 'ABOUT' at ${KG}, line ${await lineOf(dir, KG, 'comparator: ABOUT')} (target 'three-phase-power-2020')`,
    );
    expect(lines).toContain(
      `- area \`code\` must name an admin unit valid on 2025-08-01 (63-province codes 2008-08-01..2025-06-30, 34-province codes from 2025-07-01, or VN), but got '06' at ${KG}, line ${await lineOf(dir, KG, 'area: {')} (plan 'kien-giang-1558-ct-ubnd-2018')`,
    );
    expect(lines).toContain(
      `- \`indicator\` must be a code registered in indicators.yaml, but got 'htx_countt' at ${TN}, line ${await lineOf(dir, TN, 'htx_countt')} (target 'htx-count-2030')`,
    );
    expect(lines).toContain(
      `- \`indicator\` must be a registered code, not an alias (use 'tht_new_established'), but got 'tht_new_per_year' at ${TN}, line ${await lineOf(dir, TN, 'tht_new_per_year')} (target 'tht-count-2030')`,
    );
    const rules = error.findings.map((f) => f.rule);
    expect(rules).toContain('a RANGE target needs a `value_high` above `value` (1)');
    expect(rules).toContain(
      "a GT target of 'htx_agri_good_fair_share' must be below its natural limit 100",
    );
    expect(rules).toContain(
      "a nested share's denominator must be what its parent 'agri-new-2023' (htx_agri_new_established) counts",
    );
    expect(rules).toContain('`natural_limit` must be 100 for a SHARE indicator');
    expect(rules).toContain('an AVERAGE numerator must be one reported average (a money measure)');
    expect(error.findings).toHaveLength(9);
  });

  it('reports YAML syntax errors and unknown fields with their line', async () => {
    const dir = await brokenCopy({
      [KG]: [['    comparator: GTE\n', '    comparator: GTE\n    qoute_vi: "typo"\n']],
      'plans/nq-106-nq-cp-2023.yaml': [['issuer_vi: "Chính phủ"', 'issuer_vi: [unclosed']],
    });
    const error = await catalogError(dir);
    const unknown = error.findings.find((f) => f.value === "'qoute_vi'")!;
    expect(unknown.rule).toMatch(/^`qoute_vi` is not a field of a target/);
    expect(unknown.line).toBe(await lineOf(dir, KG, 'qoute_vi'));
    const syntax = error.findings.find((f) => f.file === 'plans/nq-106-nq-cp-2023.yaml')!;
    expect(syntax.rule).toMatch(/^the file must be valid YAML/);
    expect(syntax.line).toBeGreaterThan(0);
  });

  it('rejects unquoted codes and a quote filed under the wrong language', async () => {
    const dir = await brokenCopy({
      [KG]: [
        [
          'area: { code: "91", valid_on: "2018-07-12" }',
          'area: { code: 91, valid_on: "2018-07-12" }',
        ],
        ['    quote_vi: "đảm bảo 100%', '    quote_en: "đảm bảo 100%'],
      ],
    });
    const error = await catalogError(dir);
    expect(error.findings.map((f) => [f.rule, f.value])).toEqual([
      ["area `code` must be a quoted text such as '06' or 'VN'", '91'],
      [
        '`quote_en` must be English text (no Vietnamese letters: use quote_vi)',
        "'đảm bảo 100% cán bộ HTX được tập huấn nâng cao về năng lực quản trị HTX'",
      ],
    ]);
  });
});

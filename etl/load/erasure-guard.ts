import type { DuckDbHandle } from '../../warehouse/dialect/index.ts';
import { FACT_MEASURE_NAMES } from '../../warehouse/tables/org-annual.table.ts';
import { FACT_STAGING, REGISTER_STAGING } from '../validate/facts.ts';
import { RESOLVED_TABLE } from '../validate/validate.ts';
import type { Finding } from '../staged/finding.ts';
import { originOf, type StagedFile } from '../staged/staged-file.ts';

/**
 * A load owns the slices it touches (unit × year × source × type), so whatever a file leaves
 * out of a slice it touches is gone from the published data. This guard lists, from the diff of
 * the slices, what a load would erase: published values it turns into missing ones (a column
 * missing, misnamed or empty), published rows it removes (fewer rows, other sectors), and whole
 * slices published from another family of file (a register after aggregates). Without an
 * explicit replace the load is refused with each of them; a dry run lists them.
 */

/** The option a user gives to replace what a load would erase. */
export const REPLACE_HINT = 'load with --replace (upload: replace=true)';

/** How many erasures a refusal lists one by one. */
const LIST_LIMIT = 50;

/** What a load would erase, each as a finding with the published value and its place. */
export interface Erasures {
  readonly findings: Finding[];
  /** Every erasure found, also those past the listed ones. */
  readonly count: number;
}

const KEYS = ['unit_id', 'year', 'source_code', 'org_type', 'sector', 'universe'] as const;
const on = (a: string, b: string) => KEYS.map((k) => `${a}.${k} = ${b}.${k}`).join(' and ');

/** A slice as words: "HTX, sector AGRICULTURE, in Tỉnh Lai Châu 2024 (source PSO)". */
const SLICE_WORDS = `c.org_type || case when c.sector = 'ALL' then ' (all sectors)' else ', sector ' || c.sector end ||
  case when c.universe = 'REGISTERED' then '' else ', universe ' || c.universe end ||
  ' in ' || u.name_vi || ' ' || c.year || ' (source ' || c.source_code || ')'`;

/**
 * Lists what publishing the staged facts (and register rows) would erase. Call after
 * `diffSlices` of both tables; reads the temp tables `<staging>_current` and `<staging>_diff`.
 */
export async function findErasures(
  db: DuckDbHandle,
  options: {
    readonly file: string;
    readonly family: string;
    readonly staged: StagedFile;
    readonly severity: Finding['severity'];
  },
): Promise<Erasures> {
  const { file, family, staged, severity } = options;
  const findings: Finding[] = [];
  let count = 0;
  /** Counts every erasure; lists the first {@link LIST_LIMIT}. */
  const add = (finding: Omit<Finding, 'severity' | 'file'>) => {
    count++;
    if (findings.length < LIST_LIMIT) findings.push({ severity, file, ...finding });
  };

  // Nothing published in the file's slices, nothing to erase: a first load of its years (the
  // usual case) skips the checks below, each a join over every measure (~30 ms a statement).
  const published = async (table: string) =>
    ((await db.all<{ n: number }>(`select count(*) as n from ${table}_current`))[0]?.n ?? 0) > 0;
  const factsPublished = await published(FACT_STAGING);
  const registerPublished = family === 'register' && (await published(REGISTER_STAGING));
  if (!factsPublished && !registerPublished) return { findings, count };

  // Whole slices published from another family of file.
  const foreign = await db.all<{
    what: string;
    family: string;
    file_name: string;
    load_id: number;
    published: number | null;
    loaded: number | null;
  }>(
    `select c.org_type || ' in ' || u.name_vi || ' ' || c.year || ' (source ' || c.source_code || ')' as what,
       l.family, l.file_name, l.load_id,
       (select sum(x.org_count) from ${FACT_STAGING}_current x
         where x.unit_id = c.unit_id and x.year = c.year and x.source_code = c.source_code
           and x.org_type = c.org_type and x.sector = 'ALL') as published,
       (select sum(s.org_count) from ${FACT_STAGING} s
         where s.unit_id = c.unit_id and s.year = c.year and s.source_code = c.source_code
           and s.org_type = c.org_type and s.sector = 'ALL') as loaded
     from (select distinct unit_id, year, source_code, org_type, load_id from ${FACT_STAGING}_current) c
     join load_log l using (load_id) join dim_admin_unit u using (unit_id)
     where l.family <> $1
     order by u.name_vi, c.year, c.org_type, c.source_code, l.load_id`,
    [family],
  );
  for (const f of foreign) {
    add({
      rule: `a load must not replace figures published from another family of file unless asked to (${REPLACE_HINT})`,
      received: `${f.what} published from the ${f.family} file ${f.file_name} (load #${f.load_id})${f.published === null ? '' : ` with org_count ${f.published}`}, which this ${family} file would replace${f.loaded === null ? '' : ` with org_count ${f.loaded}`}`,
    });
  }
  const foreignSlices = `not exists (select 1 from ${FACT_STAGING}_current x join load_log l using (load_id)
      where l.family <> $1 and x.unit_id = c.unit_id and x.year = c.year and x.source_code = c.source_code and x.org_type = c.org_type)`;

  // Published values the file turns into missing ones.
  // The row of the file that gives the value (an aggregates row; register totals have none).
  const placeJoin =
    family === 'aggregates'
      ? `left join (select unit_id, year, org_type, key_sector, key_source, key_universe,
                      min(src_row) as src_row, arg_min(src_sheet, src_row) as src_sheet
                    from ${RESOLVED_TABLE} group by all) r
           on r.unit_id = c.unit_id and r.year = c.year and r.org_type = c.org_type and r.key_sector = c.sector
              and r.key_source = c.source_code and r.key_universe = c.universe`
      : 'left join (select null::varchar as src_sheet, null::integer as src_row) r on true';
  const nulled = await db.all<{
    what: string;
    measure: string;
    published: string;
    version: number;
    file_name: string;
    src_sheet: string | null;
    src_row: number | null;
  }>(
    `select ${SLICE_WORDS} as what, m.measure, m.published, c.valid_from_version as version, l.file_name,
       r.src_sheet, r.src_row
     from (${FACT_MEASURE_NAMES.map(
       (m) =>
         `select ${KEYS.map((k) => `c.${k}`).join(', ')}, '${m}' as measure, c.${m}::varchar as published
          from ${FACT_STAGING}_current c join ${FACT_STAGING} s on ${on('s', 'c')}
          where c.${m} is not null and s.${m} is null`,
     ).join(' union all ')}) m
     join ${FACT_STAGING}_current c on ${on('c', 'm')}
     join ${FACT_STAGING}_diff d on ${on('d', 'm')} and d.change = 'CHANGED'
     join load_log l on l.load_id = c.load_id
     join dim_admin_unit u on u.unit_id = c.unit_id
     ${placeJoin}
     where ${foreignSlices}
     order by r.src_row nulls last, u.name_vi, c.org_type, c.sector, m.measure`,
    [family],
  );
  for (const n of nulled) {
    const origin = originOf(staged, n.src_sheet, n.measure);
    const given =
      origin !== null
        ? 'an empty cell'
        : family === 'aggregates'
          ? `no column \`${n.measure}\` in the file`
          : `no value for \`${n.measure}\` in the file`;
    add({
      rule: `a load must not turn a published value into a missing one unless asked to (${REPLACE_HINT}): \`${n.measure}\` of ${n.what} is ${n.published} as published in data version ${n.version} from ${n.file_name}`,
      received: given,
      sheet: n.src_sheet,
      row: n.src_row,
      letter: origin?.letter ?? null,
      header: origin?.header ?? null,
    });
  }

  // Published rows the file leaves out of a slice it replaces.
  const removed = await db.all<{
    what: string;
    org_count: number | null;
    version: number;
    file_name: string;
  }>(
    `select ${SLICE_WORDS} as what, c.org_count, c.valid_from_version as version, l.file_name
     from ${FACT_STAGING}_diff d join ${FACT_STAGING}_current c on ${on('c', 'd')}
     join load_log l on l.load_id = c.load_id join dim_admin_unit u on u.unit_id = c.unit_id
     where d.change = 'REMOVED' and ${foreignSlices}
     order by u.name_vi, c.year, c.org_type, c.sector`,
    [family],
  );
  for (const r of removed) {
    add({
      rule: `a load must not remove published rows of a slice it replaces unless asked to (${REPLACE_HINT})`,
      received: `no row for ${r.what}, published in data version ${r.version} from ${r.file_name}${r.org_count === null ? '' : ` with org_count ${r.org_count}`}`,
    });
  }

  if (registerPublished) {
    const gone = await db.all<{
      org_id: string;
      org_name: string | null;
      what: string;
      file_name: string;
    }>(
      `select c.org_id, c.org_name, c.org_type || ' in ' || u.name_vi || ' ' || c.year as what, l.file_name
       from ${REGISTER_STAGING}_diff d
       join ${REGISTER_STAGING}_current c on c.unit_id = d.unit_id and c.year = d.year and c.source_code = d.source_code
         and c.org_type = d.org_type and c.org_id = d.org_id
       join load_log l on l.load_id = c.load_id join dim_admin_unit u on u.unit_id = c.unit_id
       where d.change = 'REMOVED'
       order by u.name_vi, c.year, c.org_id`,
    );
    for (const g of gone) {
      add({
        rule: `a load must not remove published organisations of a slice it replaces unless asked to (${REPLACE_HINT})`,
        received: `no row for ${g.org_id}${g.org_name ? ` ${g.org_name}` : ''} (${g.what}), published from ${g.file_name}`,
      });
    }
  }
  return { findings, count };
}

import type { DuckDbHandle, SqlValue } from '../../warehouse/dialect/index.ts';
import { foldUnitName } from '../../warehouse/text/fold.ts';
import { foldSql } from '../../warehouse/text/fold.ts';
import type { SourceDescriptor } from '../sources/source-descriptor.ts';
import type { Finding } from '../staged/finding.ts';
import {
  RAW_TABLE,
  originOf,
  type DecimalConvention,
  type StagedFile,
} from '../staged/staged-file.ts';
import {
  castSql,
  decimalEvidenceSql,
  RAW_PROFILE_TABLE,
  rawProfileSql,
  sqlString,
  typedText,
  typeRule,
} from './typing.ts';
import { provinceSuggestionSql } from './province-suggestions.ts';

/** The closest province name to a refused row's name (`r` in the checks below), or null. */
const SUGGESTION = provinceSuggestionSql('r.folded_name', 'r.ref_date');

/**
 * The typed staging table: `<column>` cast and `raw_<column>` as written where that differs (see
 * {@link asWritten}), per source row, with the admin unit resolved for the reporting year
 * (`unit_id` and how it was found).
 */
export const RESOLVED_TABLE = 'stg_resolved';
/**
 * A cell of {@link RESOLVED_TABLE} as the file wrote it: `raw_<column>` holds the text only where
 * the typed value does not give it back.
 */
export const asWritten = (column: string, alias?: string) => {
  const prefix = alias ? `${alias}.` : '';
  return `coalesce(${prefix}raw_${column}, ${prefix}${column}::varchar)`;
};

/** Every check writes its failures here; a check passes when it inserts zero rows. */
export const FINDING_TABLE = 'stg_finding';

/** Context a validation needs beyond the staged rows. */
export interface ValidationContext {
  readonly file: string;
  readonly staged: StagedFile;
  /** The latest reporting year accepted (the current year: estimates are published in December). */
  readonly maxYear: number;
}

/** Findings of one validation, capped for display, with exact totals. */
export interface ValidationResult {
  readonly findings: Finding[];
  readonly errorCount: number;
  readonly warningCount: number;
  readonly rowsWithErrors: number;
}

/**
 * Appends the rows of `select` (severity, rule, value, src_sheet, src_row, column_name) to the
 * finding table. Each check is one SQL statement over the staging tables.
 */
export async function check(
  db: DuckDbHandle,
  select: string,
  params?: readonly SqlValue[],
): Promise<void> {
  await db.run(`insert into ${FINDING_TABLE} ${select}`, params);
}

/**
 * Appends the rows of several checks' selects at once, as {@link check} does for one: one
 * statement (their `union all`) instead of one each: a statement's own cost, not its rows, is
 * most of a check's time in a small file's load. The selects take no parameters; the finding
 * table is read in its own order (severity, place, rule), so the order in which checks insert
 * does not matter.
 */
export async function checkAll(db: DuckDbHandle, selects: readonly string[]): Promise<void> {
  if (selects.length > 0) await check(db, selects.join('\nunion all\n'));
}

/** The unit columns every row of {@link RESOLVED_TABLE} ends with, in this order. */
export const UNIT_COLUMNS =
  'ref_date, folded_name, code_unit_id, name_unit_id, former_name_unit_id, unit_id';

/**
 * The typed columns of {@link RESOLVED_TABLE} over the raw text columns of the relation `alias`:
 * `cast`, every column as written (`raw_<column>`) beside its typed value, for an inner select;
 * `kept`, over that select, the typed value with the text as written only where the typed value
 * does not give it back (a cast that failed, `1.234` for 1234, `nông nghiệp` for AGRICULTURE):
 * most cells of a large file are plain, and the typed table then holds little more than the
 * types. `asWritten` quotes a cell either way.
 */
export function typedColumnsSql(
  source: SourceDescriptor,
  convention: 'vn' | 'en',
  alias: string,
): { cast: string; kept: string } {
  return {
    cast: source.columns
      .map(
        (c) =>
          `${alias}.${c.name} as raw_${c.name}, ${castSql(c, `${alias}.${c.name}`, convention)} as ${c.name}`,
      )
      .join(',\n  '),
    kept: source.columns
      .map(
        (c) =>
          `case when ${typedText(c, c.name)} is distinct from raw_${c.name} then raw_${c.name} end as raw_${c.name}, ${c.name}`,
      )
      .join(',\n  '),
  };
}

/** Each distinct raw (year, province_code, province_name) of a file with its resolved unit. */
const UNIT_KEY_TABLE = 'stg_unit_key';
/** The session variable {@link unitKeyLookupSql} reads: the resolved units by raw key. */
const UNIT_KEY_VARIABLE = 'coopstat_unit_keys';

/** A raw key as one text: each part as its length and text, `-` when missing (no two keys alike). */
const unitKeyText = (year: string, code: string, name: string) =>
  [year, code, name].map((p) => `coalesce(length(${p}) || ':' || ${p}, '-')`).join(' || ');

/**
 * Resolves the raw keys of {@link RAW_PROFILE_TABLE} (as {@link typeAndResolve} does for a
 * workbook) into a map held in a session variable, and returns the SQL to read it: `unit`, for a
 * select over the raw text columns of `alias`, the row's resolved unit as one struct (`unit_key`);
 * `columns`, over that select, the {@link UNIT_COLUMNS}. An expression per row instead of a join,
 * so a statement that reads a file in order keeps the order (row numbers are record numbers).
 * {@link forgetUnitKeyLookup} drops the variable.
 */
export async function unitKeyLookupSql(
  db: DuckDbHandle,
  source: SourceDescriptor,
  convention: 'vn' | 'en',
  alias: string,
): Promise<{ unit: string; columns: string }> {
  await resolveUnitKeys(db, source, convention);
  // An entry no key can equal ('' is no key's text) keeps the map's type when the file has none.
  await db.run(
    `set variable ${UNIT_KEY_VARIABLE} = (
       select map(list(key), list(unit)) from (
         select ${unitKeyText('raw_year', 'raw_province_code', 'raw_province_name')} as key,
           {'ref_date': ref_date, 'folded_name': folded_name, 'code_unit_id': code_unit_id,
            'name_unit_id': name_unit_id, 'former_name_unit_id': former_name_unit_id} as unit
         from ${UNIT_KEY_TABLE}
         union all
         select '', {'ref_date': null::date, 'folded_name': null::varchar, 'code_unit_id': null::varchar,
           'name_unit_id': null::varchar, 'former_name_unit_id': null::varchar}))`,
  );
  const field = (name: string) => `struct_extract(unit_key, '${name}')`;
  return {
    unit: `getvariable('${UNIT_KEY_VARIABLE}')[${unitKeyText(`${alias}.year`, `${alias}.province_code`, `${alias}.province_name`)}] as unit_key`,
    columns: [
      `${field('ref_date')} as ref_date`,
      `${field('folded_name')} as folded_name`,
      `${field('code_unit_id')} as code_unit_id`,
      `${field('name_unit_id')} as name_unit_id`,
      `${field('former_name_unit_id')} as former_name_unit_id`,
      `coalesce(${field('code_unit_id')}, ${field('name_unit_id')}, ${field('former_name_unit_id')}) as unit_id`,
    ].join(', '),
  };
}

/** Drops the session variable of {@link unitKeyLookupSql}. */
export async function forgetUnitKeyLookup(db: DuckDbHandle): Promise<void> {
  await db.run(`reset variable ${UNIT_KEY_VARIABLE}`);
}

/**
 * Casts every staged column to its type, records a finding for every value that does not parse,
 * every required value that is missing and every year out of range, then resolves provinces
 * against the units valid on 31 December of each row's year.
 */
export async function typeAndResolve(
  db: DuckDbHandle,
  source: SourceDescriptor,
  context: ValidationContext,
): Promise<void> {
  await db.run(`drop table if exists ${FINDING_TABLE}`);
  await db.run(
    `create temp table ${FINDING_TABLE} (severity varchar, rule varchar, value varchar, src_sheet varchar, src_row integer, column_name varchar)`,
  );
  const { convention, mixed } = context.staged.decimals;
  if (mixed) await refuseMixedConventions(db, source);
  // A CSV file is typed and resolved while it is read (see `etl/load/staging.ts`); a workbook's
  // rows, appended to the raw table, are typed here.
  if (!context.staged.typed) {
    await db.run(
      `create temp table if not exists ${RAW_PROFILE_TABLE} as ${rawProfileSql(source, RAW_TABLE)}`,
    );
    // One pass from the raw rows: every cast, and the unit of each row's (year, code, name),
    // which is resolved once per distinct key (a national file has a few dozen) and joined back.
    await resolveUnitKeys(db, source, convention);
    const typed = typedColumnsSql(source, convention, 'r');
    await db.run(`drop table if exists ${RESOLVED_TABLE}`);
    await db.run(
      `create temp table ${RESOLVED_TABLE} as
       select src_sheet, src_row, ${typed.kept}, ${UNIT_COLUMNS}
       from (
       select r.src_sheet, r.src_row, ${typed.cast},
         k.ref_date, k.folded_name, k.code_unit_id, k.name_unit_id, k.former_name_unit_id,
         coalesce(k.code_unit_id, k.name_unit_id, k.former_name_unit_id) as unit_id
       from ${RAW_TABLE} r
       left join ${UNIT_KEY_TABLE} k
         on k.raw_year is not distinct from r.year
            and k.raw_province_code is not distinct from r.province_code
            and k.raw_province_name is not distinct from r.province_name)`,
    );
  }

  // One statement for the row checks: each statement's own cost, not its rows, is most of a
  // check's time in a small file's load.
  await checkAll(db, [
    columnChecksSql(source, context),
    ...(source.columns.some((c) => c.name === 'founded_year')
      ? [
          `select 'ERROR', 'column \`founded_year\` must not be later than the reporting year ' || year, ${asWritten('founded_year')}, src_sheet, src_row, 'founded_year'
           from ${RESOLVED_TABLE} where founded_year > year`,
        ]
      : []),
    `select 'ERROR', 'a row must name its province by \`province_code\` or \`province_name\`', '', src_sheet, src_row, 'province_code'
     from ${RESOLVED_TABLE} where ${asWritten('province_code')} is null and ${asWritten('province_name')} is null`,
    ...UNIT_CHECKS,
  ]);
}

/**
 * Every column's own checks (its type, a value where required, its bounds) in one statement and
 * one scan of the rows: each row lists the checks it fails. As a `union all` of one select per
 * check (~50 for a register), DuckDB planned one scan each, ~27 ms of a small file's load.
 */
function columnChecksSql(source: SourceDescriptor, context: ValidationContext): string {
  if (!Number.isSafeInteger(context.maxYear)) {
    throw new Error(`the latest reporting year must be a whole number, but got ${context.maxYear}`);
  }
  const checks: { rule: string; value: string; column: string; where: string }[] = [];
  const refuse = (column: string, rule: string, value: string, where: string) =>
    checks.push({ rule, value, column: sqlString(column), where });
  for (const column of source.columns) {
    const { name } = column;
    refuse(
      name,
      sqlString(typeRule(column)),
      `raw_${name}`,
      `raw_${name} is not null and ${name} is null`,
    );
    const mapped = [...context.staged.mappings.values()].some((m) => m.columns.has(name));
    if (column.required && mapped) {
      refuse(
        name,
        sqlString(`column \`${name}\` must have a value in every row`),
        `''`,
        `raw_${name} is null and ${name} is null`,
      );
    }
    if (column.type === 'count' && column.max !== undefined) {
      refuse(
        name,
        sqlString(`column \`${name}\` must be at most ${column.max}`),
        asWritten(name),
        `${name} > ${column.max}`,
      );
    }
    if (column.type === 'year') {
      const min = column.min ?? 1900;
      refuse(
        name,
        sqlString(`column \`${name}\` must be a year from ${min} to ${context.maxYear}`),
        asWritten(name),
        `${name} < ${min} or ${name} > ${context.maxYear}`,
      );
    }
  }
  const failed = checks.map(
    (c) =>
      `case when ${c.where} then {'rule': ${c.rule}, 'value': (${c.value})::varchar, 'column_name': ${c.column}} end`,
  );
  return `select 'ERROR', f.rule, f.value, src_sheet, src_row, f.column_name
    from (select src_sheet, src_row, unnest(list_filter([${failed.join(',\n')}], x -> x is not null)) as f
          from ${RESOLVED_TABLE} where ${checks.map((c) => `(${c.where})`).join(' or ')})`;
}

/**
 * Decides a file's {@link DecimalConvention}, once, from the evidence of its decimal cells: the
 * raw profile (`'profile'`, made here when staging has not made it), or the raw rows themselves
 * (`'raw'`, for a workbook whose typed numbers are yet to be written in the convention: their
 * mark keeps them out of the evidence).
 */
export async function decideDecimalConvention(
  db: DuckDbHandle,
  source: SourceDescriptor,
  evidence: 'profile' | 'raw',
): Promise<DecimalConvention> {
  const sql =
    evidence === 'raw'
      ? decimalEvidenceSql(source, RAW_TABLE)
      : source.columns.some((c) => c.type === 'decimal')
        ? `select coalesce(sum(vn), 0) as vn, coalesce(sum(en), 0) as en from ${RAW_PROFILE_TABLE}`
        : null;
  if (!sql) return { convention: 'en', mixed: false };
  if (evidence === 'profile')
    await db.run(
      `create temp table if not exists ${RAW_PROFILE_TABLE} as ${rawProfileSql(source, RAW_TABLE)}`,
    );
  const [counts] = await db.all<{ vn: number; en: number }>(sql);
  return decimalConvention(counts?.vn ?? 0, counts?.en ?? 0);
}

/**
 * The convention of a file whose decimal cells give `vn` values readable only the Vietnamese way
 * and `en` only the English way: Vietnamese when only those, mixed when both.
 */
export function decimalConvention(vn: number, en: number): DecimalConvention {
  return { convention: vn > 0 && en === 0 ? 'vn' : 'en', mixed: vn > 0 && en > 0 };
}

/**
 * Refuses a file whose decimal cells are written in both conventions, at the first cell of each
 * (typed Excel numbers are no evidence: they are numbers whatever the text convention).
 */
async function refuseMixedConventions(db: DuckDbHandle, source: SourceDescriptor): Promise<void> {
  const decimals = source.columns.filter((c) => c.type === 'decimal');
  const vn = `'-?[0-9]+,[0-9]{1,2}|-?[0-9]{1,3}(\\.[0-9]{3})+,[0-9]+'`;
  const en = `'-?[0-9]+\\.[0-9]{1,2}|-?[0-9]{1,3}(,[0-9]{3})+\\.[0-9]+'`;
  const cells = decimals
    .map(
      (c) =>
        `select src_sheet, src_row, ${sqlString(c.name)} as column_name, ${c.name} as value,
           regexp_full_match(replace(${c.name}, ' ', ''), ${vn}) as is_vn,
           regexp_full_match(replace(${c.name}, ' ', ''), ${en}) as is_en
         from ${RAW_TABLE}`,
    )
    .join(' union all ');
  for (const [flag, other] of [
    ['is_vn', '1,234.5 (English)'],
    ['is_en', '1.234,5 (Vietnamese)'],
  ] as const) {
    await check(
      db,
      `select 'ERROR', ${sqlString(`decimal numbers must follow one convention in a file (1.234,5 or 1,234.5); the file also writes numbers as ${other}, so this one is ambiguous: write every decimal one way, or type the cells as numbers in Excel`)},
         value, src_sheet, src_row, column_name
       from (${cells}) where ${flag}
       order by src_sheet nulls first, src_row limit 1`,
    );
  }
}

const FOREVER = `date '9999-12-31'`;

/**
 * Resolves each distinct (year, province_code, province_name) of the raw rows, as written, to the
 * unit valid on 31 December of its year, by code and by name (official names, former names,
 * with or without "Tỉnh"/"Thành phố" and diacritics): the table `stg_unit_key`, keyed by the raw
 * text, with the typed key. Keys without a valid year resolve to nothing.
 */
async function resolveUnitKeys(
  db: DuckDbHandle,
  source: SourceDescriptor,
  convention: 'vn' | 'en',
): Promise<void> {
  const column = (name: string) => {
    const found = source.columns.find((c) => c.name === name);
    if (!found) throw new Error(`${source.family} has no column ${name}`);
    return found;
  };
  const foldedName = foldSql('t.province_name');
  const prefixStripped = `regexp_replace(${foldedName}, '^(tinh|thanh pho|tp) ', '')`;
  void foldUnitName;
  await db.run(`drop table if exists ${UNIT_KEY_TABLE}`);
  await db.run(`
    create temp table ${UNIT_KEY_TABLE} as
    with raw_keys as (
      select raw_year, raw_province_code, raw_province_name from ${RAW_PROFILE_TABLE}
    ),
    typed as (
      select raw_year, raw_province_code, raw_province_name,
        ${castSql(column('year'), 'raw_year', convention)} as year,
        ${castSql(column('province_code'), 'raw_province_code', convention)} as province_code,
        ${castSql(column('province_name'), 'raw_province_name', convention)} as province_name
      from raw_keys
    ),
    keys as (
      select t.*,
        case when t.year is not null then ${prefixStripped} end as folded_name,
        case when t.year is not null then make_date(t.year, 12, 31) end as ref_date
      from typed t
    ),
    named as (
      select distinct a.folded_name, a.unit_id,
        greatest(a.valid_from, u.valid_from) as valid_from,
        least(coalesce(a.valid_to, ${FOREVER}), coalesce(u.valid_to, ${FOREVER})) as valid_to,
        a.alias_kind
      from dim_unit_alias a join dim_admin_unit u using (unit_id)
      where u.level = 'PROVINCE'
    )
    select k.*,
      (select u.unit_id from dim_admin_unit u
        where u.level = 'PROVINCE' and u.code = k.province_code
          and k.ref_date between u.valid_from and coalesce(u.valid_to, ${FOREVER})) as code_unit_id,
      (select min(n.unit_id) from named n
        where n.folded_name = k.folded_name and k.ref_date between n.valid_from and n.valid_to) as name_unit_id,
      (select min(n.unit_id) from named n join dim_admin_unit u using (unit_id)
        where n.folded_name = k.folded_name
          and k.ref_date between u.valid_from and coalesce(u.valid_to, ${FOREVER})) as former_name_unit_id
    from keys k`);
}

/** The checks of the unit resolution: codes outside their validity, unknown names (selects for {@link checkAll}). */
const UNIT_CHECKS: readonly string[] = [
  // A code that exists, but not on the reporting date.
  `select 'ERROR',
       'column \`province_code\` must name a province valid on 31 December ' || r.year || ' (' || u.code || ' was ' || u.name_vi ||
       ' from ' || u.valid_from || coalesce(' to ' || u.valid_to, '') ||
       coalesce(', then part of ' || s.code || ' ' || s.name_vi, '') || ')',
       ${asWritten('province_code', 'r')}, r.src_sheet, r.src_row, 'province_code'
     from ${RESOLVED_TABLE} r
     join dim_admin_unit u on u.level = 'PROVINCE' and u.code = r.province_code
     left join dim_unit_crosswalk x on x.from_unit_id = u.unit_id and x.from_unit_id <> x.to_unit_id
     left join dim_admin_unit s on s.unit_id = x.to_unit_id
     where r.province_code is not null and r.code_unit_id is null
       and u.unit_id = (select max(u2.unit_id) from dim_admin_unit u2 where u2.level = 'PROVINCE' and u2.code = r.province_code
                        and not (r.ref_date between u2.valid_from and coalesce(u2.valid_to, ${FOREVER})))`,
  // A code no unit ever had.
  `select 'ERROR',
       'column \`province_code\` must be the code of a province' ||
       coalesce(' (did you mean ' || n.code || ', the code of ' || n.name_vi || '?)', ''),
       ${asWritten('province_code', 'r')}, r.src_sheet, r.src_row, 'province_code'
     from ${RESOLVED_TABLE} r
     left join dim_admin_unit n on n.unit_id = coalesce(r.name_unit_id, r.former_name_unit_id)
     where r.province_code is not null and not exists (select 1 from dim_admin_unit u where u.level = 'PROVINCE' and u.code = r.province_code)`,
  // A name with no code that matches no unit valid that year.
  `select 'ERROR',
       'column \`province_name\` must name a province valid on 31 December ' || coalesce(r.year::varchar, 'of the row''s year') ||
       coalesce(' (' || u.name_vi || ' ended on ' || u.valid_to ||
                coalesce(' and is now part of ' || s.code || ' ' || s.name_vi, '') || ')',
                ' (did you mean ' || ${SUGGESTION} || '?)', ''),
       ${asWritten('province_name', 'r')}, r.src_sheet, r.src_row, 'province_name'
     from ${RESOLVED_TABLE} r
     left join dim_unit_alias a on a.folded_name = r.folded_name
     left join dim_admin_unit u on u.unit_id = a.unit_id
     left join dim_unit_crosswalk x on x.from_unit_id = u.unit_id
     left join dim_admin_unit s on s.unit_id = x.to_unit_id
     where r.province_code is null and r.province_name is not null and r.unit_id is null
     qualify row_number() over (partition by r.src_sheet, r.src_row order by u.valid_to desc nulls last) = 1`,
  // Code and name that disagree.
  `select 'ERROR',
       'columns \`province_code\` and \`province_name\` must name the same province, but code ' || r.province_code ||
       ' is ' || u.name_vi || ' in ' || r.year,
       ${asWritten('province_name', 'r')}, r.src_sheet, r.src_row, 'province_name'
     from ${RESOLVED_TABLE} r join dim_admin_unit u on u.unit_id = r.code_unit_id
     where r.province_name is not null and coalesce(r.name_unit_id, r.former_name_unit_id) is distinct from r.code_unit_id
       and coalesce(r.name_unit_id, r.former_name_unit_id) is not null`,
  `select 'ERROR',
       'columns \`province_code\` and \`province_name\` must name the same province, but code ' || r.province_code ||
       ' is ' || u.name_vi || ' in ' || r.year || ' and no province of that name existed then' ||
       coalesce(' (did you mean ' || ${SUGGESTION} || '?)', ''),
       ${asWritten('province_name', 'r')}, r.src_sheet, r.src_row, 'province_name'
     from ${RESOLVED_TABLE} r join dim_admin_unit u on u.unit_id = r.code_unit_id
     where r.province_name is not null and r.name_unit_id is null and r.former_name_unit_id is null`,
  // A former name used after it was replaced: accepted, with a warning.
  `select 'WARNING',
       'a province name should be the one in use on 31 December ' || r.year || ', so it was read as ' || u.name_vi,
       ${asWritten('province_name', 'r')}, r.src_sheet, r.src_row, 'province_name'
     from ${RESOLVED_TABLE} r join dim_admin_unit u on u.unit_id = r.former_name_unit_id
     where r.province_name is not null and r.name_unit_id is null and r.former_name_unit_id is not null`,
];

/** Reads the findings back with their places, capped at `limit`, and the exact totals. */
export async function collectFindings(
  db: DuckDbHandle,
  context: ValidationContext,
  limit = 500,
): Promise<ValidationResult> {
  const rows = await db.all<{
    severity: 'ERROR' | 'WARNING';
    rule: string;
    value: string | null;
    src_sheet: string | null;
    src_row: number | null;
    column_name: string | null;
  }>(
    // A total order (rule and value break the ties of findings without a row, such as a
    // province's stock against its flows), so the same file gives the same capped list, and the
    // same warnings in its load log, on every load.
    `select * from ${FINDING_TABLE}
     order by severity, src_sheet nulls first, src_row nulls first, column_name nulls first, rule, value nulls first
     limit ${limit}`,
  );
  const [totals] = await db.all<{ errors: number; warnings: number; error_rows: number }>(
    `select count(*) filter (where severity = 'ERROR') as errors,
            count(*) filter (where severity = 'WARNING') as warnings,
            count(distinct (src_sheet, src_row)) filter (where severity = 'ERROR' and src_row is not null) as error_rows
     from ${FINDING_TABLE}`,
  );
  const findings = rows.map((r): Finding => {
    const origin = r.column_name ? originOf(context.staged, r.src_sheet, r.column_name) : null;
    return {
      severity: r.severity,
      // Every check words its rule; a rule built from a missing value must still read as one.
      rule: r.rule ?? `a value must pass the checks of column \`${r.column_name ?? 'its column'}\``,
      ...(r.value === null && r.src_row === null ? {} : { value: r.value }),
      file: context.file,
      sheet: r.src_sheet,
      row: r.src_row,
      letter: origin?.letter ?? null,
      header: origin?.header ?? null,
    };
  });
  return {
    findings,
    errorCount: totals?.errors ?? 0,
    warningCount: totals?.warnings ?? 0,
    rowsWithErrors: totals?.error_rows ?? 0,
  };
}

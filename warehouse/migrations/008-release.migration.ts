import type { DuckDbHandle } from '../dialect/index.ts';

/**
 * Releases: a load lands as a draft (a new data version), and a release freezes one data version
 * as what the public reads (see `warehouse/release/`). `release_policy` says whether loads wait
 * for a reviewed release (`review_required`) or are released with their load (a single-office
 * warehouse). A warehouse that already holds figures gets them as release 1, unchanged, and
 * requires review from then on.
 */
export const releaseMigration = {
  version: 8,
  name: 'release',
  sql: `
-- one row per release; a correction after a release is a new release, earlier ones stay
create table release (
  release_no integer primary key,
  data_version integer not null,
  years integer[] not null,
  released_at timestamp not null,
  released_by varchar,
  note varchar,
  notes_md_vi varchar,
  notes_md_en varchar,
  automatic boolean not null
);

-- one row: whether loads wait for a reviewed release
create table release_policy (
  review_required boolean not null
);
`,
  async after(db: DuckDbHandle): Promise<void> {
    const [row] = await db.all<{ v: number | null; years: number[] | null }>(
      `select (select max(data_version) from publication) as v,
              (select list(distinct year order by year) from fct_org_annual where valid_to_version is null) as years`,
    );
    const version = row?.v ?? 0;
    await db.run(`insert into release_policy values (true)`);
    if (version > 0) {
      await db.run(
        `insert into release values (1, $1, $2::integer[], current_timestamp, 'migration',
           'figures published before releases existed', null, null, false)`,
        [version, `[${(row?.years ?? []).join(',')}]`],
      );
    }
  },
} as const;

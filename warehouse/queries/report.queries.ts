import type { DuckDbHandle } from '../dialect/index.ts';
import { kyselyOf, validIn } from '../database.ts';
import type { Boundaries } from '../domain/vocabulary.ts';

/** Which topic-report rows to read: the total rows (`ALL`) or the per-sector rows. */
export type ReportPart = 'ALL' | 'SECTORS';

/** Which rows of `rpt_org_type_row` to read. */
export interface ReportRowFilter {
  readonly boundaries: Boundaries;
  readonly unitIds: readonly string[];
  readonly years: readonly number[];
  /** One source; `null` reads each unit's default source (see `is_default_source`). */
  readonly source: string | null;
  readonly part: ReportPart;
  /** Read the rows as published in this data version (default: the current rows). */
  readonly asOfVersion?: number;
}

/**
 * Reads the topic-report rows of some units and years, current or as of a data version,, in report order (organisation
 * type THT, HTX, LHHTX, QTDND, then sector): one statement for any number of units.
 */
export function findReportRows(handle: DuckDbHandle, filter: ReportRowFilter) {
  return kyselyOf(handle)
    .selectFrom('rpt_org_type_row')
    .select([
      'unit_id as unitId',
      'year',
      'source_code as sourceCode',
      'org_type as orgType',
      'sector',
      'status',
      'organisations',
      'active_organisations as activeOrganisations',
      'newly_founded as newlyFounded',
      'dissolved',
      'members',
      'official_members as officialMembers',
      'capital_associates as capitalAssociates',
      'other_associates as otherAssociates',
      'employees',
      'members_per_organisation as membersPerOrganisation',
      'good',
      'fair',
      'average',
      'weak',
      'not_rated as notRated',
      'rated',
      'good_or_fair_share_of_rated as goodOrFairShareOfRated',
      'good_or_fair_share_of_all as goodOrFairShareOfAll',
      'effective',
      'effective_share as effectiveShare',
      'in_value_chain as inValueChain',
      'linked_enterprise as linkedEnterprise',
      'good_or_fair_in_value_chain as goodOrFairInValueChain',
      'value_chain_share as valueChainShare',
      'linked_enterprise_share as linkedEnterpriseShare',
      'value_chain_share_of_good_or_fair as valueChainShareOfGoodOrFair',
      'high_tech as highTech',
      'digital',
      'high_tech_share as highTechShare',
      'digital_share as digitalShare',
    ])
    .where(validIn(filter.asOfVersion))
    .where('boundaries', '=', filter.boundaries)
    .where('year', 'in', [...filter.years])
    .where('unit_id', 'in', [...filter.unitIds])
    .where((eb) =>
      filter.source === null
        ? eb('is_default_source', '=', true)
        : eb('source_code', '=', filter.source),
    )
    .where('sector', filter.part === 'ALL' ? '=' : '<>', 'ALL')
    .orderBy('unit_id')
    .orderBy('year')
    .orderBy('org_type_rank')
    .orderBy('sector')
    .execute();
}

/**
 * One row of a topic report, named as the API's row types name their fields, so the four report
 * types serve it as it is read. `unitId`, `year` and `sourceCode` say whose row it is.
 */
export type ReportRow = Awaited<ReturnType<typeof findReportRows>>[number];

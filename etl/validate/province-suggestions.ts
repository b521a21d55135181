/**
 * "Did you mean …" for a province name that matches no province: the closest name (by edit
 * distance over accent-folded names) among the official and former names valid on the row's
 * reporting date, and a few informal names people still write. A suggestion only: the row stays
 * refused, the name is never read as the suggestion.
 */

/** Informal names still written in files, folded, with the code of the province they mean. */
export const INFORMAL_PROVINCE_NAMES: readonly (readonly [folded: string, code: string])[] = [
  ['sai gon', '79'],
  ['saigon', '79'],
  ['hcm', '79'],
  ['hcmc', '79'],
  ['tphcm', '79'],
  ['hue', '46'],
];

const FOREVER = `date '9999-12-31'`;

/**
 * A scalar SQL subquery giving the Vietnamese name of the province closest to `folded` (an
 * accent-folded name without "tỉnh"/"thành phố") among those valid on `refDate`, or null when
 * none is within a few edits.
 */
export function provinceSuggestionSql(folded: string, refDate: string): string {
  const informal = INFORMAL_PROVINCE_NAMES.map(([name, code]) => `('${name}', '${code}')`).join(
    ', ',
  );
  const validOn = (alias: string) =>
    `${refDate} between ${alias}.valid_from and coalesce(${alias}.valid_to, ${FOREVER})`;
  return `(select c.name_vi from (
      select u.name_vi, a.folded_name as candidate
      from dim_unit_alias a join dim_admin_unit u using (unit_id)
      where u.level = 'PROVINCE' and ${validOn('a')} and ${validOn('u')}
      union all
      select u.name_vi, i.candidate
      from (values ${informal}) i(candidate, code)
      join dim_admin_unit u on u.level = 'PROVINCE' and u.code = i.code and ${validOn('u')}
    ) c
    where levenshtein(c.candidate, ${folded}) <= greatest(2, length(${folded}) // 4)
    order by levenshtein(c.candidate, ${folded}), c.name_vi
    limit 1)`;
}

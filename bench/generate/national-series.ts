/**
 * The national totals the synthetic population is held to: one published figure per year, chosen
 * from `reference/published-figures-national.csv` of the research notes (which is not shipped in the
 * repository, so the chosen values are copied here with their provenance), and the 2030 targets of
 * Resolution 20-NQ/TW (2022) and Decision 340/QĐ-TTg (2021). Between points the series is linear;
 * before the first point it holds the first value; the last point is the 2030 target.
 *
 * Choice rule, where a year has several figures: a ministry / statistics-office (MPI, MoF, GSO)
 * figure over the cooperative alliance's (VCA), high confidence over low, an exact count over a
 * rounded one ("over 31 thousand"). Figures flagged as inconsistent with the rest of their series
 * (8.1 million HTX members in 2020) are left out.
 */

/** A dated value with where it comes from. */
export interface SeriesPoint {
  readonly year: number;
  readonly value: number;
  readonly note: string;
}

/** The series codes, named like the indicators of the published-figures file. */
export type SeriesCode =
  | 'tht_count'
  | 'htx_count'
  | 'lhhtx_count'
  | 'qtdnd_count'
  | 'htx_members'
  | 'tht_members'
  | 'lhhtx_member_htx';

const target = (value: number): SeriesPoint => ({
  year: 2030,
  value,
  note: 'target 2030, NQ20-NQ/TW and QĐ340/QĐ-TTg',
});

/** The chosen points of every series, year ascending. */
export const NATIONAL_SERIES: Readonly<Record<SeriesCode, readonly SeriesPoint[]>> = {
  htx_count: [
    { year: 2013, value: 18891, note: 'VCA chart (OCR), low confidence' },
    { year: 2014, value: 19446, note: 'VCA chart (OCR), low confidence' },
    { year: 2015, value: 19663, note: 'VCA chart (OCR), low confidence' },
    { year: 2016, value: 18859, note: 'VCA chart (OCR), low confidence' },
    { year: 2017, value: 20846, note: 'VCA chart (OCR), low confidence' },
    { year: 2018, value: 22861, note: 'GSO White Book 2020, 31/12/2018' },
    { year: 2020, value: 26040, note: 'end of 2020 (vietnamplus)' },
    { year: 2021, value: 27342, note: '31/12/2021' },
    { year: 2022, value: 29378, note: 'MPI, White Book 2023, 31/12/2022' },
    { year: 2023, value: 31364, note: 'VCA, 31/12/2023' },
    { year: 2024, value: 33335, note: 'MPI/MoF, December 2024' },
    { year: 2025, value: 35041, note: 'MoF report 768/BC-BTC, preliminary' },
    target(45000),
  ],
  tht_count: [
    { year: 2017, value: 97589, note: 'VCA, end of 2017' },
    { year: 2022, value: 71000, note: 'MPI estimate 2022' },
    { year: 2023, value: 71500, note: 'end of 2023' },
    { year: 2024, value: 63650, note: 'MPI/MoF, December 2024' },
    target(140000),
  ],
  lhhtx_count: [
    { year: 2013, value: 44, note: 'VCA chart (OCR), low confidence' },
    { year: 2014, value: 46, note: 'VCA chart (OCR), low confidence' },
    { year: 2015, value: 47, note: 'VCA chart (OCR), low confidence' },
    { year: 2016, value: 42, note: 'VCA chart (OCR), low confidence' },
    { year: 2017, value: 59, note: 'VCA chart (OCR), low confidence' },
    { year: 2018, value: 74, note: 'VCA chart (OCR), low confidence' },
    { year: 2022, value: 125, note: 'MPI estimate 2022' },
    { year: 2023, value: 137, note: 'end of 2023' },
    { year: 2024, value: 152, note: 'MPI/MoF, December 2024' },
    { year: 2025, value: 164, note: 'MoF report, preliminary end of 2025' },
    target(340),
  ],
  qtdnd_count: [
    { year: 2022, value: 1181, note: 'VCA, November 2022' },
    { year: 2024, value: 1181, note: 'VCA, 31/12/2024' },
    { year: 2030, value: 1200, note: 'benchmark shape (DESIGN §7); no published target' },
  ],
  htx_members: [
    { year: 2017, value: 6400000, note: 'VCA, end of 2017' },
    { year: 2018, value: 5998378, note: 'GSO White Book 2020, 31/12/2018' },
    { year: 2021, value: 6000000, note: '"nearly 6 million", end of 2021' },
    { year: 2022, value: 5935000, note: 'MPI 2022' },
    { year: 2023, value: 5800000, note: '"over 5.8 million", end of 2023' },
    { year: 2024, value: 5800000, note: 'MPI/MoF 2024 (VCA: 6.139 million)' },
    { year: 2025, value: 6000000, note: '"nearly 6 million", preliminary end of 2025' },
    target(8000000),
  ],
  tht_members: [
    { year: 2017, value: 1570000, note: 'VCA, end of 2017' },
    { year: 2024, value: 944587, note: 'MPI/MoF 2024' },
    target(2000000),
  ],
  lhhtx_member_htx: [
    { year: 2022, value: 851, note: 'MPI 2022' },
    { year: 2024, value: 993, note: 'MPI/MoF 2024' },
    target(1700),
  ],
};

/** A piecewise-linear curve through `[year, value]` points, held flat outside them. */
export function interpolate(points: readonly (readonly [number, number])[], year: number): number {
  const first = points[0]!;
  if (year <= first[0]) return first[1];
  for (let i = 1; i < points.length; i++) {
    const [y1, v1] = points[i]!;
    if (year <= y1) {
      const [y0, v0] = points[i - 1]!;
      return v0 + ((v1 - v0) * (year - y0)) / (y1 - y0);
    }
  }
  return points[points.length - 1]![1];
}

/** The value of a national series in `year` (interpolated between its points). */
export function seriesValue(code: SeriesCode, year: number): number {
  return interpolate(
    NATIONAL_SERIES[code].map((p) => [p.year, p.value] as const),
    year,
  );
}

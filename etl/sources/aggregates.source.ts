import { QUALIFIER_ALIASES } from '../../warehouse/domain/qualifier.ts';
import type { ColumnDescriptor, SourceDescriptor } from './source-descriptor.ts';
import {
  ORG_TYPE_ALIASES,
  SECTOR_ALIASES,
  UNIVERSE_ALIASES,
  VALUE_STATUS_ALIASES,
} from './vocabulary.ts';

const count = (
  name: string,
  description: string,
  aliases: readonly string[],
): ColumnDescriptor => ({ name, type: 'count', description, aliases, min: 0 });

const money = (
  name: string,
  description: string,
  aliases: readonly string[],
): ColumnDescriptor => ({
  name,
  type: 'decimal',
  description,
  aliases,
});

/** Province-level columns shared by both families. */
export const PROVINCE_COLUMNS: readonly ColumnDescriptor[] = [
  {
    name: 'year',
    type: 'year',
    required: true,
    min: 2000,
    description: 'Reporting year; figures are as of 31 December of that year.',
    aliases: ['năm', 'nam', 'năm báo cáo', 'reporting year'],
  },
  {
    name: 'province_code',
    type: 'code',
    description:
      'Statistics-office code of the province valid in that year (06 and 6 are the same).',
    aliases: ['mã tỉnh', 'ma tinh', 'mã', 'mã đơn vị', 'mã đvhc', 'code', 'province code'],
  },
  {
    name: 'province_name',
    type: 'text',
    description: 'Province name, with or without diacritics or "Tỉnh"/"Thành phố".',
    aliases: [
      'tỉnh',
      'tinh',
      'tên tỉnh',
      'tỉnh/thành phố',
      'tỉnh, thành phố',
      'địa phương',
      'province',
    ],
  },
];

/** The measure columns of `fct_org_annual`, in table order. Every one is optional; empty is missing. */
export const MEASURE_COLUMNS: readonly ColumnDescriptor[] = [
  count('org_count', 'Organisations (total in the universe), count.', [
    'số tổ chức',
    'tổng số',
    'số lượng',
    'số htx',
    'số tht',
    'số đơn vị',
    'count',
    'number of cooperatives',
    'number of organisations',
  ]),
  count('active_count', 'Organisations operating, count.', [
    'đang hoạt động',
    'số đang hoạt động',
    'active',
  ]),
  count('new_count', 'Organisations newly founded in the year, count.', [
    'thành lập mới',
    'số thành lập mới',
    'new',
  ]),
  count('dissolved_count', 'Organisations dissolved, bankrupt or ceased in the year, count.', [
    'giải thể',
    'số giải thể',
    'dissolved',
  ]),
  count('inactive_count', 'Organisations registered but not operating, count.', [
    'ngừng hoạt động',
    'không hoạt động',
    'inactive',
  ]),
  count('members', 'Members: people for THT/HTX/QTDND, member cooperatives for LHHTX, count.', [
    'thành viên',
    'số thành viên',
    'tổng số thành viên',
    'members',
  ]),
  count('official_members', 'Official members (from 1 July 2024), count.', [
    'thành viên chính thức',
  ]),
  count('capital_associates', 'Capital-contributing associate members (from 1 July 2024), count.', [
    'thành viên liên kết góp vốn',
  ]),
  count('other_associates', 'Non-contributing associate members (from 1 July 2024), count.', [
    'thành viên liên kết không góp vốn',
  ]),
  count('employees', 'Regular workers, persons.', [
    'lao động',
    'số lao động',
    'lao động thường xuyên',
    'workers',
    'regular workers',
  ]),
  count('employees_members', 'Regular workers who are members, persons.', [
    'lao động là thành viên',
  ]),
  count('rated_good', 'Organisations rated good (80–100 points), count.', [
    'xếp loại tốt',
    'loại tốt',
    'tốt',
    'good',
  ]),
  count('rated_fair', 'Organisations rated fair (65–<80 points), count.', [
    'xếp loại khá',
    'loại khá',
    'khá',
    'fair',
  ]),
  count('rated_average', 'Organisations rated average (50–<65 points), count.', [
    'xếp loại trung bình',
    'loại trung bình',
    'trung bình',
    'average',
  ]),
  count('rated_weak', 'Organisations rated weak (<50 points), count.', [
    'xếp loại yếu',
    'loại yếu',
    'yếu',
    'kém',
    'weak',
  ]),
  count('rated_none', 'Organisations not rated (under 12 months old or not assessed), count.', [
    'chưa xếp loại',
    'không xếp loại',
    'not rated',
  ]),
  count('effective_count', 'Organisations operating effectively, as the source words it, count.', [
    'hoạt động hiệu quả',
    'hiệu quả',
    'effective',
  ]),
  count('in_value_chain', 'Organisations in value-chain linkages (Decree 98/2018/NĐ-CP), count.', [
    'liên kết chuỗi',
    'liên kết chuỗi giá trị',
    'tham gia chuỗi giá trị',
    'value chain',
  ]),
  count(
    'good_fair_in_value_chain',
    'Organisations rated good or fair that are in value-chain linkages, count.',
    ['tốt khá tham gia chuỗi', 'tốt, khá liên kết chuỗi'],
  ),
  count(
    'effective_in_value_chain',
    'Organisations operating effectively that are in value-chain linkages, count.',
    ['hiệu quả tham gia chuỗi', 'hiệu quả liên kết chuỗi'],
  ),
  count('linked_enterprise', 'Organisations linked with an enterprise, count.', [
    'liên kết doanh nghiệp',
    'liên kết với doanh nghiệp',
    'linked enterprise',
  ]),
  count('high_tech', 'Organisations applying high technology, count.', [
    'công nghệ cao',
    'ứng dụng công nghệ cao',
    'ứng dụng cnc',
    'high tech',
  ]),
  count('digital', 'Organisations in digital transformation, count.', [
    'chuyển đổi số',
    'ứng dụng chuyển đổi số',
    'digital',
  ]),
  count('new_model', 'New-model pilot cooperatives, count.', [
    'htx kiểu mới',
    'mô hình mới',
    'kiểu mới',
    'new model',
  ]),
  count('managers_trained', 'Managers trained in the year or period, persons.', [
    'cán bộ quản lý được đào tạo',
    'quản lý được đào tạo',
    'được đào tạo',
    'trained managers',
  ]),
  count('managers_total', 'Managers in post, persons.', [
    'cán bộ quản lý',
    'tổng số cán bộ quản lý',
    'managers',
  ]),
  money('revenue_avg_vnd_million', 'Average revenue per organisation, VND million.', [
    'doanh thu bình quân',
    'doanh thu bình quân một htx',
  ]),
  money(
    'revenue_members_avg_vnd_million',
    'Average revenue per organisation from members, VND million.',
    ['doanh thu từ thành viên bình quân', 'doanh thu bình quân từ thành viên'],
  ),
  money('profit_avg_vnd_million', 'Average profit per organisation, VND million.', [
    'lãi bình quân',
    'lợi nhuận bình quân',
  ]),
  money(
    'worker_income_avg_vnd_million',
    'Average yearly income of a regular worker, VND million.',
    ['thu nhập bình quân', 'thu nhập bình quân lao động'],
  ),
];

/**
 * Province aggregates: one row per province × year × organisation type × sector, as a statistics
 * office tabulates them.
 */
export const AGGREGATES_SOURCE: SourceDescriptor = {
  family: 'aggregates',
  title: 'Province aggregates',
  grain: 'one row per province × year × organisation type × sector',
  key: ['year', 'unit_id', 'org_type', 'sector'],
  columns: [
    ...PROVINCE_COLUMNS,
    {
      name: 'org_type',
      type: 'enum',
      required: true,
      description: 'Organisation type: THT, HTX, LHHTX or QTDND.',
      aliases: [
        'loại hình',
        'loai hinh',
        'loại hình tổ chức',
        'loại tổ chức',
        'type',
        'organisation type',
      ],
      values: ORG_TYPE_ALIASES,
    },
    {
      name: 'sector',
      type: 'enum',
      description: 'Sector; empty means all sectors together.',
      aliases: ['lĩnh vực', 'linh vuc', 'ngành', 'nganh'],
      values: SECTOR_ALIASES,
    },
    ...MEASURE_COLUMNS,
    {
      name: 'universe',
      type: 'enum',
      description:
        'Which organisations are counted: all registered, or operating with business results.',
      aliases: ['phạm vi', 'pham vi'],
      values: UNIVERSE_ALIASES,
    },
    {
      name: 'status',
      type: 'enum',
      description:
        'How the figures were published: REPORTED, ESTIMATED (ước) or PROVISIONAL (sơ bộ).',
      aliases: ['trạng thái', 'tình trạng số liệu', 'loại số liệu'],
      values: VALUE_STATUS_ALIASES,
    },
    {
      name: 'qualifier',
      type: 'enum',
      description:
        'How the source hedged the figures of the row: EXACT, ABOUT (khoảng), MORE_THAN (trên, hơn), NEARLY (gần) or AT_LEAST (ít nhất); empty means exact.',
      aliases: ['hạn định', 'mức độ chính xác', 'độ chính xác'],
      values: QUALIFIER_ALIASES,
    },
    {
      name: 'source',
      type: 'code',
      description:
        'Source code of the series (e.g. MINISTRY, VCA, PSO); defaults to the load option.',
      aliases: ['nguồn', 'nguon', 'nguồn số liệu'],
    },
  ],
};

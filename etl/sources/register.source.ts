import type { ColumnDescriptor, SourceDescriptor } from './source-descriptor.ts';
import { PROVINCE_COLUMNS } from './aggregates.source.ts';
import {
  LEGAL_STATUS_ALIASES,
  ORG_TYPE_ALIASES,
  RATING_ALIASES,
  SECTOR_ALIASES,
} from './vocabulary.ts';

const flag = (name: string, description: string, aliases: readonly string[]): ColumnDescriptor => ({
  name,
  type: 'flag',
  description,
  aliases,
});
const count = (
  name: string,
  description: string,
  aliases: readonly string[],
): ColumnDescriptor => ({
  name,
  type: 'count',
  description,
  aliases,
  min: 0,
});

/**
 * Organisation register: one row per organisation × year. Its totals feed the same annual facts
 * as the aggregates family when it is loaded.
 */
export const REGISTER_SOURCE: SourceDescriptor = {
  family: 'register',
  title: 'Organisation register',
  grain: 'one row per organisation × year',
  key: ['year', 'org_id'],
  columns: [
    PROVINCE_COLUMNS[0]!,
    {
      name: 'org_id',
      type: 'code',
      required: true,
      description: 'Registration code (also the tax code for an HTX); unique and never reused.',
      aliases: [
        'mã số',
        'mã số htx',
        'mã số thuế',
        'mã số đăng ký',
        'mst',
        'registration code',
        'id',
      ],
    },
    {
      name: 'org_name',
      type: 'text',
      description: 'Registered name.',
      aliases: ['tên', 'tên htx', 'tên tổ chức', 'ten', 'name'],
    },
    {
      name: 'org_type',
      type: 'enum',
      required: true,
      description: 'Organisation type: THT, HTX, LHHTX or QTDND.',
      aliases: ['loại hình', 'loai hinh', 'loại hình tổ chức', 'type'],
      values: ORG_TYPE_ALIASES,
    },
    {
      name: 'sector',
      type: 'enum',
      description: 'Main sector of activity.',
      aliases: ['lĩnh vực', 'linh vuc', 'ngành'],
      values: SECTOR_ALIASES,
    },
    PROVINCE_COLUMNS[1]!,
    PROVINCE_COLUMNS[2]!,
    {
      name: 'founded_year',
      type: 'year',
      min: 1950,
      description: 'Year of founding or registration.',
      aliases: ['năm thành lập', 'nam thanh lap', 'founded'],
    },
    {
      name: 'legal_status',
      type: 'enum',
      description:
        'Legal status from the closed list (OPERATING, SUSPENDED, DISSOLVED, BANKRUPT, CEASED, CONVERTED).',
      aliases: ['tình trạng', 'tình trạng hoạt động', 'trạng thái', 'status'],
      values: LEGAL_STATUS_ALIASES,
    },
    count('members', 'Members: people, or member cooperatives for an LHHTX, count.', [
      'thành viên',
      'số thành viên',
    ]),
    count('official_members', 'Official members (from 1 July 2024), count.', [
      'thành viên chính thức',
    ]),
    count('capital_associates', 'Capital-contributing associate members, count.', [
      'thành viên liên kết góp vốn',
    ]),
    count('other_associates', 'Non-contributing associate members, count.', [
      'thành viên liên kết không góp vốn',
    ]),
    count('employees', 'Regular workers, persons.', [
      'lao động',
      'số lao động',
      'lao động thường xuyên',
    ]),
    {
      name: 'rating',
      type: 'enum',
      description: 'Rating: GOOD, FAIR, AVERAGE, WEAK or NOT_RATED.',
      aliases: ['xếp loại', 'xep loai', 'kết quả xếp loại'],
      values: RATING_ALIASES,
    },
    flag('effective', 'Operating effectively, as the source words it.', [
      'hoạt động hiệu quả',
      'hiệu quả',
    ]),
    flag('in_value_chain', 'In a value-chain linkage.', [
      'liên kết chuỗi',
      'liên kết chuỗi giá trị',
      'chuỗi giá trị',
    ]),
    flag('linked_enterprise', 'Linked with an enterprise.', [
      'liên kết doanh nghiệp',
      'liên kết với doanh nghiệp',
    ]),
    flag('high_tech', 'Applying high technology.', ['công nghệ cao', 'ứng dụng công nghệ cao']),
    flag('digital', 'In digital transformation.', ['chuyển đổi số']),
    flag('new_model', 'New-model pilot cooperative.', ['htx kiểu mới', 'kiểu mới', 'mô hình mới']),
    count('managers_trained', 'Managers trained, persons.', [
      'cán bộ quản lý được đào tạo',
      'được đào tạo',
    ]),
    count('managers_total', 'Managers in post, persons.', ['cán bộ quản lý', 'số cán bộ quản lý']),
    {
      name: 'revenue_vnd_million',
      type: 'decimal',
      description: 'Revenue in the year, VND million.',
      aliases: ['doanh thu', 'tổng doanh thu'],
    },
    {
      name: 'profit_vnd_million',
      type: 'decimal',
      description: 'Profit in the year, VND million (may be negative).',
      aliases: ['lợi nhuận', 'lãi', 'lãi/lỗ'],
    },
  ],
};

/** Closed vocabularies shared by both input families, with the Vietnamese spellings accepted. */

export const ORG_TYPES = ['THT', 'HTX', 'LHHTX', 'QTDND'] as const;
export type OrgType = (typeof ORG_TYPES)[number];

export const ORG_TYPE_ALIASES: Readonly<Record<OrgType, readonly string[]>> = {
  THT: ['tổ hợp tác', 'to hop tac', 'cooperative group'],
  HTX: ['hợp tác xã', 'hop tac xa', 'cooperative'],
  LHHTX: [
    'liên hiệp hợp tác xã',
    'liên hiệp htx',
    'lien hiep hop tac xa',
    'cooperative union',
    'lh htx',
  ],
  QTDND: ['quỹ tín dụng nhân dân', 'quy tin dung nhan dan', "people's credit fund", 'qtd', 'qtdnd'],
};

export const SECTORS = [
  'AGRICULTURE',
  'INDUSTRY_HANDICRAFT',
  'CONSTRUCTION',
  'TRANSPORT',
  'TRADE_SERVICES',
  'CREDIT',
  'ENVIRONMENT',
  'OTHER',
] as const;
export type Sector = (typeof SECTORS)[number];
/** Stored when a row gives no sector: the figure covers all sectors and has no breakdown. */
export const ALL_SECTORS = 'ALL';

/**
 * The sectors an organisation of each type can work in: a people's credit fund is a cooperative
 * of the credit sector; groups, cooperatives and unions may be in any sector. Sector rows of a
 * type are **complete** for a province and year when every sector listed here has a row (a
 * sector without organisations says 0): only then is their sum the type's all-sector total.
 */
export const SECTORS_OF_ORG_TYPE: Readonly<Record<OrgType, readonly Sector[]>> = {
  THT: SECTORS,
  HTX: SECTORS,
  LHHTX: SECTORS,
  QTDND: ['CREDIT'],
};

export const SECTOR_ALIASES: Readonly<Record<Sector, readonly string[]>> = {
  AGRICULTURE: [
    'nông nghiệp',
    'nong nghiep',
    'nông, lâm, ngư nghiệp',
    'nông lâm ngư nghiệp',
    'agri',
    'agricultural',
  ],
  INDUSTRY_HANDICRAFT: [
    'công nghiệp - tiểu thủ công nghiệp',
    'công nghiệp tiểu thủ công nghiệp',
    'cn-tctn',
    'cn - ttcn',
    'công nghiệp - TTCN',
    'tiểu thủ công nghiệp',
    'industry',
    'handicraft',
    'industry and handicraft',
  ],
  CONSTRUCTION: ['xây dựng', 'xay dung'],
  TRANSPORT: ['vận tải', 'giao thông vận tải', 'van tai', 'transport'],
  TRADE_SERVICES: [
    'thương mại - dịch vụ',
    'thương mại dịch vụ',
    'tm-dv',
    'trade',
    'services',
    'trade and services',
  ],
  CREDIT: ['tín dụng', 'tin dung', 'quỹ tín dụng'],
  ENVIRONMENT: ['môi trường', 'dịch vụ môi trường', 'moi truong'],
  OTHER: ['khác', 'khac', 'lĩnh vực khác'],
};

/** How a value was published: final report, estimate ("ước") or preliminary ("sơ bộ"). */
export const VALUE_STATUSES = ['REPORTED', 'ESTIMATED', 'PROVISIONAL'] as const;
export type ValueStatus = (typeof VALUE_STATUSES)[number];
export const VALUE_STATUS_ALIASES: Readonly<Record<ValueStatus, readonly string[]>> = {
  REPORTED: ['chính thức', 'chinh thuc', 'final', 'official', 'báo cáo'],
  ESTIMATED: ['ước', 'uoc', 'ước tính', 'estimate', 'est'],
  PROVISIONAL: ['sơ bộ', 'so bo', 'preliminary', 'prov'],
};

/** Which organisations a count covers (DESIGN §4b: the two universes differ). */
export const UNIVERSES = ['REGISTERED', 'OPERATING_WITH_RESULTS'] as const;
export type Universe = (typeof UNIVERSES)[number];
export const UNIVERSE_ALIASES: Readonly<Record<Universe, readonly string[]>> = {
  REGISTERED: ['đăng ký', 'dang ky', 'all registered', 'hiện có', 'registered'],
  OPERATING_WITH_RESULTS: [
    'có kết quả sxkd',
    'co ket qua sxkd',
    'đang hoạt động có kết quả sản xuất kinh doanh',
    'operating',
  ],
};

export const RATINGS = ['GOOD', 'FAIR', 'AVERAGE', 'WEAK', 'NOT_RATED'] as const;
export type Rating = (typeof RATINGS)[number];
export const RATING_ALIASES: Readonly<Record<Rating, readonly string[]>> = {
  GOOD: ['tốt', 'tot', 'loại tốt', 'a'],
  FAIR: ['khá', 'kha', 'loại khá', 'b'],
  AVERAGE: ['trung bình', 'trung binh', 'loại trung bình', 'c'],
  WEAK: ['yếu', 'yeu', 'kém', 'loại yếu', 'd'],
  NOT_RATED: ['chưa xếp loại', 'chua xep loai', 'không xếp loại', 'none', 'unrated'],
};

/** Legal status from a closed list (DESIGN §4b). */
export const LEGAL_STATUSES = [
  'OPERATING',
  'SUSPENDED',
  'DISSOLVED',
  'BANKRUPT',
  'CEASED',
  'CONVERTED',
] as const;
export type LegalStatus = (typeof LEGAL_STATUSES)[number];
export const LEGAL_STATUS_ALIASES: Readonly<Record<LegalStatus, readonly string[]>> = {
  OPERATING: ['đang hoạt động', 'dang hoat dong', 'hoạt động', 'active'],
  SUSPENDED: ['tạm ngừng hoạt động', 'tạm ngừng', 'tam ngung', 'temporarily suspended'],
  DISSOLVED: ['giải thể', 'giai the', 'đã giải thể'],
  BANKRUPT: ['phá sản', 'pha san'],
  CEASED: ['ngừng hoạt động', 'ngung hoat dong', 'không hoạt động', 'inactive'],
  CONVERTED: ['chuyển đổi', 'chuyen doi', 'chuyển đổi loại hình'],
};

export const FLAG_ALIASES: Readonly<Record<'TRUE' | 'FALSE', readonly string[]>> = {
  TRUE: ['1', 'true', 'yes', 'y', 'x', 'có', 'co', 'c'],
  FALSE: ['0', 'false', 'no', 'n', 'không', 'khong', 'k'],
};

/**
 * The spellings input files may use for the warehouse's closed vocabularies
 * (`warehouse/domain/vocabulary.ts`, `value-status.ts`): Vietnamese first, with and without
 * diacritics, then English. Each map is keyed by the domain code, so a new code without its
 * spellings does not compile.
 */
import type { ValueStatus } from '../../warehouse/domain/value-status.ts';
import type {
  LegalStatus,
  OrgType,
  Rating,
  Sector,
  Universe,
} from '../../warehouse/domain/vocabulary.ts';

/** The words each domain code of a set may be written as, besides the code itself. */
type Spellings<Code extends string> = Readonly<Record<Code, readonly string[]>>;

export const ORG_TYPE_ALIASES: Spellings<OrgType> = {
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

export const SECTOR_ALIASES: Spellings<Sector> = {
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

/** Final report, estimate ("ước") or preliminary ("sơ bộ"). */
export const VALUE_STATUS_ALIASES: Spellings<ValueStatus> = {
  REPORTED: ['chính thức', 'chinh thuc', 'final', 'official', 'báo cáo'],
  ESTIMATED: ['ước', 'uoc', 'ước tính', 'estimate', 'est'],
  PROVISIONAL: ['sơ bộ', 'so bo', 'preliminary', 'prov'],
};

export const UNIVERSE_ALIASES: Spellings<Universe> = {
  REGISTERED: ['đăng ký', 'dang ky', 'all registered', 'hiện có', 'registered'],
  OPERATING_WITH_RESULTS: [
    'có kết quả sxkd',
    'co ket qua sxkd',
    'đang hoạt động có kết quả sản xuất kinh doanh',
    'operating',
  ],
};

export const RATING_ALIASES: Spellings<Rating> = {
  GOOD: ['tốt', 'tot', 'loại tốt', 'a'],
  FAIR: ['khá', 'kha', 'loại khá', 'b'],
  AVERAGE: ['trung bình', 'trung binh', 'loại trung bình', 'c'],
  WEAK: ['yếu', 'yeu', 'kém', 'loại yếu', 'd'],
  NOT_RATED: ['chưa xếp loại', 'chua xep loai', 'không xếp loại', 'none', 'unrated'],
};

export const LEGAL_STATUS_ALIASES: Spellings<LegalStatus> = {
  OPERATING: ['đang hoạt động', 'dang hoat dong', 'hoạt động', 'active'],
  SUSPENDED: ['tạm ngừng hoạt động', 'tạm ngừng', 'tam ngung', 'temporarily suspended'],
  DISSOLVED: ['giải thể', 'giai the', 'đã giải thể'],
  BANKRUPT: ['phá sản', 'pha san'],
  CEASED: ['ngừng hoạt động', 'ngung hoat dong', 'không hoạt động', 'inactive'],
  CONVERTED: ['chuyển đổi', 'chuyen doi', 'chuyển đổi loại hình'],
};

/** The spellings of a yes/no flag column. */
export const FLAG_ALIASES: Spellings<'TRUE' | 'FALSE'> = {
  TRUE: ['1', 'true', 'yes', 'y', 'x', 'có', 'co', 'c'],
  FALSE: ['0', 'false', 'no', 'n', 'không', 'khong', 'k'],
};

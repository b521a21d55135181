import type { OrgType, Sector } from '../../warehouse/domain/vocabulary.ts';
import type { Rng } from './rng.ts';

/**
 * Vietnamese organisation names and tax-code-like registration codes. Names are composed from an
 * activity (by sector) and a place: commune-like names built from common syllables, and a few real
 * specialty places ("Chè Tân Cương" in Thái Nguyên, "Gốm sứ Bát Tràng" in Hà Nội).
 */

const ACTIVITIES: Readonly<Record<Sector, readonly string[]>> = {
  AGRICULTURE: [
    'Nông nghiệp',
    'Nông nghiệp',
    'Nông nghiệp',
    'Dịch vụ Nông nghiệp',
    'Dịch vụ Nông nghiệp',
    'Nông nghiệp và Dịch vụ',
    'Nông nghiệp Xanh',
    'Chè',
    'Rau an toàn',
    'Lúa gạo',
    'Cà phê',
    'Hồ tiêu',
    'Thủy sản',
    'Nuôi trồng Thủy sản',
    'Chăn nuôi',
    'Nấm',
    'Bưởi',
    'Vải thiều',
    'Thanh long',
    'Xoài',
    'Sầu riêng',
    'Dược liệu',
    'Muối',
    'Cam',
    'Mía',
    'Điều',
    'Cao su',
    'Hoa',
    'Mật ong',
    'Lâm nghiệp',
    'Quế',
    'Dừa',
    'Tôm',
    'Cá tra',
    'Rau hữu cơ',
    'Trồng trọt',
  ],
  INDUSTRY_HANDICRAFT: [
    'Mây tre đan',
    'Gốm sứ',
    'Dệt thổ cẩm',
    'Mộc mỹ nghệ',
    'Cơ khí',
    'Gạch ngói',
    'Chế biến Nông sản',
    'Sơn mài',
    'Thêu ren',
    'Đúc đồng',
    'Chế biến Lâm sản',
    'Dệt may',
    'Nước mắm',
    'Bánh tráng',
    'Nón lá',
    'Tiểu thủ công nghiệp',
    'Làng nghề',
  ],
  CONSTRUCTION: ['Xây dựng', 'Xây dựng và Dịch vụ', 'Xây dựng Thủy lợi', 'Cơ khí Xây dựng'],
  TRANSPORT: [
    'Vận tải',
    'Vận tải Hành khách',
    'Vận tải Hàng hóa',
    'Xe khách',
    'Taxi',
    'Vận tải Thủy',
    'Dịch vụ Vận tải',
  ],
  TRADE_SERVICES: [
    'Thương mại',
    'Thương mại Dịch vụ',
    'Dịch vụ Tổng hợp',
    'Chợ',
    'Du lịch Cộng đồng',
    'Dịch vụ Thương mại',
  ],
  CREDIT: [''],
  ENVIRONMENT: [
    'Vệ sinh Môi trường',
    'Môi trường',
    'Dịch vụ Môi trường',
    'Môi trường Xanh',
    'Thu gom Rác thải',
  ],
  OTHER: ['Dịch vụ Điện', 'Điện năng', 'Nước sạch', 'Dịch vụ Tổng hợp', 'Nhà ở', 'Dịch vụ'],
};

const PLACE_FIRST = [
  'Tân',
  'Xuân',
  'Hòa',
  'Phú',
  'An',
  'Bình',
  'Đông',
  'Tây',
  'Nam',
  'Bắc',
  'Thanh',
  'Hưng',
  'Phước',
  'Long',
  'Mỹ',
  'Vĩnh',
  'Quang',
  'Minh',
  'Trung',
  'Đại',
  'Hồng',
  'Yên',
  'Thạch',
  'Cẩm',
  'Kim',
  'Ngọc',
  'Đức',
  'Hải',
  'Sơn',
  'Thuận',
  'Hợp',
  'Tiên',
  'Liên',
  'Quảng',
  'Nghĩa',
  'Đồng',
];
const PLACE_SECOND = [
  'Thành',
  'Phong',
  'Lộc',
  'Hòa',
  'Phú',
  'Lợi',
  'Tiến',
  'Hưng',
  'Thịnh',
  'Mỹ',
  'An',
  'Bình',
  'Cường',
  'Lâm',
  'Sơn',
  'Hà',
  'Khánh',
  'Thái',
  'Xuân',
  'Vinh',
  'Trạch',
  'Điền',
  'Lập',
  'Nghĩa',
  'Đông',
  'Tây',
  'Hiệp',
  'Thuận',
  'Phát',
  'Thắng',
  'Lạc',
  'Quang',
  'Phương',
  'Yên',
  'Trung',
  'Long',
];

/** Real specialty place and product pairs, by old province code. */
const SPECIALTIES: Readonly<Record<string, readonly (readonly [Sector, string, string])[]>> = {
  '01': [
    ['INDUSTRY_HANDICRAFT', 'Gốm sứ', 'Bát Tràng'],
    ['INDUSTRY_HANDICRAFT', 'Lụa', 'Vạn Phúc'],
    ['INDUSTRY_HANDICRAFT', 'Nón lá', 'Chuông'],
    ['INDUSTRY_HANDICRAFT', 'Mây tre đan', 'Phú Vinh'],
    ['AGRICULTURE', 'Bưởi', 'Diễn'],
  ],
  '14': [['AGRICULTURE', 'Chè', 'Mộc Châu']],
  '17': [['AGRICULTURE', 'Cam', 'Cao Phong']],
  '19': [['AGRICULTURE', 'Chè', 'Tân Cương']],
  '30': [['AGRICULTURE', 'Vải thiều', 'Thanh Hà']],
  '60': [['AGRICULTURE', 'Thanh long', 'Hàm Thuận']],
  '62': [['AGRICULTURE', 'Sâm', 'Ngọc Linh']],
  '66': [['AGRICULTURE', 'Cà phê', 'Buôn Ma Thuột']],
  '82': [['AGRICULTURE', 'Xoài', 'Hòa Lộc']],
  '91': [
    ['AGRICULTURE', 'Hồ tiêu', 'Phú Quốc'],
    ['INDUSTRY_HANDICRAFT', 'Nước mắm', 'Phú Quốc'],
  ],
};

const TYPE_PREFIX: Readonly<Record<OrgType, string>> = {
  THT: 'Tổ hợp tác',
  HTX: 'Hợp tác xã',
  LHHTX: 'Liên hiệp Hợp tác xã',
  QTDND: 'Quỹ tín dụng nhân dân',
};

const pick = <T>(rng: Rng, list: readonly T[]): T => list[rng.int(list.length)]!;

/**
 * The part of a name after the type word ("Nông nghiệp Tân Thành"), kept when a THT becomes an
 * HTX. A union is named after its province; a credit fund after its commune.
 */
export function composeStem(
  rng: Rng,
  type: OrgType,
  sector: Sector,
  oldProvinceCode: string,
  provinceShortName: string,
): string {
  const first = pick(rng, PLACE_FIRST);
  let second = pick(rng, PLACE_SECOND);
  while (second === first) second = pick(rng, PLACE_SECOND);
  const place = `${first} ${second}`;
  if (type === 'QTDND') return place;
  const specialties = SPECIALTIES[oldProvinceCode]?.filter(([s]) => s === sector);
  if (type !== 'LHHTX' && specialties?.length && rng.chance(0.05)) {
    const [, product, where] = pick(rng, specialties);
    // Many groups share a famous place: most add their own village or hamlet.
    return rng.chance(0.2) ? `${product} ${where}` : `${product} ${where} ${place}`;
  }
  const activity = pick(rng, ACTIVITIES[sector]);
  if (type === 'LHHTX') return `${activity} ${provinceShortName}`;
  // A few share a commune name and add a number, as registers do.
  return rng.chance(0.04) ? `${activity} ${place} ${2 + rng.int(3)}` : `${activity} ${place}`;
}

/** Full registered name of an organisation of `type` with `stem`. */
export function fullName(type: OrgType, stem: string): string {
  return `${TYPE_PREFIX[type]} ${stem}`;
}

const TAX_WEIGHTS = [31, 29, 23, 19, 17, 13, 7, 5, 3] as const;
/** Odd and not a multiple of 5, so it permutes the 7-digit serials. */
const SERIAL_MULTIPLIER = 7_919_017;
const SERIALS = 10_000_000;

/**
 * Hands out 10-digit codes shaped like Vietnamese tax codes: a 2-digit province prefix, a 7-digit
 * serial and the check digit `10 − (Σ wᵢ·dᵢ mod 11)` (serials whose check would be 10 are skipped).
 * Serials are a per-prefix permutation of a counter, so codes look scattered and never repeat.
 */
export class TaxCodeIssuer {
  private readonly counters = new Map<string, number>();

  constructor(private readonly seedHash: number) {}

  /** The next unused code under a 2-digit province prefix. */
  issue(prefix: string): string {
    let counter = this.counters.get(prefix) ?? 0;
    const offset = (this.seedHash ^ (Number(prefix) * 2_654_435_761)) >>> 0;
    for (;;) {
      if (counter >= SERIALS) throw new Error(`tax-code serials exhausted for prefix ${prefix}`);
      const serial = (counter * SERIAL_MULTIPLIER + offset) % SERIALS;
      counter++;
      const body = prefix + String(serial).padStart(7, '0');
      let sum = 0;
      for (let i = 0; i < 9; i++) sum += TAX_WEIGHTS[i]! * (body.charCodeAt(i) - 48);
      const check = 10 - (sum % 11);
      if (check === 10 || check === 11) continue;
      this.counters.set(prefix, counter);
      return body + String(check);
    }
  }
}

import { randomBytes } from 'node:crypto';

const CROCKFORD = '0123456789abcdefghjkmnpqrstvwxyz';

export type IdPrefix =
  | 'usr'
  | 'ses'
  | 'shop'
  | 'cat'
  | 'prod'
  | 'var'
  | 'img'
  | 'med'
  | 'cart'
  | 'chk'
  | 'ci'
  | 'ord'
  | 'oi'
  | 'pay'
  | 'ref'
  | 'rtn'
  | 'po'
  | 'rev'
  | 'dsp'
  | 'dev'
  | 'evt'
  | 'job'
  | 'je'
  | 'led'
  | 'ntf'
  | 'eml'
  | 'adr'
  | 'so'
  | 'shp'
  | 'txr'
  | 'txt'
  | 'pa'
  | 'prm'
  | 'aud'
  | 'apk'
  | 'whe'
  | 'whd';

/**
 * `<prefix>_` + 10 characters of millisecond time + 16 random characters (80 bits), all Crockford
 * base32 in lower case: ids sort by creation time, which keeps primary-key indexes append-mostly.
 */
export function newId(prefix: IdPrefix, now = Date.now()): string {
  let time = '';
  let t = now;
  for (let i = 0; i < 10; i++) {
    time = CROCKFORD[t % 32] + time;
    t = Math.floor(t / 32);
  }
  const bytes = randomBytes(10);
  let random = '';
  // 80 bits → 16 characters of 5 bits each.
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      random += CROCKFORD[(buffer >> (bits - 5)) & 31];
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
  }
  return `${prefix}_${time}${random}`;
}

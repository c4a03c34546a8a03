import { imageSize } from 'image-size';

/** Also image-size's name of each format. */
export type ImageExtension = 'png' | 'jpg' | 'webp';

export interface ImageType {
  ext: ImageExtension;
  contentType: string;
  width: number;
  height: number;
}

export const CONTENT_TYPES: Record<ImageExtension, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  webp: 'image/webp',
};

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const JPEG_SIGNATURE = Buffer.from([0xff, 0xd8, 0xff]);
const WEBP_CHUNKS = ['VP8 ', 'VP8L', 'VP8X'];

const has = (bytes: Buffer, offset: number, expected: Buffer | string) => {
  const signature = typeof expected === 'string' ? Buffer.from(expected, 'latin1') : expected;
  return bytes.subarray(offset, offset + signature.length).equals(signature);
};

/** Magic bytes first: image-size also knows formats we do not accept (GIF, SVG, BMP…). */
function extensionOf(bytes: Buffer): ImageExtension | undefined {
  if (has(bytes, 0, PNG_SIGNATURE) && has(bytes, 12, 'IHDR')) return 'png';
  if (has(bytes, 0, JPEG_SIGNATURE)) return 'jpg';
  if (has(bytes, 0, 'RIFF') && has(bytes, 8, 'WEBP') && WEBP_CHUNKS.some((chunk) => has(bytes, 12, chunk))) {
    return 'webp';
  }
  return undefined;
}

/**
 * What image the bytes hold, judged by their content alone (magic bytes, then the format's header
 * for the dimensions); undefined for anything that is not a PNG, JPEG or WebP with a real size.
 */
export function identifyImage(bytes: Buffer): ImageType | undefined {
  const ext = extensionOf(bytes);
  if (!ext) return undefined;
  let size: { width: number; height: number; type?: string | undefined };
  try {
    // A copy with an ArrayBuffer of its own: image-size reads through DataViews over
    // `input.buffer`, so on a pooled Buffer a truncated header would be read from bytes past
    // its end instead of failing.
    size = imageSize(new Uint8Array(bytes));
  } catch {
    return undefined;
  }
  if (size.type !== ext || !(size.width > 0) || !(size.height > 0)) return undefined;
  return { ext, contentType: CONTENT_TYPES[ext], width: size.width, height: size.height };
}

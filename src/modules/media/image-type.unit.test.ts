import { describe, expect, it } from 'vitest';
import {
  JPEG_5X3,
  WEBP_EXTENDED_6X9,
  WEBP_LOSSLESS_7X4,
  WEBP_LOSSY_7X4,
} from '../../../test/fixtures/images.js';
import { renderDemoImage } from '../../seed/demo-image.js';
import { identifyImage } from './image-type.js';

describe('identifyImage', () => {
  it('names the format and size of PNG, JPEG and WebP images', () => {
    const png = renderDemoImage({ seed: 1, label: 'P', width: 30, height: 20 });
    expect(identifyImage(png)).toEqual({ ext: 'png', contentType: 'image/png', width: 30, height: 20 });
    expect(identifyImage(JPEG_5X3)).toEqual({ ext: 'jpg', contentType: 'image/jpeg', width: 5, height: 3 });
    for (const [webp, width, height] of [
      [WEBP_LOSSY_7X4, 7, 4],
      [WEBP_LOSSLESS_7X4, 7, 4],
      [WEBP_EXTENDED_6X9, 6, 9],
    ] as const) {
      expect(identifyImage(webp)).toEqual({ ext: 'webp', contentType: 'image/webp', width, height });
    }
  });

  it('does not read past the end of a Buffer that is a view into a larger one', () => {
    // The bytes after the view are the rest of a real image: read through, they would give 7×4.
    expect(identifyImage(WEBP_LOSSY_7X4.subarray(0, 24))).toBeUndefined();
    expect(identifyImage(JPEG_5X3.subarray(0, 160))).toBeUndefined();
  });

  it('knows nothing else, whatever image-size knows', () => {
    const gif = Buffer.from('R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==', 'base64');
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>');
    for (const bytes of [gif, svg, Buffer.alloc(0), Buffer.from('hello')]) {
      expect(identifyImage(bytes)).toBeUndefined();
    }
  });
});

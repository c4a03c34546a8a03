import { PNG } from 'pngjs';
import { seededRandom } from '../platform/random.js';

export interface DemoImageOptions {
  /** Same seed, same picture: the demo catalog looks the same on every machine. */
  seed: number;
  /** The product's name; its initials are printed on the product. */
  label: string;
  width?: number;
  height?: number;
}

type Rgb = readonly [number, number, number];
/** Colour (0–255 per channel) and coverage (0–1) of one pixel, written by a shader. */
type Sample = [r: number, g: number, b: number, alpha: number];
type Shader = (x: number, y: number, out: Sample) => void;
interface Box {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

function hsl(hue: number, saturation: number, lightness: number): Rgb {
  const a = saturation * Math.min(lightness, 1 - lightness);
  const channel = (n: number) => {
    const k = (n + hue / 30) % 12;
    return 255 * (lightness - a * Math.max(-1, Math.min(k - 3, 9 - k, 1)));
  };
  return [channel(0), channel(8), channel(4)];
}

const mix = (from: Rgb, to: Rgb, t: number): Rgb => [
  from[0] + (to[0] - from[0]) * t,
  from[1] + (to[1] - from[1]) * t,
  from[2] + (to[2] - from[2]) * t,
];

/** Math.hypot is several times slower, and this runs for every pixel of every shape. */
const length = (x: number, y: number) => Math.sqrt(x * x + y * y);
const clamp01 = (value: number) => Math.max(0, Math.min(value, 1));
/** Anti-aliased coverage of a pixel by a shape, from the signed distance to its edge. */
const coverage = (distance: number) => clamp01(0.5 - distance);

function roundedRectDistance(
  x: number,
  y: number,
  cx: number,
  cy: number,
  hw: number,
  hh: number,
  r: number,
) {
  const qx = Math.abs(x - cx) - hw + r;
  const qy = Math.abs(y - cy) - hh + r;
  return length(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - r;
}

class Raster {
  readonly rgb: Buffer;

  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.rgb = Buffer.alloc(width * height * 3);
  }

  fillRow(y: number, colour: Rgb): void {
    const row = this.rgb.subarray(y * this.width * 3, (y + 1) * this.width * 3);
    row[0] = colour[0];
    row[1] = colour[1];
    row[2] = colour[2];
    // Doubling copies: a few memcpy calls instead of a loop over every pixel.
    for (let filled = 3; filled < row.length; filled *= 2) row.copyWithin(filled, 0, filled);
  }

  /** Blends a shader over the pixels of a box, sampling each pixel at its centre. */
  paint(box: Box, shader: Shader): void {
    const sample: Sample = [0, 0, 0, 0];
    const left = Math.max(0, Math.floor(box.left));
    const right = Math.min(this.width, Math.ceil(box.right));
    const top = Math.max(0, Math.floor(box.top));
    const bottom = Math.min(this.height, Math.ceil(box.bottom));
    for (let y = top; y < bottom; y++) {
      for (let x = left; x < right; x++) {
        sample[3] = 0;
        shader(x + 0.5, y + 0.5, sample);
        const alpha = clamp01(sample[3]);
        if (alpha === 0) continue;
        const i = (y * this.width + x) * 3;
        const rgb = this.rgb;
        rgb[i] = Math.round(rgb[i]! + (sample[0] - rgb[i]!) * alpha);
        rgb[i + 1] = Math.round(rgb[i + 1]! + (sample[1] - rgb[i + 1]!) * alpha);
        rgb[i + 2] = Math.round(rgb[i + 2]! + (sample[2] - rgb[i + 2]!) * alpha);
      }
    }
  }
}

const boxAround = (cx: number, cy: number, hw: number, hh: number, margin = 2): Box => ({
  left: cx - hw - margin,
  top: cy - hh - margin,
  right: cx + hw + margin,
  bottom: cy + hh + margin,
});

/** Light falling from the upper left onto an upright cylinder, by the horizontal position in it. */
function cylinderLight(x: number, cx: number, halfWidth: number): number {
  const t = (x - cx) / halfWidth;
  const facing = Math.max(0, 1 - (t + 0.35) ** 2);
  const highlight = Math.max(0, 1 - Math.abs(t + 0.5) / 0.12);
  return 0.55 + 0.5 * facing + 0.35 * highlight;
}

function setLit(out: Sample, colour: Rgb, light: number, alpha: number): void {
  const toWhite = Math.max(0, light - 1);
  const shade = Math.min(light, 1);
  out[0] = colour[0] * shade + (255 - colour[0] * shade) * toWhite;
  out[1] = colour[1] * shade + (255 - colour[1] * shade) * toWhite;
  out[2] = colour[2] * shade + (255 - colour[2] * shade) * toWhite;
  out[3] = alpha;
}

/** A 5×7 bitmap font: seven rows of five bits per glyph, in hex. */
const GLYPH_HEX: Record<string, string> = {
  A: '0e11111f111111',
  B: '1e11111e11111e',
  C: '0e11101010110e',
  D: '1e11111111111e',
  E: '1f10101e10101f',
  F: '1f10101e101010',
  G: '0e11101711110f',
  H: '1111111f111111',
  I: '0e04040404040e',
  J: '0702020202120c',
  K: '11121418141211',
  L: '1010101010101f',
  M: '111b1515111111',
  N: '11111915131111',
  O: '0e11111111110e',
  P: '1e11111e101010',
  Q: '0e11111115120d',
  R: '1e11111e141211',
  S: '0f10100e01011e',
  T: '1f040404040404',
  U: '1111111111110e',
  V: '11111111110a04',
  W: '1111111515150a',
  X: '11110a040a1111',
  Y: '11110a04040404',
  Z: '1f01020408101f',
  '0': '0e11131519110e',
  '1': '040c040404040e',
  '2': '0e11010204081f',
  '3': '1f02040201110e',
  '4': '02060a121f0202',
  '5': '1f101e0101110e',
  '6': '0608101e11110e',
  '7': '1f010204080808',
  '8': '0e11110e11110e',
  '9': '0e11110f01020c',
};
const GLYPHS = new Map(
  Object.entries(GLYPH_HEX).map(([char, hex]) => [char, Buffer.from(hex, 'hex')] as const),
);

/** Up to two initials, from the first letters or digits of the label's words. */
function initialsOf(label: string): string {
  return label
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toUpperCase()
    .split(/[^A-Z0-9]+/)
    .filter((word) => word !== '')
    .slice(0, 2)
    .map((word) => word[0])
    .join('');
}

function paintText(raster: Raster, text: string, cx: number, cy: number, cell: number, colour: Rgb): void {
  const glyphWidth = 6 * cell;
  const left = Math.round(cx - (text.length * glyphWidth - cell) / 2);
  const top = Math.round(cy - 3.5 * cell);
  [...text].forEach((char, index) => {
    const rows = GLYPHS.get(char);
    if (!rows) return;
    const glyphLeft = left + index * glyphWidth;
    raster.paint(
      { left: glyphLeft, top, right: glyphLeft + 5 * cell, bottom: top + 7 * cell },
      (x, y, out) => {
        const column = Math.floor((x - glyphLeft) / cell);
        const row = Math.floor((y - top) / cell);
        if (((rows[row]! >> (4 - column)) & 1) === 0) return;
        out[0] = colour[0];
        out[1] = colour[1];
        out[2] = colour[2];
        out[3] = 1;
      },
    );
  });
}

type ProductShape = 'box' | 'bottle' | 'ball' | 'mug';
const SHAPES: readonly ProductShape[] = ['box', 'bottle', 'ball', 'mug'];

/** Where the product's label panel goes: its centre and half sizes. */
interface LabelPlace {
  cx: number;
  cy: number;
  hw: number;
  hh: number;
}

/** Paints the product standing on the floor at (cx, floorY); answers where its label goes. */
function paintProduct(
  raster: Raster,
  shape: ProductShape,
  cx: number,
  floorY: number,
  unit: number,
  colour: Rgb,
  accent: Rgb,
): LabelPlace {
  switch (shape) {
    case 'box': {
      const hw = 0.24 * unit;
      const hh = 0.19 * unit;
      const cy = floorY - hh;
      const lid = 0.05 * unit;
      raster.paint(boxAround(cx, cy, hw, hh), (x, y, out) => {
        const alpha = coverage(roundedRectDistance(x, y, cx, cy, hw, hh, 0.02 * unit));
        const onLid = y < cy - hh + lid;
        const light = onLid ? 1.12 : 0.8 + 0.25 * ((y - cy + hh) / (2 * hh));
        setLit(out, onLid ? accent : colour, light, alpha);
      });
      return { cx, cy: cy + lid / 2, hw: hw * 0.55, hh: hh * 0.45 };
    }
    case 'bottle': {
      const hw = 0.13 * unit;
      const hh = 0.23 * unit;
      const cy = floorY - hh;
      const neckHw = 0.05 * unit;
      const neckHh = 0.07 * unit;
      const neckCy = cy - hh - neckHh + 0.02 * unit;
      const capHh = 0.035 * unit;
      const capCy = neckCy - neckHh - capHh + 0.01 * unit;
      raster.paint(boxAround(cx, cy - neckHh - capHh, hw, hh + neckHh + capHh * 2), (x, y, out) => {
        const body = roundedRectDistance(x, y, cx, cy, hw, hh, 0.06 * unit);
        const neck = roundedRectDistance(x, y, cx, neckCy, neckHw, neckHh, 0.01 * unit);
        const cap = roundedRectDistance(x, y, cx, capCy, neckHw * 1.15, capHh, 0.01 * unit);
        if (cap < Math.min(body, neck)) {
          setLit(out, accent, cylinderLight(x, cx, neckHw * 1.15), coverage(cap));
        } else {
          setLit(out, colour, cylinderLight(x, cx, hw), coverage(Math.min(body, neck)));
        }
      });
      return { cx, cy, hw: hw * 0.8, hh: hh * 0.4 };
    }
    case 'ball': {
      const radius = 0.22 * unit;
      const cy = floorY - radius;
      const light = [-0.45, -0.55, 0.7];
      const norm = Math.hypot(light[0]!, light[1]!, light[2]!);
      raster.paint(boxAround(cx, cy, radius, radius), (x, y, out) => {
        const nx = (x - cx) / radius;
        const ny = (y - cy) / radius;
        const nz = Math.sqrt(Math.max(0, 1 - nx * nx - ny * ny));
        const facing = Math.max(0, (nx * light[0]! + ny * light[1]! + nz * light[2]!) / norm);
        const shine = facing ** 40 * 0.6;
        setLit(out, colour, 0.35 + 0.75 * facing + shine, coverage(length(x - cx, y - cy) - radius));
      });
      return { cx, cy: cy + 0.05 * unit, hw: radius * 0.5, hh: radius * 0.32 };
    }
    case 'mug': {
      const hw = 0.16 * unit;
      const hh = 0.16 * unit;
      const cy = floorY - hh;
      const handleCx = cx + hw;
      const handleRadius = 0.085 * unit;
      const handleThickness = 0.022 * unit;
      raster.paint(boxAround(cx + handleRadius / 2, cy, hw + handleRadius, hh), (x, y, out) => {
        const body = roundedRectDistance(x, y, cx, cy, hw, hh, 0.025 * unit);
        const ring = Math.abs(length(x - handleCx, y - cy) - handleRadius) - handleThickness;
        const handle = x > handleCx ? ring : Number.POSITIVE_INFINITY;
        const light = handle < body ? 0.85 : cylinderLight(x, cx, hw);
        setLit(out, colour, light, coverage(Math.min(body, handle)));
      });
      return { cx, cy, hw: hw * 0.62, hh: hh * 0.45 };
    }
  }
}

/**
 * A product photo stand-in, drawn locally and deterministically from the seed: a studio backdrop
 * and floor, a soft shadow, a shaded product (box, bottle, ball or mug) and a label with the
 * initials of `label`. Answers PNG bytes.
 */
export function renderDemoImage({ seed, label, width = 640, height = 480 }: DemoImageOptions): Buffer {
  const random = seededRandom(seed);
  const raster = new Raster(width, height);
  const unit = Math.min(width, height);
  const backdropHue = random() * 360;
  const productHue = (backdropHue + 120 + random() * 120) % 360;
  const shape = SHAPES[Math.floor(random() * SHAPES.length)]!;
  const product = hsl(productHue, 0.45 + random() * 0.3, 0.42 + random() * 0.16);
  const accent = hsl((productHue + 30) % 360, 0.35, 0.3);
  const wallTop = hsl(backdropHue, 0.35, 0.94);
  const wallBottom = hsl(backdropHue, 0.3, 0.84);
  const floorNear = hsl(backdropHue, 0.2, 0.7);
  const floorFar = hsl(backdropHue, 0.22, 0.8);

  const horizonY = Math.round(height * 0.62);
  for (let y = 0; y < height; y++) {
    raster.fillRow(
      y,
      y < horizonY
        ? mix(wallTop, wallBottom, y / horizonY)
        : mix(floorFar, floorNear, (y - horizonY) / (height - horizonY)),
    );
  }

  const cx = width / 2;
  const floorY = height * 0.8;
  const shadowRx = 0.3 * unit;
  const shadowRy = 0.045 * unit;
  raster.paint(boxAround(cx, floorY, shadowRx, shadowRy), (x, y, out) => {
    const k = ((x - cx) / shadowRx) ** 2 + ((y - floorY) / shadowRy) ** 2;
    out[0] = 0;
    out[1] = 0;
    out[2] = 0;
    out[3] = k < 1 ? 0.35 * (1 - k) ** 2 : 0;
  });

  const place = paintProduct(raster, shape, cx, floorY, unit, product, accent);
  const initials = initialsOf(label);
  if (initials !== '') {
    const paper = hsl(productHue, 0.25, 0.96);
    raster.paint(boxAround(place.cx, place.cy, place.hw, place.hh), (x, y, out) => {
      setLit(out, paper, 1, coverage(roundedRectDistance(x, y, place.cx, place.cy, place.hw, place.hh, 6)));
    });
    const cell = Math.max(
      1,
      Math.floor(Math.min((place.hh * 1.2) / 7, (place.hw * 1.6) / (6 * initials.length))),
    );
    paintText(raster, initials, place.cx, place.cy, cell, hsl(productHue, 0.5, 0.3));
  }

  const png = new PNG({ width, height, colorType: 2, inputColorType: 2, inputHasAlpha: false });
  png.data = raster.rgb;
  // One fixed filter and a middling deflate level: the seed renders ~200 of these at start.
  return PNG.sync.write(png, {
    colorType: 2,
    inputColorType: 2,
    inputHasAlpha: false,
    filterType: 1,
    deflateLevel: 6,
  });
}

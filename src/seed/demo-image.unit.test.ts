import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { renderDemoImage } from './demo-image.js';

describe('renderDemoImage', () => {
  it('draws a PNG of the asked size, 640×480 by default', () => {
    const picture = PNG.sync.read(renderDemoImage({ seed: 1, label: 'Linen Tote' }));
    expect([picture.width, picture.height]).toEqual([640, 480]);
    const small = PNG.sync.read(renderDemoImage({ seed: 1, label: 'Linen Tote', width: 90, height: 120 }));
    expect([small.width, small.height]).toEqual([90, 120]);
  });

  it('depends on the seed and the label alone', () => {
    const once = renderDemoImage({ seed: 42, label: 'Ceramic Mug' });
    expect(renderDemoImage({ seed: 42, label: 'Ceramic Mug' }).equals(once)).toBe(true);
    expect(renderDemoImage({ seed: 43, label: 'Ceramic Mug' }).equals(once)).toBe(false);
    expect(renderDemoImage({ seed: 42, label: 'Tea Cup' }).equals(once)).toBe(false);
  });

  it('is a picture, not a flat fill: many colours, and the product differs from the backdrop', () => {
    const { data, width, height } = PNG.sync.read(renderDemoImage({ seed: 5, label: 'Trail Runner' }));
    const colours = new Set<number>();
    for (let i = 0; i < data.length; i += 4)
      colours.add((data[i]! << 16) | (data[i + 1]! << 8) | data[i + 2]!);
    expect(colours.size).toBeGreaterThan(200);
    const at = (x: number, y: number) => [...data.subarray((y * width + x) * 4, (y * width + x) * 4 + 3)];
    expect(at(width / 2, Math.round(height * 0.7))).not.toEqual(at(5, Math.round(height * 0.7)));
  });

  it('prints the initials of any label, and draws labels without letters too', () => {
    const plain = renderDemoImage({ seed: 9, label: '' });
    expect(renderDemoImage({ seed: 9, label: '¡¿ 🙂 ?!' }).equals(plain)).toBe(true);
    expect(renderDemoImage({ seed: 9, label: 'Émile pot' }).equals(plain)).toBe(false);
    // Accents are dropped, not word breaks: "Émile pot" and "Emile Pot" print the same "EP".
    expect(
      renderDemoImage({ seed: 9, label: 'Émile pot' }).equals(
        renderDemoImage({ seed: 9, label: 'Emile Pot' }),
      ),
    ).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { describeChange } from './audit-trail';

describe('describeChange', () => {
  it('reads a change as field: before → after, with nothing shown as a dash', () => {
    expect(describeChange('return_window_days', [30, 14])).toBe('return window days: 30 → 14');
    expect(describeChange('support_email', [null, 'help@lamps.test'])).toBe(
      'support email: — → help@lamps.test',
    );
    expect(describeChange('scope', [{ shop_id: 'shop_1' }, {}])).toBe('scope: {"shop_id":"shop_1"} → {}');
  });
});

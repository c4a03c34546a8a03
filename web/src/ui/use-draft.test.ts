import { act, renderHook } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { useDraft } from './use-draft';

describe('useDraft', () => {
  it('keeps what is typed, and follows the value when it changes', () => {
    const { result, rerender } = renderHook(({ value }) => useDraft(value), {
      initialProps: { value: 'lamp' },
    });
    expect(result.current[0]).toBe('lamp');
    act(() => result.current[1]('lamps and'));
    rerender({ value: 'lamp' });
    expect(result.current[0]).toBe('lamps and');
    rerender({ value: 'teapot' });
    expect(result.current[0]).toBe('teapot');
  });
});

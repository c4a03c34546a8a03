import { useEffect, useState } from 'react';

/**
 * Text a person edits before applying it (a search box), starting from `value` and following it
 * whenever `value` changes under it (back, forward, a link), dropping what was typed meanwhile.
 */
export function useDraft(value: string): [string, (text: string) => void] {
  const [draft, setDraft] = useState(value);
  useEffect(() => setDraft(value), [value]);
  return [draft, setDraft];
}

/**
 * What a search box's text means before SQL sees it: the words to check against the catalog's
 * vocabulary, the last word a buyer may still be typing (matched as a prefix), and the text with
 * misspelt words replaced. Operators keep websearch_to_tsquery's meaning ("…", -word, or).
 */

const WORD = /[\p{L}\p{N}]+/gu;
/** Words this short have too few trigrams for a similarity to mean anything. */
export const MIN_CORRECTABLE_LENGTH = 3;

/** The distinct lower-case words of the text, websearch's `or` operator aside. */
export function searchWords(text: string): string[] {
  const words = new Set<string>();
  for (const [word] of text.toLowerCase().matchAll(WORD)) if (word !== 'or') words.add(word);
  return [...words];
}

/**
 * The text split into the part before the last word and that word, when the last word is bare
 * (not quoted, not negated, not `or`): the word then also matches as a prefix ("lam" finds "lamp").
 */
export function trailingPrefix(text: string): { head: string; prefix: string } | undefined {
  const match = /(^|[^\p{L}\p{N}])([\p{L}\p{N}]+)[^\p{L}\p{N}"]*$/u.exec(text);
  if (!match) return undefined;
  const head = text.slice(0, match.index + match[1]!.length);
  const prefix = match[2]!.toLowerCase();
  const quotes = head.split('"').length - 1;
  if (quotes % 2 === 1 || head.endsWith('-') || prefix === 'or') return undefined;
  return { head, prefix };
}

/** The text with each word found in `corrections` (by its lower-case form) replaced. */
export function correctText(text: string, corrections: ReadonlyMap<string, string>): string {
  return text.replace(WORD, (word) => corrections.get(word.toLowerCase()) ?? word);
}

// Near-duplicate detection that works for Chinese and English alike. Chinese is not split into words, so it is
// compared by overlapping character pairs (bigrams); Latin text by lower-cased words. Dice's coefficient over the
// two token sets then gives 0 (nothing shared) to 1 (same tokens).

const han = /\p{Script=Han}/u;

export function tokens(text: string): Set<string> {
  const out = new Set<string>();
  const normalised = text.normalize('NFKC').toLowerCase();
  for (const word of normalised.match(/[a-z0-9]+/g) ?? []) {
    if (word.length > 1 && !stopWords.has(word)) out.add(word.replace(/(?<=\w{3})(s|es|ed|ing)$/, ''));
  }
  const hanRuns = normalised.match(/\p{Script=Han}+/gu) ?? [];
  for (const run of hanRuns) {
    const chars = [...run].filter((char) => han.test(char) && !hanStopChars.has(char));
    if (chars.length === 1) out.add(chars[0]!);
    for (let i = 0; i + 1 < chars.length; i++) out.add(chars[i]! + chars[i + 1]!);
  }
  return out;
}

/** Dice's coefficient of two token sets. */
function dice(left: Set<string>, right: Set<string>): number {
  if (left.size === 0 || right.size === 0) return 0;
  let shared = 0;
  for (const token of left) if (right.has(token)) shared++;
  return (2 * shared) / (left.size + right.size);
}

export function similarity(a: string, b: string): number {
  return dice(tokens(a), tokens(b));
}

/**
 * Candidates at or above `threshold`, most similar first. A candidate's tokens are those stored with it (`tokens` of
 * its text when it was raised), or made from its text when it has none.
 */
export function findSimilar<T extends { text: string; tokens?: string[] }>(
  text: string,
  candidates: T[],
  threshold: number,
  limit = 3,
): T[] {
  const wanted = tokens(text);
  return candidates
    .map((candidate) => ({
      candidate,
      score: dice(wanted, candidate.tokens?.length ? new Set(candidate.tokens) : tokens(candidate.text)),
    }))
    .filter(({ score }) => score >= threshold)
    .sort((x, y) => y.score - x.score)
    .slice(0, limit)
    .map(({ candidate }) => candidate);
}

const stopWords = new Set([
  'the',
  'is',
  'are',
  'was',
  'in',
  'on',
  'of',
  'to',
  'and',
  'a',
  'an',
  'at',
  'it',
  'our',
  'my',
  'for',
  'please',
  'again',
  'not',
]);
const hanStopChars = new Set(['的', '了', '是', '在', '有', '我', '们', '吗', '呢', '吧', '啊', '很', '又', '也', '都', '就', '还']);

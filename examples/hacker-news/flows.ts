// The seed's hacker_news flows: PrepareText and FilterComments (cleanup), CalculateSentiment and
// CalculateMentionedLibs (stats). Step names keep the seed's snake_case.
import { Flow, STOP } from '../../src/index.js'
import { englishStopWords, polarity, stem, wordSequence } from './text.js'

/** text -> words (stop words removed) and their stems. */
export class PrepareText extends Flow<{ text: string }> {
  extract_words = this.step(({ text }: { text: string }) => ({ words: wordSequence(text) }), { next: ['filter_stop_words'] })
  filter_stop_words = this.step(
    ({ words }: { words: string[] }) => {
      const stop = englishStopWords()
      return { words: words.filter((w) => !stop.has(w)) }
    },
    { next: ['apply_stemming'] },
  )
  apply_stemming = this.step(({ words }: { words: string[] }) => ({ stemmed_words: words.map(stem) }), { next: ['words_data'] })
  words_data = this.step(({ words, stemmed_words }: { words: string[]; stemmed_words: string[] }) => ({ words, stemmed_words }))
}

/** What FilterComments keeps: comments of at least `minWords` words that mention `topic`. */
export interface FilterOptions {
  topic: string
  minWords: number
}

/** Drops (STOP) what is not a comment, is too short, or is off topic; merges nothing. */
export class FilterComments extends Flow<{ type: string; words: string[] }> {
  constructor(readonly options: FilterOptions) {
    super()
  }

  ensure_comment = this.step(({ type }: { type: string }) => (type === 'comment' ? undefined : STOP), { next: ['ensure_length_ok'] })
  ensure_length_ok = this.step(({ words }: { words: string[] }) => (words.length >= this.options.minWords ? undefined : STOP), {
    next: ['ensure_topic_related'],
  })
  ensure_topic_related = this.step(({ words }: { words: string[] }) => (words.includes(this.options.topic) ? undefined : STOP))
}

const round4 = (value: number): number => Math.round(value * 10_000) / 10_000

/** text -> sentences -> polarity per sentence -> their mean. */
export class CalculateSentiment extends Flow<{ text: string }> {
  split_sentences = this.step(
    ({ text }: { text: string }) => ({ sentences: text.split(/(?<=[.!?;:])\s+/).filter((s) => s.trim() !== '') }),
    { next: ['extract_sentiment'] },
  )
  extract_sentiment = this.step(({ sentences }: { sentences: string[] }) => ({ by_sentences: sentences.map(polarity) }), {
    next: ['average_sentiment'],
  })
  average_sentiment = this.step(({ by_sentences }: { by_sentences: number[] }) => ({
    sentiment: round4(by_sentences.reduce((a, b) => a + b, 0) / Math.max(by_sentences.length, 1)),
  }))
}

/** A library a comment mentions, with the comment's score and time. */
export interface LibMention {
  lib: string
  score: number
  time: number
}

/** words -> the listed libraries they mention. */
export class CalculateMentionedLibs extends Flow<{ score: number; time: number; words: string[] }> {
  constructor(readonly libs: readonly string[]) {
    super()
  }

  mentioned_libs = this.step(({ score, time, words }: { score: number; time: number; words: string[] }) => ({
    libs: words.filter((word) => this.libs.includes(word)).map((lib): LibMention => ({ lib, score, time })),
  }))
}

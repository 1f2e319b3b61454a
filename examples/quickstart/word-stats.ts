// A small pipeline: clean each comment, count its words, and keep stats per author.
import { z } from 'zod'
import { App, concatenate, STOP } from '../../src/index.js'

export const app = new App('quickstart', { config: { minWords: 3 } })

const words = ({ text }: { text: string }) => ({ words: text.toLowerCase().match(/[a-z']+/g) ?? [] })
const longEnough = ({ words }: { words: string[] }) => (words.length >= app.config.minWords ? undefined : STOP)
const counts = ({ words }: { words: string[] }) => ({
  wordCount: words.length,
  longest: words.reduce((a, w) => (w.length > a.length ? w : a), ''),
})

export const seen: { author: string; wordCount: number }[] = []
export const collect = app.consumer('collect', (record: { author: string; wordCount: number }) => {
  seen.push({ author: record.author, wordCount: record.wordCount })
})

export const wordStats = app.pipeline('word_stats', { input: z.object({ author: z.string(), text: z.string() }) }, (_p, comment) => {
  const counted = comment
    .subscribeFunc(words, { asWorker: true })
    .subscribeFunc(longEnough)
    .subscribeFunc(counts, { asWorker: true })
    .subscribeConsumer(collect)
  return concatenate({ author: counted.get('author'), wordCount: counted.get('wordCount'), longest: counted.get('longest') })
})

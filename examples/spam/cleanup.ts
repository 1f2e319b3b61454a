// Text cleanup as Flows: `TextCleanup` works on any text; `EmailCleanup` redefines its first step
// to read an email (the subject and the body, not the routing headers). The `clean_text`
// pipeline takes either through its config, as the seed's FAQ shows.
import { Flow } from '../../src/index.js'
import { englishStopWords } from './data.js'

/** Words kept per text: the start of a message says enough, and it bounds the fan-out. */
export const MAX_WORDS = 400

/** Lowercases and replaces what carries no word (markup, links, addresses, numbers) with markers. */
export function normalizeText(text: string): string {
  return text
    .toLowerCase()
    .replace(/<[^>]{0,200}>/g, ' ')
    .replace(/&[a-z]{2,6};/g, ' ')
    .replace(/https?:\/\/\S+|www\.\S+/g, ' zurl ')
    .replace(/[\w.+-]+@[\w-]+\.[\w.-]+/g, ' zemail ')
    .replace(/\$\s?\d[\d,.]*/g, ' zmoney ')
    .replace(/\d+/g, ' ')
}

/** Cleans plain text: normalize -> words -> stop words removed. */
export class TextCleanup extends Flow<{ text: string }> {
  normalize = this.step(({ text }: { text: string }) => ({ normalized: normalizeText(text) }), { next: ['words'] })
  words = this.step(
    ({ normalized }: { normalized: string }) => ({ words: (normalized.match(/[a-z][a-z']+/g) ?? []).slice(0, MAX_WORDS) }),
    {
      next: ['drop_stop_words'],
    },
  )
  drop_stop_words = this.step(({ words }: { words: string[] }) => {
    const stop = englishStopWords()
    return { tokens: words.filter((w) => w.length > 2 && w.length < 25 && !stop.has(w)) }
  })
}

/** The part of a raw email worth reading: its Subject line and its body (after the first blank line). */
export function emailContent(raw: string): string {
  const split = raw.search(/\r?\n\r?\n/)
  const headers = split < 0 ? raw : raw.slice(0, split)
  const body = split < 0 ? '' : raw.slice(split)
  const subject = /^subject:(.*)$/im.exec(headers)?.[1] ?? ''
  return `${subject}\n${body}`
}

/** Cleans raw emails: as TextCleanup, reading only the subject and body. */
export class EmailCleanup extends TextCleanup {
  override normalize = this.step(({ text }: { text: string }) => ({ normalized: normalizeText(emailContent(text)) }), { next: ['words'] })
}

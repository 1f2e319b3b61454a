// The spam classifier's pipelines: emails -> `clean_text` (a reusable sub-pipeline whose cleanup
// Flow is swapped through its config) -> bag-of-words counts into the `training_rows` iterator
// consumer that feeds the logistic regression (run.ts) -> `email_tokens`: a fan-out Flow (one email
// -> one record per distinct token) into the `vocabulary` standalone consumer.
import { z } from 'zod'
import { App, Flow, STOP } from '../../src/index.js'
import { EmailCleanup, TextCleanup } from './cleanup.js'
import { loadEmails } from './data.js'
import { type SparseVector, type Vocabulary, VocabularyCounts } from './vocabulary.js'

export const app = new App('spam', { config: { seed: 42, testShare: 0.2 } })

/** Reusable anywhere: plain text in, `tokens` out; the cleanup Flow comes from the config. */
export const cleanText = app.pipeline(
  'clean_text',
  { input: z.object({ text: z.string() }), config: { cleanup: new TextCleanup() } },
  (p, doc) => doc.applyFlow(p.config.cleanup).make({ tokens: 'tokens' }),
)

/** One email -> one record per distinct token, for training emails only (the test split stays unseen). */
export class TrainingTokens extends Flow<{ split: 'train' | 'test'; tokens: string[] }> {
  training_only = this.step(({ split }: { split: 'train' | 'test' }) => (split === 'train' ? undefined : STOP), { next: ['each_token'] })
  each_token = this.fanOut(({ tokens }: { tokens: string[] }) => [...new Set(tokens)].map((token) => ({ token })))
}

/** Document frequencies, counted in the one process that runs this consumer. */
export const vocabularyCounts = new VocabularyCounts()
export const vocabulary = app.standaloneConsumer('vocabulary', ({ token }: { token: string }) => {
  vocabularyCounts.add(token)
})

let frozen: Vocabulary | undefined
/** Sets the vocabulary `training_rows` maps counts with (after the vocabulary consumer ran). */
export function useVocabulary(next: Vocabulary): void {
  frozen = next
}

/** A labelled feature vector, as the trainer reads it. */
export interface TrainingRow {
  id: string
  split: 'train' | 'test'
  x: SparseVector
  y: 0 | 1
}

/** Bag-of-words counts -> sparse features over the frozen vocabulary, in the trainer's process. */
export const trainingRows = app.consumerIter(
  'training_rows',
  ({ id, split, label, counts }: { id: string; split: 'train' | 'test'; label: 0 | 1; counts: Record<string, number> }): TrainingRow => {
    if (!frozen) throw new Error("spam.training_rows: no vocabulary yet: run the 'vocabulary' consumer and call useVocabulary first")
    return { id, split, x: frozen.features(counts), y: label }
  },
)

const bagOfWords = ({ tokens }: { tokens: string[] }) => {
  const counts: Record<string, number> = {}
  for (const token of tokens) counts[token] = (counts[token] ?? 0) + 1
  return { counts }
}

export const emailInput = z.object({
  id: z.string(),
  label: z.union([z.literal(0), z.literal(1)]),
  split: z.enum(['train', 'test']),
  text: z.string(),
})

/** Training emails' tokens -> one record per distinct token -> the vocabulary consumer. */
export const emailTokens = app.pipeline(
  'email_tokens',
  { input: z.object({ split: z.enum(['train', 'test']), tokens: z.array(z.string()) }) },
  (_p, email) =>
    // A fan-out item carries its input merged in: keep only the token before it is queued.
    email.applyFlow(new TrainingTokens(), { name: 'training_tokens' }).make({ token: 'token' }).subscribeConsumer(vocabulary),
)

// The fan-out goes last, in its own pipeline: a fan-out (or STOP) runs every node scheduled after it
// once per item in this engine, so the bag-of-words branch comes first.
export const emails = app.pipeline('emails', { input: emailInput }, (_p, email) => {
  const counted = email
    .subscribePipeline(cleanText, { config: { cleanup: new EmailCleanup() } })
    .subscribeFunc(bagOfWords, { name: 'bag_of_words', asWorker: true })
  counted.make({ id: 'id', split: 'split', label: 'label', counts: 'counts' }).subscribeConsumer(trainingRows)
  return counted.make({ split: 'split', tokens: 'tokens' }).applyPipeline(emailTokens)
})

/** FNV-1a of a string: a stable hash for the train/test split. */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0
  return hash
}

/** Characters of an email sent on: enough for MAX_WORDS words, and far below the 1 MiB record limit. */
export const MAX_EMAIL_CHARS = 20_000

/** Producer args: `every=N` sends every Nth email only (a smaller run). */
export const emailSource = app.producer('email_source', { pipelines: [emails], limit: 2000 }, function* ({ args, config }) {
  const arg = args.find((a) => a.startsWith('every='))
  const every = arg === undefined ? 1 : Number(arg.slice('every='.length))
  if (!(Number.isInteger(every) && every > 0)) throw new Error(`spam.email_source: '${arg}' must be every=<positive integer>`)
  const all = loadEmails()
  for (let i = 0; i < all.length; i += every) {
    const { id, group, text } = all[i] as (typeof all)[number]
    const key = `${group}/${id}`
    const split = (fnv1a(`${config.seed}:${key}`) % 1000) / 1000 < config.testShare ? 'test' : 'train'
    yield { id: key, label: group.startsWith('spam') ? 1 : 0, split, text: text.slice(0, MAX_EMAIL_CHARS) } as const
  }
})

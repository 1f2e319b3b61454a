// The seed's hacker_news app: `cleanup_and_save_localy` (PrepareText, FilterComments, a standalone
// CSV consumer) feeding `calculate_stats` (two branches, each with make and addValue, into one
// aggregating consumer, joined by concatenate).
import { readFileSync } from 'node:fs'
import { z } from 'zod'
import { App, concatenate } from '../../src/index.js'
import { CalculateMentionedLibs, CalculateSentiment, FilterComments, type LibMention, PrepareText } from './flows.js'
import { hackerNewsOutput, type TopicComment } from './output.js'

export const app = new App('hacker_news')

/** Libraries CalculateMentionedLibs looks for. */
export const LIBS = ['asyncio', 'celery', 'django', 'fastapi', 'flask', 'numpy', 'pandas', 'pytest', 'requests', 'scipy'] as const

/** Single writer of the CSV of topic-related comments (`save_topic_related_data` in the seed). */
export const saveTopicRelatedData = app.standaloneConsumer('save_topic_related_data', (row: TopicComment) => {
  const { id, by, score, time, type, words, stemmed_words } = row
  hackerNewsOutput().addComment({ id, by, score, time, type, words, stemmed_words })
})

/** One stat value per record, `stat` says which: summed up by the one process that runs it. */
export const aggregateValue = app.standaloneConsumer(
  'aggregate_value',
  (record: { stat: 'sentiment'; value: number } | { stat: 'libs'; value: LibMention[] }) => {
    if (record.stat === 'sentiment') hackerNewsOutput().addSentiment(record.value)
    else hackerNewsOutput().addLibs(record.value)
  },
)

export const calculateStats = app.pipeline(
  'calculate_stats',
  { input: z.object({ score: z.number(), time: z.number(), text: z.string(), words: z.array(z.string()) }) },
  (_p, comment) => {
    const data = concatenate({ score: comment.get('score'), time: comment.get('time'), words: comment.get('words') })
    const sentiment = comment
      .get('text')
      .applyFlow(new CalculateSentiment(), { asWorker: true, name: 'sentiment' })
      .make({ value: 'sentiment' })
      .addValue({ stat: 'sentiment' as const })
      .subscribeConsumer(aggregateValue)
    const libs = data
      .applyFlow(new CalculateMentionedLibs(LIBS))
      .make({ value: 'libs' })
      .addValue({ stat: 'libs' as const })
      .subscribeConsumer(aggregateValue)
    return concatenate({ sentiment, libs })
  },
)

const commentInput = z.object({
  id: z.number().int(),
  by: z.string(),
  score: z.number(),
  time: z.number(),
  type: z.string(),
  text: z.string(),
})

export const cleanupAndSaveLocaly = app.pipeline(
  'cleanup_and_save_localy',
  { input: commentInput, config: { filterComments: { topic: 'python', minWords: 5 } } },
  (p, comment) =>
    comment
      .subscribeFlow(new PrepareText())
      .subscribeFlow(new FilterComments(p.config.filterComments))
      .subscribeConsumer(saveTopicRelatedData)
      .subscribePipeline(calculateStats),
)

/** The shipped sample: 20 comments, stories and a job post. */
export const readSample = (): z.infer<typeof commentInput>[] =>
  z.array(commentInput).parse(JSON.parse(readFileSync(new URL('./comments.json', import.meta.url), 'utf8')))

export const sampleComments = app.producer('sample_comments', { pipelines: [cleanupAndSaveLocaly] }, () => readSample())

// The spam example (examples/spam): clean_text takes its cleanup Flow from the pipeline config, and
// the classifier trained on the whole corpus reaches 0.9 held-out accuracy on memory and the same
// model on redis with generated workers in their own processes.
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { cleanText } from '../examples/spam/app.js'
import { EmailCleanup } from '../examples/spam/cleanup.js'
import { runSpam } from '../examples/spam/run.js'
import { App } from '../src/index.js'
import { runPipeline } from '../src/runtime/index.js'
import { exampleWorkspace } from './support/example-workspace.js'

const workspace = exampleWorkspace('spam')

const RAW = 'Received: from relay.example.org\nSubject: Cheap meds online\n\nBuy cheap pills now at http://pills.example.com, only $9.99!'

describe('spam example', () => {
  it('clean_text takes its cleanup Flow from the pipeline config', async () => {
    const plain = await runPipeline(cleanText, [{ text: RAW }])
    expect(plain.outputs[0]?.tokens).toContain('received')
    const app = new App('spam_config_test')
    const emailsOnly = app.pipeline('emails_only', { input: z.object({ text: z.string() }) }, (_p, email) =>
      email.applyPipeline(cleanText, { config: { cleanup: new EmailCleanup() } }),
    )
    const swapped = await runPipeline(emailsOnly, [{ text: RAW }])
    expect(swapped.outputs).toEqual([{ tokens: ['cheap', 'meds', 'online', 'buy', 'cheap', 'pills', 'zurl', 'zmoney'] }])
  })

  it('memory: the whole corpus, held-out accuracy >= 0.9', async () => {
    const result = await runSpam({ engine: 'memory', outDir: workspace.out('memory') })
    expect(result.emails).toBe(6046)
    expect(result.train + result.test).toBe(6046)
    expect(result.test).toBeGreaterThan(1000)
    // Test emails stop before the fan-out: the vocabulary sees only the training split.
    expect(result.stats.counters).toMatchObject({ in: 6046, filtered: result.test, deadLettered: 0 })
    expect(result.stats.counters.out).toBe(result.tokenRecords)
    expect(result.vocabularySize).toBe(3000)
    expect(result.testAccuracy).toBeGreaterThanOrEqual(0.9)
  }, 60_000)

  it('redis: generated workers in their own processes, every 3rd email; same model as on memory', async () => {
    const flags = await workspace.redisFlags('ex-spam')
    const onRedis = await runSpam({ engine: 'redis', flags, outDir: workspace.out('redis'), producerArgs: ['every=3'] })
    expect(onRedis.emails).toBe(2016)
    expect(onRedis.stats.counters).toMatchObject({ in: 2016, filtered: onRedis.test, deadLettered: 0 })
    expect(onRedis.testAccuracy).toBeGreaterThanOrEqual(0.9)
    const onMemory = await runSpam({ engine: 'memory', outDir: workspace.out('memory-3'), producerArgs: ['every=3'] })
    expect(onRedis.tokenRecords).toBe(onMemory.tokenRecords)
    expect(onRedis.testAccuracy).toBe(onMemory.testAccuracy)
  }, 60_000)
})

// The pipeline semantics every engine keeps: 1 and N stages, fan-out, `when`, STOP counted as
// filtered, sub-pipelines across a worker boundary with their default config and an override.
import { expect } from 'vitest'
import type { AnyPipeline } from '../../dsl/pipeline-types.js'
import { canonicalRecords as canonical } from '../engine-case.js'
import { callsDefault, callsOverride, fanOut, oneStage, threeStages, whenStop } from '../kit-app.js'
import type { KitContext } from '../kit-context.js'
import { type KitCase, keyedRecords } from './kit-case.js'

type Expect = (input: { key: string; n: number }) => object[]

/** Feeds `count` records, drains, and compares the outputs (in any order) and the pipeline counters. */
async function feedAndCompare(context: KitContext, pipeline: AnyPipeline, count: number, expected: Expect, filtered = 0) {
  const { run, outputs } = await context.start([pipeline])
  const inputs = keyedRecords(context, count)
  expect(await run.feed(`${pipeline.app}.${pipeline.name}`, inputs)).toBe(count)
  await run.drain()
  const wanted = inputs.flatMap(expected)
  expect(canonical(outputs.map((o) => o.record))).toEqual(canonical(wanted))
  expect(outputs.every((o) => o.pipeline === pipeline.name || o.pipeline === `${pipeline.app}.${pipeline.name}`)).toBe(true)
  const stats = (await run.stats()).find((s) => s.pipeline === pipeline.name)
  expect(stats?.counters).toMatchObject({ in: count, out: wanted.length, filtered, deadLettered: 0, rejected: 0 })
  expect(await run.deadLetters()).toEqual([])
}

export const semanticsCases: KitCase[] = [
  {
    title: '1 stage: every record comes out transformed',
    slug: 'one',
    run: (c) => feedAndCompare(c, oneStage, 25, (r) => [{ ...r, doubled: r.n * 2 }]),
  },
  {
    title: '3 stages: records cross two worker boundaries intact',
    slug: 'three',
    run: (c) => feedAndCompare(c, threeStages, 40, (r) => [{ ...r, doubled: r.n * 2, plus: r.n * 2 + 1 }]),
  },
  {
    title: 'fan-out: one record becomes several, each merged with its input',
    slug: 'fanout',
    run: (c) =>
      feedAndCompare(c, fanOut, 15, (r) => Array.from({ length: (r.n % 3) + 1 }, (_, copy) => ({ ...r, copy, tagged: `c${copy}` }))),
  },
  {
    title: '`when` skips a node and STOP drops a record, counted as filtered',
    slug: 'when',
    run: (c) =>
      feedAndCompare(c, whenStop, 12, (r) => (r.n % 3 === 0 ? [] : [{ ...r, ...(r.n % 2 === 0 ? { even: true } : {}), kept: true }]), 4),
  },
  {
    title: 'sub-pipeline across a worker boundary, with its default config',
    slug: 'subdefault',
    run: (c) => feedAndCompare(c, callsDefault, 10, (r) => [{ ...r, m: r.n + 1, scaled: r.n * 10, tag: 'p-s' }]),
  },
  {
    title: 'sub-pipeline with a config override merged over its defaults',
    slug: 'suboverride',
    run: (c) => feedAndCompare(c, callsOverride, 10, (r) => [{ ...r, m: r.n + 1, scaled: r.n * 3, tag: 'p-S' }]),
  },
]

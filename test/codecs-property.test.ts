// Issue 17: the envelope codecs agree. Random records of every shape in generated/shapes.ts (and
// random JSON-ish values with the awkward cases: undefined, -0, `__proto__` keys, holes) go
// through the JSON codec (encodeEnvelope + decodeEnvelope, what crosses a server) and the carried
// codec (carryEnvelope + load, the memory engine's copies); both must give what JSON gives, and
// refuse the same values with the same error. A record of the wrong shape at an edge still ends
// in the dead letters with the error and payload it had when the memory engine encoded strings.
import { readFileSync } from 'node:fs'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { App } from '../src/index.js'
import { decodeEnvelope, encodeEnvelope, startMemoryRun } from '../src/runtime/index.js'
import { carryEnvelope } from '../src/runtime/programs/wire-copy.js'

const SEED = 17

/** `interface Name { key: type }` blocks of generated/shapes.ts, as (name, [key, type text]) pairs. */
function generatedShapes(): [string, [string, string][]][] {
  const text = readFileSync(new URL('../generated/shapes.ts', import.meta.url), 'utf8')
  const shapes: [string, [string, string][]][] = []
  for (const match of text.matchAll(/^export interface (\w+) \{\n([\s\S]*?)^\}/gm)) {
    const members = [...(match[2] as string).matchAll(/^ {2}(\w+)\??: (.+)$/gm)].map((m) => [m[1], m[2]] as [string, string])
    shapes.push([match[1] as string, members])
  }
  return shapes
}

/** An arbitrary for a TypeScript type as shapes.ts writes it (primitives, literals, unions, arrays, object literals). */
function arbitraryOf(type: string): fc.Arbitrary<unknown> {
  const t = type.trim()
  const union = splitTop(t, '|')
  if (union.length > 1) return fc.oneof(...union.map(arbitraryOf))
  if (t === '[]') return fc.constant([])
  if (t.endsWith('[]')) return fc.array(arbitraryOf(t.slice(0, -2).replace(/^\((.*)\)$/, '$1')), { maxLength: 4 })
  if (t === 'string') return fc.string({ unit: 'binary', maxLength: 12 })
  if (t === 'number') return fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer(), fc.constant(-0))
  if (t === 'boolean') return fc.boolean()
  // A match keeps its extra properties (index, input) that JSON does not carry.
  if (t === 'RegExpMatchArray') return fc.string({ maxLength: 8 }).map((s) => /(.*)/s.exec(s) as RegExpMatchArray)
  if (/^".*"$/.test(t)) return fc.constant(JSON.parse(t))
  if (/^-?\d+(\.\d+)?$/.test(t)) return fc.constant(Number(t))
  if (t.startsWith('{') && t.endsWith('}')) {
    const members = splitTop(t.slice(1, -1), ';').filter((m) => m.trim())
    const model: Record<string, fc.Arbitrary<unknown>> = {}
    for (const member of members) {
      const colon = member.indexOf(':')
      model[member.slice(0, colon).trim().replace(/\?$/, '')] = arbitraryOf(member.slice(colon + 1))
    }
    return fc.record(model)
  }
  throw new Error(`codecs-property: no arbitrary for the type '${t}' (add it to arbitraryOf)`)
}

/** Splits at `separator` outside braces, brackets and quotes. */
function splitTop(text: string, separator: string): string[] {
  const parts: string[] = []
  let depth = 0
  let quoted = false
  let from = 0
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (c === '"') quoted = !quoted
    else if (!quoted && (c === '{' || c === '(' || c === '[')) depth++
    else if (!quoted && (c === '}' || c === ')' || c === ']')) depth--
    else if (!quoted && depth === 0 && c === separator) {
      parts.push(text.slice(from, i))
      from = i + 1
    }
  }
  parts.push(text.slice(from))
  return parts.map((p) => p.trim())
}

/** What the JSON codec gives back for `data` (the reference both codecs must match). */
const throughJson = (id: string, data: unknown[], stopped?: number[]) => decodeEnvelope(encodeEnvelope(id, data, stopped, 'p/s'))
const throughCopy = (id: string, data: unknown[], stopped?: number[]) => carryEnvelope(id, data, stopped, 'p/s').load()

/** Both codecs agree with JSON on `data`; the carried copy shares nothing with the original. */
function expectSameCarry(data: unknown[], stopped?: number[]): void {
  const json = throughJson('rec:1', data, stopped)
  const copy = throughCopy('rec:1', data, stopped)
  expect(copy).toStrictEqual(json)
  // Object.is tells -0 from 0, which toStrictEqual does not.
  expect(JSON.stringify(copy.data)).toBe(JSON.stringify(json.data))
  const carried = carryEnvelope('rec:1', data, stopped, 'p/s')
  expect(decodeEnvelope(carried.encode())).toStrictEqual(json)
  expect(carried.bound).toBeGreaterThanOrEqual(Buffer.byteLength(carried.encode()))
  for (let i = 0; i < data.length; i++) if (typeof data[i] === 'object' && data[i] !== null) expect(copy.data[i]).not.toBe(data[i])
}

const shapes = generatedShapes()

describe('codecs round-trip every generated shape', () => {
  it('finds the shapes', () => {
    expect(shapes.length).toBeGreaterThan(10)
  })

  for (const [name, members] of shapes) {
    it(`${name}: the JSON and carried codecs give what JSON gives`, () => {
      const record = fc.record(Object.fromEntries(members.map(([key, type]) => [key, arbitraryOf(type)])))
      fc.assert(
        fc.property(fc.array(record, { minLength: 1, maxLength: 3 }), (data) => expectSameCarry(data)),
        { seed: SEED, numRuns: 60 },
      )
    })
  }
})

/** JSON-ish values with the cases JSON changes: undefined keys and items, -0, `__proto__` keys, holes. */
const awkward: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.string({ unit: 'binary', maxLength: 6 }),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.constant(-0),
    fc.boolean(),
    fc.constant(null),
    fc.constant(undefined),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.sparseArray(fc.integer(), { maxLength: 4 }),
    fc.dictionary(fc.oneof(fc.string({ maxLength: 4 }), fc.constant('__proto__'), fc.constant('1')), tie('value'), { maxKeys: 4 }),
    fc.constant(JSON.parse('{"__proto__": {"polluted": true}, "a": 1}')),
  ),
})).value

describe('codecs agree on awkward values', () => {
  it('copies them as JSON carries them', () => {
    fc.assert(
      fc.property(fc.array(awkward, { minLength: 1, maxLength: 3 }), fc.boolean(), (data, stop) =>
        expectSameCarry(data, stop && data.length > 1 ? [0] : undefined),
      ),
      { seed: SEED, numRuns: 300 },
    )
  })

  it('carries a value nested past the walk depth as JSON does', () => {
    let deep: unknown = { leaf: [1, undefined, -0] }
    for (let i = 0; i < 100; i++) deep = { next: deep, i }
    expectSameCarry([deep])
  })

  const refused: [string, () => unknown][] = [
    ['a function', () => ({ a: 1, f: () => 1 })],
    ['NaN', () => ({ nested: { n: Number.NaN } })],
    ['Infinity in an array', () => ({ list: [1, Number.POSITIVE_INFINITY] })],
    ['a Date', () => ({ at: new Date(0) })],
    ['a Map', () => ({ m: new Map() })],
    ['a BigInt', () => ({ b: 1n })],
    ['a symbol', () => ({ s: Symbol('x') })],
    [
      'a cycle',
      () => {
        const a: Record<string, unknown> = { x: 1 }
        a.self = a
        return a
      },
    ],
    [
      'a cycle past the walk depth',
      () => {
        const root: Record<string, unknown> = {}
        let at = root
        for (let i = 0; i < 80; i++) at = at.next = {}
        at.back = root
        return root
      },
    ],
  ]
  for (const [what, make] of refused) {
    it(`refuses ${what} with the JSON codec's error`, () => {
      const value = make()
      let expected: unknown
      try {
        encodeEnvelope('rec:1', [value], undefined, 'p/s')
      } catch (error) {
        expected = error
      }
      expect(expected).toBeInstanceOf(Error)
      expect(() => carryEnvelope('rec:1', [value], undefined, 'p/s')).toThrow(expected as Error)
    })
  }
})

describe('a record of the wrong shape at an edge', () => {
  const input = z.object({ n: z.number() })
  const app = new App('codecs_edge')
  const pipeline = app.pipeline('edge', { input }, (_p, record) =>
    record
      .subscribeFunc(({ n }: { n: number }) => ({ m: n * 2, when: n === 2 ? new Date(0) : null }), { name: 'stamp' })
      .subscribeFunc(({ m }: { m: number }) => ({ k: m + 1 }), { name: 'next', asWorker: true }),
  )

  it('at the input: dead-lettered with the schema message; at a boundary: with the wire error and the stage input as sent', async () => {
    const run = startMemoryRun([pipeline], {})
    await run.feed(pipeline.name, [{ n: 1 }, { n: 'one' }, { n: 2 }, { n: 3 }])
    await run.drain()
    const letters = await run.deadLetters()
    const stats = await run.stats()
    await run.stop()
    expect(stats[0]?.counters.out).toBe(2)
    const atInput = letters.find((l) => l.id === 'codecs_edge.edge:2')
    const parsed = input.safeParse({ n: 'one' })
    expect(parsed.success).toBe(false)
    expect(atInput).toMatchObject({
      pipeline: 'edge',
      attempts: 1,
      error: { name: 'InputError', message: parsed.error?.message },
      payload: { n: 'one' },
    })
    const atBoundary = letters.find((l) => l.id === 'codecs_edge.edge:3')
    let wire: Error | undefined
    try {
      encodeEnvelope('codecs_edge.edge:3', [{ n: 2, m: 4, when: new Date(0) }], undefined, 'edge/input')
    } catch (error) {
      wire = error as Error
    }
    expect(wire?.name).toBe('WireError')
    // The first stage failed to send it on: the letter holds the record as that stage received it.
    expect(atBoundary).toMatchObject({ id: 'codecs_edge.edge:3', error: { name: 'WireError', message: wire?.message }, payload: { n: 2 } })
    expect(letters).toHaveLength(2)
  })
})

// A consumer sees the record and passes it on unchanged; it must not need keys the record lacks.
import { expectError, expectType } from 'tsd'
import { App, type Consumer, type DataFrame, type DataPoint, type ShapeOf } from '../src/index.js'

const app = new App('types_consumers')
declare const input: DataFrame<{ a: number; b: string }>

const onA = app.consumer('on_a', (record: { a: number }) => {
  void record.a
})
expectType<Consumer<{ a: number }>>(onA)

const seen = input.subscribeConsumer(onA)
expectType<DataFrame<{ a: number; b: string }>>(seen)
expectType<{ a: number; b: string }>({} as ShapeOf<typeof seen>)
const withOptions = input.subscribeConsumer(onA, { asWorker: true, name: 'watch_a', when: (r) => r.b !== '' })
expectType<{ a: number; b: string }>({} as ShapeOf<typeof withOptions>)

// On a point, the handle stays a point.
const point = input.get('a').subscribeConsumer(onA)
expectType<DataPoint<'a', number>>(point)

// Must not compile: a consumer needing a missing key, or a key of another type.
const onC = app.consumer('on_c', (record: { c: boolean }) => record.c)
expectError(input.subscribeConsumer(onC))
const onNumericB = app.consumer('on_numeric_b', (record: { b: number }) => record.b)
expectError(input.subscribeConsumer(onNumericB))
expectError(input.get('b').subscribeConsumer(onA))
expectError(input.subscribeConsumer((record: { a: number }) => record))

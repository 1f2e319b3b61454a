// Node options: asWorker, name, retry, and `when`, whose record is the node's input shape.
import { expectError, expectType } from 'tsd'
import type { DataFrame, NodeOptions, ShapeOf } from '../src/index.js'

declare const input: DataFrame<{ a: number; b: string }>
const f1 = ({ a }: { a: number }) => ({ x: a * 10 })

const guarded = input.subscribeFunc(f1, {
  when: (record) => {
    expectType<{ a: number; b: string }>(record)
    return record.a > 5
  },
})
expectType<{ a: number; b: string; x: number }>({} as ShapeOf<typeof guarded>)

const worker = input.subscribeFunc(f1, { asWorker: true, name: 'f1_worker', retry: { attempts: 3, backoffMs: 1 } })
expectType<{ a: number; b: string; x: number }>({} as ShapeOf<typeof worker>)
const partialRetry = input.applyFunc(f1, { retry: { attempts: 5 } })
expectType<{ x: number }>({} as ShapeOf<typeof partialRetry>)
const options: NodeOptions<{ a: number; b: string }> = { asWorker: false }
input.subscribeFunc(f1, options)

// Must not compile: `when` reading a key the record lacks or returning a non-boolean, bad option types.
expectError(input.subscribeFunc(f1, { when: (record: { c: number }) => record.c > 1 }))
expectError(input.subscribeFunc(f1, { when: (record) => record.missing }))
expectError(input.subscribeFunc(f1, { when: () => 'yes' }))
expectError(input.subscribeFunc(f1, { asWorker: 'yes' }))
expectError(input.subscribeFunc(f1, { name: 5 }))
expectError(input.subscribeFunc(f1, { retry: { attempts: '3' } }))
expectError(input.subscribeFunc(f1, { unknownOption: true }))

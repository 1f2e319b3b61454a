// Logistic regression trained by stochastic gradient descent on sparse vectors: plain arrays,
// L2 regularization, a seeded shuffle each epoch, so a run is reproducible.
import type { SparseVector } from './vocabulary.js'

/** A labelled example: 1 = spam, 0 = ham. */
export interface Example {
  readonly x: SparseVector
  readonly y: 0 | 1
}

export interface TrainOptions {
  epochs?: number
  learningRate?: number
  l2?: number
  seed?: number
}

/** mulberry32: a small seeded generator, enough for shuffling. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z))

export class LogisticRegression {
  readonly weights: number[]
  bias = 0

  constructor(readonly features: number) {
    this.weights = new Array<number>(features).fill(0)
  }

  /** The probability that `x` is spam. */
  predict(x: SparseVector): number {
    let z = this.bias
    for (let i = 0; i < x.indices.length; i++) z += (this.weights[x.indices[i] as number] as number) * (x.values[i] as number)
    return sigmoid(z)
  }

  /** SGD over `examples`, shuffled with a seeded generator each epoch; returns the last epoch's mean log loss. */
  train(examples: readonly Example[], options: TrainOptions = {}): number {
    const { epochs = 10, learningRate = 0.1, l2 = 1e-4, seed = 42 } = options
    const random = seededRandom(seed)
    const order = examples.map((_, i) => i)
    let loss = 0
    for (let epoch = 0; epoch < epochs; epoch++) {
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1))
        ;[order[i], order[j]] = [order[j] as number, order[i] as number]
      }
      const rate = learningRate / (1 + epoch)
      loss = 0
      for (const k of order) {
        const { x, y } = examples[k] as Example
        const p = this.predict(x)
        loss -= y === 1 ? Math.log(p + 1e-12) : Math.log(1 - p + 1e-12)
        const gradient = p - y
        for (let i = 0; i < x.indices.length; i++) {
          const w = x.indices[i] as number
          this.weights[w] = (this.weights[w] as number) - rate * (gradient * (x.values[i] as number) + l2 * (this.weights[w] as number))
        }
        this.bias -= rate * gradient
      }
      loss /= Math.max(order.length, 1)
    }
    return loss
  }

  /** Share of `examples` classified right at the 0.5 threshold. */
  accuracy(examples: readonly Example[]): number {
    let right = 0
    for (const { x, y } of examples) if ((this.predict(x) >= 0.5 ? 1 : 0) === y) right++
    return examples.length === 0 ? 0 : right / examples.length
  }
}

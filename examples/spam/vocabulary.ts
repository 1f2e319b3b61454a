// The bag-of-words vocabulary: document frequencies counted from one record per (email, token),
// then frozen into the most frequent tokens, each with a feature index.

/** Document frequencies while counting; `freeze` turns them into a vocabulary. */
export class VocabularyCounts {
  readonly #docs = new Map<string, number>()

  /** Forgets every count (a new run in the same process). */
  reset(): void {
    this.#docs.clear()
  }

  /** Counts one email that contains `token` (the fan-out sends each distinct token once per email). */
  add(token: string): void {
    this.#docs.set(token, (this.#docs.get(token) ?? 0) + 1)
  }

  /** The `size` tokens found in the most emails (at least `minDocs`), ties broken alphabetically. */
  freeze(size: number, minDocs = 3): Vocabulary {
    const kept = [...this.#docs]
      .filter(([, docs]) => docs >= minDocs)
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, size)
      .map(([token]) => token)
    return new Vocabulary(kept)
  }

  get distinctTokens(): number {
    return this.#docs.size
  }
}

/** A frozen vocabulary: token -> feature index. */
export class Vocabulary {
  readonly #index: ReadonlyMap<string, number>

  constructor(readonly tokens: readonly string[]) {
    this.#index = new Map(tokens.map((token, i) => [token, i]))
  }

  get size(): number {
    return this.tokens.length
  }

  /** A sparse feature vector: the indices of known tokens and log(1 + count) as values. */
  features(counts: Readonly<Record<string, number>>): SparseVector {
    const indices: number[] = []
    const values: number[] = []
    for (const [token, count] of Object.entries(counts)) {
      const index = this.#index.get(token)
      if (index === undefined) continue
      indices.push(index)
      values.push(Math.log1p(count))
    }
    return { indices, values }
  }
}

/** Non-zero entries of a feature vector. */
export interface SparseVector {
  readonly indices: readonly number[]
  readonly values: readonly number[]
}

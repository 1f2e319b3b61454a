// "Did you mean ...?": the closest valid name to a typo, for every error that lists valid names.

/** Levenshtein distance (case-insensitive). */
export function editDistance(a: string, b: string): number {
  const x = a.toLowerCase()
  const y = b.toLowerCase()
  let previous = Array.from({ length: y.length + 1 }, (_, i) => i)
  for (let i = 1; i <= x.length; i++) {
    const current = [i]
    for (let j = 1; j <= y.length; j++) {
      const cost = x[i - 1] === y[j - 1] ? 0 : 1
      current[j] = Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, (previous[j - 1] as number) + cost)
    }
    previous = current
  }
  return previous[y.length] as number
}

/** The valid name closest to `name`, when it is close enough to be a likely typo. */
export function closest(name: string, valid: readonly string[]): string | undefined {
  let best: string | undefined
  let bestDistance = Number.POSITIVE_INFINITY
  for (const candidate of valid) {
    const distance = editDistance(name, candidate)
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance]
  }
  const tolerance = Math.max(2, Math.ceil(name.length / 3))
  return best !== undefined && bestDistance <= tolerance ? best : undefined
}

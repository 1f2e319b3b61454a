// The export conditions this Node process resolves packages with (`--conditions`/`-C` in its flags
// or NODE_OPTIONS). Codegen starts its inspect child and type-checks the project with the same
// ones, so the modules it loads and the types it reads are the ones the project's own run gets
// (in the stairs repository, "stairs-source" maps `stairs` to its TypeScript sources).

const tokensOf = (text: string | undefined): string[] => (text ?? '').split(/\s+/).filter((t) => t !== '')

/** The `--conditions` values of this process, in order, without duplicates. */
export function processConditions(): string[] {
  const tokens = [...tokensOf(process.env.NODE_OPTIONS), ...process.execArgv]
  const found: string[] = []
  tokens.forEach((token, i) => {
    const inline = /^(?:--conditions|-C)=(.+)$/.exec(token)?.[1]
    const value = inline ?? (token === '--conditions' || token === '-C' ? tokens[i + 1] : undefined)
    if (value && !found.includes(value)) found.push(value)
  })
  return found
}

// The export condition under which `stairs` resolves to its TypeScript sources in this repository
// (package.json exports; set for npm scripts and npx by .npmrc, for tsc by tsconfig.json).
// A published install never sets it, so users get dist/.

export const SOURCE_CONDITION = 'stairs-source'

const FLAG = `--conditions=${SOURCE_CONDITION}`

/** NODE_OPTIONS with the source condition added once. */
export function withSourceCondition(nodeOptions: string | undefined): string {
  const current = nodeOptions?.trim() ?? ''
  return current.split(/\s+/).includes(FLAG) ? current : `${current} ${FLAG}`.trim()
}

/** NODE_OPTIONS without it: what a user's process has (undefined when nothing else is left). */
export function withoutSourceCondition(nodeOptions: string | undefined): string | undefined {
  const rest = (nodeOptions ?? '')
    .split(/\s+/)
    .filter((option) => option !== '' && option !== FLAG)
    .join(' ')
  return rest === '' ? undefined : rest
}

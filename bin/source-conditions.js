// A module resolution hook for running a stairs checkout: adds the "stairs-source" export
// condition, so `stairs` and its subpaths resolve to the TypeScript sources (as npm and npx do
// here through .npmrc) even when a bin is started with plain `node`. Registered by launch.js only
// in a checkout (the published package ships no sources).
export async function resolve(specifier, context, next) {
  const conditions = context.conditions.includes('stairs-source') ? context.conditions : [...context.conditions, 'stairs-source']
  return next(specifier, { ...context, conditions })
}

// `stairs/testing`: the engine conformance kit. `engineConformance(name, makeEngine, options)`
// defines a vitest suite that every engine passes, built-in or your own (docs/engines.md,
// "The conformance kit"). vitest is an optional peer dependency, needed only by this subpath.
export type { KitCase } from './cases/kit-case.js'
export { engineConformance, kitCases } from './conformance.js'
export type { ConformanceOptions, EngineClaims } from './conformance-options.js'
export { type CaseResult, canonicalJson, canonicalRecords, type EngineCase, runCase, type StartEngineRun } from './engine-case.js'

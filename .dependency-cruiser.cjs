// The import rules of src/ and codegen/, checked by `npm run deps` (part of `npm test`).
// Type-only imports count: a cycle through types is still a cycle in the design.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'No module may import itself through others, type-only imports included.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'port-imports-no-engine',
      severity: 'error',
      comment: 'The engine port describes what an engine implements; it knows no engine.',
      from: { path: '^src/runtime/(port|engine-types)\\.ts$' },
      to: { path: '^src/runtime/engines/' },
    },
    {
      name: 'core-imports-no-engine',
      severity: 'error',
      comment: 'The rules every engine shares never depend on one engine.',
      from: { path: '^src/runtime/(core|programs|host|consumers|producers)/' },
      to: { path: '^src/runtime/engines/' },
    },
    {
      name: 'engines-import-no-other-engine',
      severity: 'error',
      comment: 'An engine reaches another only through redis-common (what both Redis engines share).',
      from: { path: '^src/runtime/engines/([^/]+)/' },
      to: { path: '^src/runtime/engines/([^/]+)/', pathNot: ['^src/runtime/engines/$1/', '^src/runtime/engines/redis-common/'] },
    },
    {
      name: 'redis-common-imports-no-engine',
      severity: 'error',
      comment: 'redis-common sits below both Redis engines.',
      from: { path: '^src/runtime/engines/redis-common/' },
      to: { path: '^src/runtime/engines/(?!redis-common/)' },
    },
    {
      name: 'testing-imports-no-engine',
      comment: 'The conformance kit drives engines through the port and the registry, as a user does: it knows no engine.',
      severity: 'error',
      from: { path: '^src/testing/' },
      to: { path: '^src/runtime/(engines/|builtin-engines\\.ts$)' },
    },
    {
      name: 'dsl-imports-no-runtime',
      severity: 'error',
      comment: 'Defining a pipeline never loads the runtime (DESIGN.md: dsl <- flow <- planner <- runtime <- cli).',
      from: { path: '^src/(dsl|flow|graph|plan)/' },
      to: { path: '^src/(runtime|cli|project)/' },
    },
    {
      name: 'codegen-imports-no-runtime-engine',
      severity: 'error',
      comment: 'codegen reads the DSL and the manifest, never an engine.',
      from: { path: '^codegen/' },
      to: { path: '^src/runtime/engines/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
    exclude: { path: '^(node_modules|generated|test|bench|examples)/' },
  },
}

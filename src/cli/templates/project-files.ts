// Files of a new project (stairs-admin project:new). Each template is a function of the names it
// needs; the output is the file's exact text.

export interface ProjectTemplateInput {
  readonly name: string
  readonly appName: string
  /** The `stairs` dependency: a version range or a `file:` path. */
  readonly stairsDependency: string
  readonly versions: { readonly zod: string; readonly tsx: string; readonly typescript: string; readonly typesNode: string }
}

export function packageJson(input: ProjectTemplateInput): string {
  const manifest = {
    name: input.name,
    version: '0.1.0',
    private: true,
    type: 'module',
    scripts: {
      start: 'stairs pipelines:run',
      codegen: 'stairs codegen',
      typecheck: 'tsc --noEmit',
      // Compiled for deploy: node dist/generated/workers/APP.PIPELINE.js --engine redis
      build: 'stairs codegen && tsc',
      graph: 'stairs graph',
    },
    dependencies: { stairs: input.stairsDependency, zod: input.versions.zod },
    devDependencies: { '@types/node': input.versions.typesNode, tsx: input.versions.tsx, typescript: input.versions.typescript },
  }
  return `${JSON.stringify(manifest, null, 2)}\n`
}

export function stairsConfig(appModules: readonly string[]): string {
  return `// The project's config, checked by stairs (zod) when any stairs command starts.
import { defineConfig } from 'stairs'

export default defineConfig({
  // Modules whose exports include an App. \`stairs-admin app:new NAME\` adds to this list.
  apps: [
${appModules.map((m) => `    '${m}',`).join('\n')}
  ],
  // memory (one process, nothing to install), redis (Redis streams) or bullmq.
  engine: 'memory',
  // REDIS_URL, when set, wins over this URL.
  redis: { url: 'redis://127.0.0.1:6379', prefix: 'stairs' },
  // Workers per stage.
  concurrency: 1,
})
`
}

export const tsconfig = (): string =>
  `${JSON.stringify(
    {
      compilerOptions: {
        target: 'ES2022',
        lib: ['ES2023'],
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        types: ['node'],
        strict: true,
        noUncheckedIndexedAccess: true,
        verbatimModuleSyntax: true,
        skipLibCheck: true,
        // `npm run build` compiles to dist/ for deploy; the manifest is listed so that tsc copies it beside the workers.
        resolveJsonModule: true,
        rootDir: '.',
        outDir: 'dist',
      },
      include: ['apps', 'generated', 'generated/manifest.json', 'stairs.config.ts'],
    },
    null,
    2,
  )}\n`

export const gitignore = (): string => 'node_modules\nout\ndist\n'

export function readme(input: ProjectTemplateInput): string {
  const app = input.appName
  return `# ${input.name}

A stairs project: typed data pipelines, in one process or on Redis.

\`\`\`sh
npm install
# run the producers into the pipelines (memory engine)
npx stairs pipelines:run
# what the sink received
cat out/${app}.jsonl
\`\`\`

## Layout
- \`stairs.config.ts\`: the apps, the engine (memory, redis, bullmq), Redis, concurrency.
- \`apps/${app}/app.ts\`: the App (its name is the Redis namespace) and its config.
- \`apps/${app}/flows.ts\`: the steps that change records.
- \`apps/${app}/pipelines.ts\`: how records travel (\`asWorker\` puts a step behind its own queue).
- \`apps/${app}/producers.ts\`: where records come from.
- \`apps/${app}/consumers.ts\`: where records end up.
- \`apps/${app}/index.ts\`: what the config loads.

## Commands
\`\`\`sh
# the pipeline drawn in the terminal
npx stairs graph ${app}.word_count
# typed queues, shapes and worker entrypoints in generated/
npx stairs codegen
# a second app, registered in stairs.config.ts
npx stairs-admin app:new another
\`\`\`

On Redis (set \`engine: 'redis'\` in stairs.config.ts, or pass \`--engine redis\`):
\`\`\`sh
# push the records
npx stairs producer:process ${app}.sentences
# queue lengths and rates
npx stairs inspect:status ${app}
# workers, until Ctrl-C
npx stairs pipelines:run --engine redis
# a worker producer: record its batches once,
npx stairs producer:init ${app}.sentence_pages
# then read them from as many processes as you like
npx stairs producer:process ${app}.sentence_pages
# records that failed, and why
npx stairs dlq:list
\`\`\`

Deploy compiled (plain \`node\`, no tsx for the workers): \`npm run build\` runs \`stairs codegen\`
and \`tsc\` into dist/, then each pipeline's worker runs on its own:
\`\`\`sh
npm run build
node dist/generated/workers/${app}.word_count.js --engine redis
\`\`\`

Every command: \`npx stairs --help\`, \`npx stairs COMMAND --help\`.
`
}

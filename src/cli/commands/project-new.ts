import path from 'node:path'
import type { Command } from 'commander'
import { z } from 'zod'
import { parseOptions } from '../options.js'
import { createProject } from '../scaffold.js'

const schema = z.object({ stairs: z.string().min(1).optional() })

/** `stairs-admin project:new NAME [--stairs PATH_OR_VERSION]` */
export function registerProjectNew(program: Command): void {
  program
    .command('project:new')
    .description('create a stairs project: config, tsconfig, README and one app (pipelines, flows, producers, consumers)')
    .argument('<name>', 'folder and npm package name of the project (lower-case letters, digits, . _ -)')
    .option('--stairs <path-or-version>', 'the stairs dependency: a path to a stairs checkout (file: dependency) or a version range')
    .addHelpText('after', '\nExample:\n  $ stairs-admin project:new demo\n  $ stairs-admin project:new demo --stairs ../stairs\n')
    .action((name: string, raw: unknown) => {
      const options = parseOptions(schema, raw)
      const { root, files } = createProject({ name, ...(options.stairs ? { stairs: options.stairs } : {}) })
      console.log(`created project ${name} in ${root}`)
      for (const file of files) console.log(`  ${file}`)
      console.log(`\nnext:\n  cd ${path.relative(process.cwd(), root) || '.'}\n  npm install\n  npx stairs pipelines:run`)
    })
}

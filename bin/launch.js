// Starts one of the package's CLIs. Installed, that is the compiled dist/src/cli/NAME.js (tsx is
// registered later, only when a command loads the project's TypeScript). In a checkout (src/ is
// there; the package ships none) the entry is src/cli/NAME.ts: the "stairs-source" condition is
// added to module resolution (npm and npx set it through .npmrc; plain `node bin/...` gets it from
// a resolve hook), so the CLI, the project's apps and the generated workers all load the same
// sources, and tsx is registered before the entry is imported.
import { existsSync } from 'node:fs'
import { register as registerHooks } from 'node:module'
import { fileURLToPath } from 'node:url'

const checkout = existsSync(fileURLToPath(new URL('../src/cli/stairs.ts', import.meta.url)))

/** Imports the CLI entry `name` (`stairs` or `stairs-admin`), which runs the command line. */
export async function launch(name) {
  if (checkout && !process.execArgv.join(' ').includes('stairs-source') && !process.env.NODE_OPTIONS?.includes('stairs-source'))
    registerHooks('./source-conditions.js', import.meta.url)
  const entry = checkout ? new URL(`../src/cli/${name}.ts`, import.meta.url).href : import.meta.resolve(`#cli/${name}`)
  const file = fileURLToPath(entry)
  if (!existsSync(file)) {
    process.stderr.write(
      `${name}: ${file} does not exist: this stairs checkout is not built. Run 'npm run build' in it, or run ${name} through npm or npx there (its .npmrc resolves stairs to the TypeScript sources).\n`,
    )
    process.exit(1)
  }
  if (file.endsWith('.ts')) {
    const { register } = await import('tsx/esm/api')
    register()
    // load-project.ts reads this, and registers tsx only when no one did (per process, unlike an env var).
    globalThis[Symbol.for('stairs.tsxRegistered')] = true
  }
  await import(entry)
}

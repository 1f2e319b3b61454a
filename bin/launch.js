// Starts one of the package's CLIs. Installed, that is the compiled dist/src/cli/NAME.js (tsx is
// registered later, only when a command loads the project's TypeScript). In this repository npm and
// npx resolve with the "stairs-source" condition (.npmrc), so the entry is src/cli/NAME.ts and tsx
// must be registered before it is imported.
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

/** Imports the CLI entry `name` (`stairs` or `stairs-admin`), which runs the command line. */
export async function launch(name) {
  const entry = import.meta.resolve(`#cli/${name}`)
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

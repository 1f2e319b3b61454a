// The page's files, served by the package itself so the page works with no internet: the
// HTML, CSS and plain ES modules under src/admin/page/, and dagre (the layout library) from
// node_modules. Read once at start into memory; only these names are served (no paths from
// the request reach the file system).
import { readdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export interface Asset {
  readonly body: Uint8Array
  readonly type: string
}

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
}

export const PAGE_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'page')

/** The ES module build of @dagrejs/dagre (self-contained: it imports nothing). */
function dagreFile(): string {
  const require = createRequire(import.meta.url)
  const main = require.resolve('@dagrejs/dagre')
  return path.join(path.dirname(main), 'dagre.esm.js')
}

/** Asset by URL path: `/` is the page, `/assets/<file>` its files, `/assets/vendor/dagre.js` the layout library. */
export function loadPageAssets(): ReadonlyMap<string, Asset> {
  const assets = new Map<string, Asset>()
  for (const name of readdirSync(PAGE_DIR)) {
    const type = TYPES[path.extname(name)]
    if (!type) continue
    const body = readFileSync(path.join(PAGE_DIR, name))
    assets.set(name === 'index.html' ? '/' : `/assets/${name}`, { body, type })
  }
  assets.set('/assets/vendor/dagre.js', { body: readFileSync(dagreFile()), type: TYPES['.js'] as string })
  return assets
}

// @ts-check
// The admin page: loads the graph once, draws it, then follows the server's event stream (one
// snapshot per sample) without reloading. A failed engine read or a lost stream shows a banner
// that goes away by itself once figures flow again.
import { getJson } from './api.js'
import { DeadLettersView } from './dead-letters-view.js'
import { stageDetails, updateDetails } from './detail-view.js'
import { clock, el } from './dom.js'
import { GraphView } from './graph-view.js'

/** @import { AdminGraph, AdminHistory, AdminSnapshot, StageView } from '../api-types.js' */

const banner = /** @type {HTMLElement} */ (document.getElementById('banner'))
const panel = /** @type {HTMLElement} */ (document.getElementById('panel'))
const toast = /** @type {HTMLElement} */ (document.getElementById('toast'))
const header = /** @type {HTMLElement} */ (document.getElementById('engine'))
const notes = /** @type {HTMLElement} */ (document.getElementById('notes'))
const root = /** @type {HTMLElement} */ (document.getElementById('graph'))

/** @type {AdminSnapshot | undefined} */
let latest
/** @type {{ stage: StageView, section: HTMLElement, letters: DeadLettersView } | undefined} */
let open
let streamLost = false

/** Main-thread time of the last snapshot applied, for the benchmark (ms). */
const timings = { lastUpdateMs: 0, updates: 0 }
Object.assign(window, { stairsAdmin: timings })

/** @param {string} message */
function notify(message) {
  toast.textContent = message
  toast.hidden = false
  setTimeout(() => {
    toast.hidden = true
  }, 4000)
}

function showBanner() {
  if (streamLost) {
    banner.textContent = 'Lost the connection to the admin server; reconnecting…'
    banner.hidden = false
  } else if (latest && !latest.ok) {
    banner.textContent = `Cannot read the engine: ${latest.error ?? 'unknown error'}. Showing the figures of ${clock(latest.at)}; retrying.`
    banner.hidden = false
  } else banner.hidden = true
}

/** @param {AdminGraph} graph */
function describeEngine(graph) {
  const missing = Object.entries(graph.offers)
    .filter(([, offered]) => !offered)
    .map(([name]) => name)
  header.replaceChildren(el('strong', {}, graph.engine), ` at ${graph.where}`)
  if (graph.dashboard) header.append(el('a', { href: `/${graph.dashboard.path}`, class: 'dashboard' }, graph.dashboard.title))
  header.append(el('a', { href: '/metrics' }, 'metrics'))
  const lines = [...graph.notes]
  if (missing.length) lines.push(`the ${graph.engine} engine does not offer ${missing.join(', ')}: the page shows less`)
  notes.replaceChildren(...lines.map((line) => el('p', {}, line)))
}

async function main() {
  /** @type {AdminGraph} */
  const graph = await getJson('/api/graph')
  describeEngine(graph)
  const pipelineOf = new Map(graph.apps.flatMap((a) => a.pipelines).map((p) => [p.id, p]))
  const view = new GraphView(root, graph, (stage) => {
    const pipeline = pipelineOf.get(stage.pipeline)
    if (!pipeline) return
    const section = stageDetails(stage, pipeline, graph)
    const letters = new DeadLettersView(stage, graph, notify)
    const close = el('button', { type: 'button', class: 'close', 'aria-label': 'close' }, '×')
    close.addEventListener('click', () => {
      open = undefined
      panel.hidden = true
      view.highlight(undefined)
    })
    panel.replaceChildren(close, section, letters.element)
    panel.hidden = false
    open = { stage, section, letters }
    view.highlight(stage.queue)
    if (latest) updateDetails(section, stage, latest, graph)
    void letters.load()
  })
  document.body.dataset.ready = 'graph'

  /** @type {number | undefined} */
  let lastDead
  const events = new EventSource('/api/events')
  events.addEventListener('history', (event) => {
    /** @type {AdminHistory} */
    const history = JSON.parse(/** @type {MessageEvent} */ (event).data)
    view.setHistory(history.stages)
  })
  events.addEventListener('snapshot', (event) => {
    const started = performance.now()
    /** @type {AdminSnapshot} */
    const snapshot = JSON.parse(/** @type {MessageEvent} */ (event).data)
    latest = snapshot
    streamLost = false
    view.update(snapshot)
    showBanner()
    if (open) {
      updateDetails(open.section, open.stage, snapshot, graph)
      // The open stage's list follows its dead-letter count.
      const dead = snapshot.stages[open.stage.queue]?.deadLetters
      if (dead !== undefined && dead !== lastDead) void open.letters.load()
      lastDead = dead
    }
    timings.lastUpdateMs = performance.now() - started
    timings.updates++
    document.body.dataset.updates = String(timings.updates)
  })
  events.addEventListener('error', () => {
    streamLost = events.readyState !== EventSource.OPEN
    showBanner()
  })
  events.addEventListener('open', () => {
    streamLost = false
    showBanner()
  })
}

main().catch((error) => {
  banner.textContent = `The page could not start: ${error instanceof Error ? error.message : String(error)}`
  banner.hidden = false
})

// @ts-check
// A stage's details: its steps, sub-pipelines, input and output keys (from generated/shapes.ts),
// contract (the manifest's and the running system's), the pipeline's config, the workers alive
// with their last heartbeat, host and pid, and its processing times. All text goes in as text.
import { clock, count, el } from './dom.js'

/** @import { AdminGraph, AdminSnapshot, PipelineView, ShapeValue, StageView } from '../api-types.js' */

/**
 * @param {StageView} stage
 * @param {PipelineView} pipeline
 * @param {AdminGraph} graph
 * @returns {HTMLElement}
 */
export function stageDetails(stage, pipeline, graph) {
  const steps = el(
    'ol',
    { class: 'step-list' },
    ...stage.steps.map((s) =>
      el(
        'li',
        {},
        el('code', {}, s.label),
        ` ${s.kind}${s.consumer ? ` → consumer ${s.consumer} (${s.consumerKind})` : ''}`,
        s.source ? el('span', { class: 'muted' }, ` ${s.source}`) : null,
      ),
    ),
  )
  return el(
    'section',
    { class: 'details', 'data-queue': stage.queue },
    el('h2', {}, stage.queue),
    el(
      'p',
      { class: 'muted' },
      `stage ${stage.index + 1} of ${pipeline.stages.length} of pipeline ${pipeline.id}`,
      pipeline.source ? ` (${pipeline.source})` : '',
    ),
    stage.subPipelines.length ? el('p', {}, `runs part of sub-pipeline ${stage.subPipelines.join(', ')}`) : null,
    el('h3', {}, 'Steps'),
    steps,
    el('h3', {}, 'Input keys'),
    shapeList(stage.input),
    el('h3', {}, 'Output keys'),
    shapeList(stage.output),
    el('h3', {}, 'Contract'),
    el('p', {}, 'manifest: ', el('code', { 'data-contract': 'manifest' }, stage.contract ?? 'unknown (run stairs codegen)')),
    el(
      'p',
      {},
      'running system: ',
      el('code', { 'data-contract': 'registered' }, graph.offers.contracts ? '–' : 'not offered by this engine'),
    ),
    el('h3', {}, 'Pipeline config'),
    el('pre', { class: 'config' }, JSON.stringify(pipeline.config, null, 2) ?? 'null'),
    el('h3', {}, 'Processing time'),
    el('p', { 'data-fig': 'processingTime' }, '–'),
    el('h3', {}, 'Workers'),
    el('div', { 'data-fig': 'workers' }, graph.offers.workers ? '–' : `the ${graph.engine} engine does not list workers`),
  )
}

/** @param {readonly ShapeValue[]} values */
function shapeList(values) {
  if (!values.length) return el('p', { class: 'muted' }, 'not known (no manifest entry)')
  return el(
    'div',
    {},
    ...values.map((value) =>
      el(
        'div',
        { class: 'shape' },
        el('p', {}, el('code', {}, value.shape), el('span', { class: 'muted' }, ` from ${value.from}`)),
        value.members
          ? el(
              'ul',
              { class: 'keys' },
              ...value.members.map((m) => el('li', {}, el('code', {}, `${m.name}${m.optional ? '?' : ''}`), `: ${m.type}`)),
            )
          : el('p', { class: 'muted' }, value.text ? `= ${value.text}` : 'not in generated/shapes.ts'),
      ),
    ),
  )
}

/**
 * Fills the live parts of a details section.
 * @param {HTMLElement} section
 * @param {StageView} stage
 * @param {AdminSnapshot} snapshot
 * @param {AdminGraph} graph
 */
export function updateDetails(section, stage, snapshot, graph) {
  const registered = section.querySelector('[data-contract="registered"]')
  if (registered && graph.offers.contracts) {
    const hash = snapshot.registered[stage.queue]
    registered.textContent = hash
      ? `${hash}${stage.contract && hash !== stage.contract ? ' (differs from the manifest)' : ''}`
      : 'none registered yet'
  }
  const times = section.querySelector('[data-fig="processingTime"]')
  const histogram = snapshot.stages[stage.queue]?.processingTime
  if (times)
    times.textContent = histogram
      ? `${count(histogram.count)} records, mean ${(histogram.sumMs / histogram.count).toFixed(2)} ms, p50 ≤ ${quantile(histogram, 0.5)} ms, p95 ≤ ${quantile(histogram, 0.95)} ms`
      : 'not timed by this engine yet'
  const workers = section.querySelector('[data-fig="workers"]')
  if (workers && graph.offers.workers) {
    const alive = snapshot.workers[stage.queue] ?? []
    workers.replaceChildren(
      alive.length
        ? el(
            'table',
            {},
            el(
              'thead',
              {},
              el('tr', {}, el('th', {}, 'worker'), el('th', {}, 'host'), el('th', {}, 'pid'), el('th', {}, 'last heartbeat')),
            ),
            el(
              'tbody',
              {},
              ...alive.map((w) =>
                el(
                  'tr',
                  {},
                  el('td', {}, w.id),
                  el('td', {}, w.host),
                  el('td', {}, w.pid ? String(w.pid) : 'unknown'),
                  el('td', {}, clock(w.lastSeen)),
                ),
              ),
            ),
          )
        : el('p', { class: 'muted' }, 'no worker alive'),
    )
  }
}

/**
 * The bucket bound under which a share of the records fall.
 * @param {import('../../runtime/engine-types.js').ProcessingTimeHistogram} histogram
 * @param {number} share
 */
function quantile(histogram, share) {
  let seen = 0
  for (let i = 0; i < histogram.counts.length; i++) {
    seen += histogram.counts[i] ?? 0
    if (seen >= share * histogram.count)
      return i < histogram.boundsMs.length ? String(histogram.boundsMs[i]) : `> ${histogram.boundsMs.at(-1)}`
  }
  return '?'
}

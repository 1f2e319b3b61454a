// @ts-check
// Draws the laid-out graph as SVG once, keeps a handle on every text that changes, and on each
// snapshot only sets those texts and the sparklines' points. Pipelines, edges and titles are one
// SVG; each node is its own small SVG in a box the browser lays out alone (CSS containment), so
// changing 300 nodes' figures re-lays out 300 small drawings, not one drawing of the whole graph.
import { count, cut, el, rate, svg } from './dom.js'
import { layoutGraph } from './layout.js'

/** @import { AdminGraph, AdminSnapshot, StageView } from '../api-types.js' */
/** @import { PlacedNode } from './layout.js' */

/** Sparkline points drawn per stage (the newest ones). */
const SPARK_POINTS = 120
const SPARK = { x: 10, y: 84, width: 230, height: 20 }

/**
 * @typedef {{ flow: SVGTextElement, totals: SVGTextElement, spark: SVGPolylineElement, group: SVGGElement, history: number[] }} StageHandles
 */

export class GraphView {
  /**
   * @param {HTMLElement} root
   * @param {AdminGraph} graph
   * @param {(stage: StageView) => void} onSelect
   */
  constructor(root, graph, onSelect) {
    this.root = root
    this.graph = graph
    /** @type {Map<string, StageHandles>} */
    this.stages = new Map()
    /** @type {Map<string, SVGTSpanElement>} */
    this.consumers = new Map()
    /** @type {Map<string, StageView>} */
    this.stageViews = new Map()
    for (const app of graph.apps) for (const p of app.pipelines) for (const s of p.stages) this.stageViews.set(s.queue, s)
    this.onSelect = onSelect
    this.draw()
  }

  draw() {
    const layout = layoutGraph(this.graph)
    const pad = 12
    const width = layout.width + 2 * pad
    const height = layout.height + 2 * pad
    this.root.style.width = `${width}px`
    this.root.style.height = `${height}px`
    const background = svg('svg', {
      class: 'graph-background',
      width,
      height,
      viewBox: `${-pad} ${-pad} ${width} ${height}`,
      role: 'img',
      'aria-label': 'pipelines graph',
    })
    this.root.replaceChildren(background)
    background.append(
      svg(
        'defs',
        {},
        svg(
          'marker',
          { id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' },
          svg('path', { d: 'M0,0 L10,5 L0,10 z', class: 'arrow-head' }),
        ),
      ),
    )
    for (const app of layout.apps) background.append(svg('text', { class: 'app-title', x: 0, y: app.y + 20 }, `app ${app.app}`))
    for (const cluster of layout.clusters) {
      background.append(
        svg('rect', { class: 'cluster', x: cluster.x, y: cluster.y, width: cluster.width, height: cluster.height, rx: 8 }),
        svg('text', { class: 'cluster-title', x: cluster.x + 10, y: cluster.y + 18 }, `pipeline ${cluster.label}`),
      )
    }
    for (const edge of layout.edges) {
      const points = edge.points.map((p) => `${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ')
      background.append(svg('polyline', { class: 'edge', points, 'marker-end': 'url(#arrow)' }))
    }
    for (const node of layout.nodes) {
      const box = el('div', { class: 'node-box' })
      box.style.left = `${node.x + pad}px`
      box.style.top = `${node.y + pad}px`
      box.style.width = `${node.width}px`
      box.style.height = `${node.height}px`
      box.append(svg('svg', { width: node.width, height: node.height, viewBox: `0 0 ${node.width} ${node.height}` }, this.drawNode(node)))
      this.root.append(box)
    }
  }

  /** @param {PlacedNode} node */
  drawNode(node) {
    const group = svg('g', { class: `node ${node.kind}`, 'data-ref': node.ref })
    group.append(svg('rect', { class: 'box', width: node.width, height: node.height, rx: 6 }))
    if (node.kind === 'producer') {
      const producer = this.graph.apps.flatMap((a) => a.producers).find((p) => `${p.app}.${p.name}` === node.ref)
      group.append(
        svg('text', { class: 'kind', x: 10, y: 17 }, producer?.kind ?? 'producer'),
        svg('text', { class: 'title', x: 10, y: 34 }, cut(producer?.name ?? node.ref, 26)),
      )
      return group
    }
    if (node.kind === 'consumer') {
      const consumer = this.graph.apps.flatMap((a) => a.consumers).find((c) => c.queue === node.ref)
      const waiting = svg('tspan', { 'data-fig': 'waiting' }, '–')
      this.consumers.set(node.ref, waiting)
      group.setAttribute('data-consumer', node.ref)
      group.append(
        svg('text', { class: 'kind', x: 10, y: 17 }, `${consumer?.kind === 'iter' ? 'iterator' : 'standalone'} consumer`),
        svg('text', { class: 'title', x: 10, y: 34 }, cut(consumer?.name ?? node.ref, 26)),
        svg('text', { class: 'figures', x: 10, y: 50 }, 'queue ', waiting),
      )
      return group
    }
    const stage = /** @type {StageView} */ (this.stageViews.get(node.ref))
    group.setAttribute('data-queue', stage.queue)
    group.setAttribute('tabindex', '0')
    group.setAttribute('role', 'button')
    // One text per row, set whole: one short run to lay out per row, where tspans would make
    // the browser lay out every run of the row again for each figure that changed.
    /** @type {StageHandles} */
    const handles = {
      flow: svg('text', { class: 'figures', x: 10, y: 52, 'data-fig': 'flow' }, 'queue – · in flight – · –/s'),
      totals: svg('text', { class: 'figures', x: 10, y: 70, 'data-fig': 'totals' }, 'done – · failed – · STOP – · DLQ –'),
      spark: svg('polyline', { class: 'spark', points: '' }),
      group,
      history: [],
    }
    const steps = stage.steps.filter((s) => s.kind !== 'input').map((s) => s.label)
    const sub = stage.subPipelines.length ? ` ⤷ ${stage.subPipelines.join(', ')}` : ''
    group.append(
      svg('title', {}, `${stage.queue}: click for details and dead letters`),
      svg('text', { class: 'title', x: 10, y: 18 }, cut(`${stage.id}${sub}`, 34)),
      svg('text', { class: 'steps', x: 10, y: 34 }, cut(steps.join(' → ') || 'input', 40)),
      handles.flow,
      handles.totals,
      svg('rect', { class: 'spark-bg', x: SPARK.x, y: SPARK.y, width: SPARK.width, height: SPARK.height }),
      handles.spark,
    )
    const select = () => this.onSelect(stage)
    group.addEventListener('click', select)
    group.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' || event.key === ' ') select()
    })
    this.stages.set(stage.queue, handles)
    return group
  }

  /** @param {Readonly<Record<string, readonly number[]>>} history */
  setHistory(history) {
    for (const [queue, handles] of this.stages) {
      handles.history = [...(history[queue] ?? [])].slice(-SPARK_POINTS)
      drawSpark(handles)
    }
  }

  /** @param {AdminSnapshot} snapshot */
  update(snapshot) {
    for (const [queue, handles] of this.stages) {
      const figures = snapshot.stages[queue]
      if (!figures) continue
      const { counters } = figures
      const dead = figures.deadLetters
      const deadText = dead === undefined ? 'n/a' : dead >= snapshot.deadLetterCap ? `${count(dead)}+` : count(dead)
      setText(
        handles.flow,
        `queue ${count(figures.waiting)} · in flight ${count(figures.inFlight)} · ${rate(figures.processedPerSecond)}/s`,
      )
      setText(
        handles.totals,
        `done ${count(counters.processed)} · failed ${count(counters.failed)} · STOP ${count(counters.filtered)} · DLQ ${deadText}`,
      )
      handles.group.classList.toggle('has-dead', (dead ?? 0) > 0)
      handles.group.classList.toggle('busy', figures.waiting + figures.inFlight > 0)
      if (snapshot.ok) {
        handles.history.push(figures.processedPerSecond)
        if (handles.history.length > SPARK_POINTS) handles.history.shift()
        drawSpark(handles)
      }
    }
    for (const [queue, text] of this.consumers) {
      const figures = snapshot.consumers[queue]
      if (figures) setText(text, count(figures.waiting))
    }
  }

  /** @param {string | undefined} queue */
  highlight(queue) {
    for (const [q, handles] of this.stages) handles.group.classList.toggle('selected', q === queue)
  }
}

/**
 * @param {Element} node
 * @param {string} text
 */
function setText(node, text) {
  if (node.textContent !== text) node.textContent = text
}

/** @param {StageHandles} handles */
function drawSpark(handles) {
  const values = handles.history
  if (values.length < 2) {
    handles.spark.setAttribute('points', '')
    return
  }
  let max = 0
  for (const v of values) if (v > max) max = v
  const step = SPARK.width / (SPARK_POINTS - 1)
  const start = SPARK.x + SPARK.width - step * (values.length - 1)
  let points = ''
  for (let i = 0; i < values.length; i++) {
    const y = SPARK.y + SPARK.height - (max > 0 ? ((values[i] ?? 0) / max) * (SPARK.height - 2) : 0) - 1
    points += `${(start + step * i).toFixed(1)},${y.toFixed(1)} `
  }
  handles.spark.setAttribute('points', points)
}

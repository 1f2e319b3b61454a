// @ts-check
// Draws the laid-out graph as SVG once, keeps a handle on every text that changes, and on each
// snapshot only sets those texts and the sparklines' points: an update touches no layout.
import { count, cut, rate, svg } from './dom.js'
import { layoutGraph } from './layout.js'

/** @import { AdminGraph, AdminSnapshot, StageView } from '../api-types.js' */
/** @import { PlacedNode } from './layout.js' */

/** Sparkline points drawn per stage (the newest ones). */
const SPARK_POINTS = 120
const SPARK = { x: 10, y: 84, width: 230, height: 20 }

/**
 * @typedef {{ waiting: SVGTSpanElement, inFlight: SVGTSpanElement, rate: SVGTSpanElement, processed: SVGTSpanElement,
 *   failed: SVGTSpanElement, filtered: SVGTSpanElement, deadLetters: SVGTSpanElement, spark: SVGPolylineElement,
 *   group: SVGGElement, history: number[] }} StageHandles
 */

export class GraphView {
  /**
   * @param {SVGSVGElement} root
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
    this.root.setAttribute('viewBox', `${-pad} ${-pad} ${layout.width + 2 * pad} ${layout.height + 2 * pad}`)
    this.root.setAttribute('width', String(layout.width + 2 * pad))
    this.root.setAttribute('height', String(layout.height + 2 * pad))
    this.root.replaceChildren(
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
    for (const app of layout.apps) this.root.append(svg('text', { class: 'app-title', x: 0, y: app.y + 20 }, `app ${app.app}`))
    for (const cluster of layout.clusters) {
      this.root.append(
        svg('rect', { class: 'cluster', x: cluster.x, y: cluster.y, width: cluster.width, height: cluster.height, rx: 8 }),
        svg('text', { class: 'cluster-title', x: cluster.x + 10, y: cluster.y + 18 }, `pipeline ${cluster.label}`),
      )
    }
    for (const edge of layout.edges) {
      const points = edge.points.map((p) => `${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ')
      this.root.append(svg('polyline', { class: 'edge', points, 'marker-end': 'url(#arrow)' }))
    }
    for (const node of layout.nodes) this.root.append(this.drawNode(node))
  }

  /** @param {PlacedNode} node */
  drawNode(node) {
    const group = svg('g', { class: `node ${node.kind}`, transform: `translate(${node.x},${node.y})`, 'data-ref': node.ref })
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
    const fig = (/** @type {string} */ name) => svg('tspan', { 'data-fig': name }, '–')
    /** @type {StageHandles} */
    const handles = {
      waiting: fig('waiting'),
      inFlight: fig('inFlight'),
      rate: fig('rate'),
      processed: fig('processed'),
      failed: fig('failed'),
      filtered: fig('filtered'),
      deadLetters: fig('deadLetters'),
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
      svg(
        'text',
        { class: 'figures', x: 10, y: 52 },
        'queue ',
        handles.waiting,
        ' · in flight ',
        handles.inFlight,
        ' · ',
        handles.rate,
        '/s',
      ),
      svg(
        'text',
        { class: 'figures', x: 10, y: 70 },
        'done ',
        handles.processed,
        ' · failed ',
        handles.failed,
        ' · STOP ',
        handles.filtered,
        ' · DLQ ',
        handles.deadLetters,
      ),
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
      setText(handles.waiting, count(figures.waiting))
      setText(handles.inFlight, count(figures.inFlight))
      setText(handles.rate, rate(figures.processedPerSecond))
      setText(handles.processed, count(figures.counters.processed))
      setText(handles.failed, count(figures.counters.failed))
      setText(handles.filtered, count(figures.counters.filtered))
      const dead = figures.deadLetters
      setText(handles.deadLetters, dead === undefined ? 'n/a' : dead >= snapshot.deadLetterCap ? `${count(dead)}+` : count(dead))
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

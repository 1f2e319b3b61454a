// @ts-check
// A stage's dead letters: the list with error and attempts, the payload of one as text (a cut
// payload says so), and replay or delete of one, the selected or all; deleting, and replaying
// all, ask first.
import { getJson, postJson } from './api.js'
import { clock, cut, el } from './dom.js'

/** @import { AdminGraph, DeadLetterActionResult, DeadLetterList, DeadLetterView, StageView } from '../api-types.js' */

export class DeadLettersView {
  /**
   * @param {StageView} stage
   * @param {AdminGraph} graph
   * @param {(message: string) => void} notify
   */
  constructor(stage, graph, notify) {
    this.stage = stage
    this.graph = graph
    this.notify = notify
    /** @type {Set<string>} */
    this.selected = new Set()
    this.list = el('div', { class: 'letters' })
    this.payload = el('div', { class: 'payload-view' })
    this.status = el('p', { class: 'muted', 'data-role': 'dlq-status' })
    const offers = graph.offers
    const button = (/** @type {string} */ label, /** @type {string} */ action, /** @type {boolean} */ offered) =>
      el(
        'button',
        {
          type: 'button',
          'data-action': action,
          disabled: !offered,
          title: offered ? '' : `the ${graph.engine} engine does not offer this`,
        },
        label,
      )
    const replaySelected = button('Replay selected', 'replay-selected', offers.replayDeadLetters)
    const replayAll = button('Replay all', 'replay-all', offers.replayDeadLetters)
    const deleteSelected = button('Delete selected', 'delete-selected', offers.deleteDeadLetters)
    const deleteAll = button('Delete all', 'delete-all', offers.deleteDeadLetters)
    replaySelected.addEventListener('click', () => void this.act('replay', [...this.selected]))
    replayAll.addEventListener('click', () => void this.act('replay', undefined))
    deleteSelected.addEventListener('click', () => void this.act('delete', [...this.selected]))
    deleteAll.addEventListener('click', () => void this.act('delete', undefined))
    this.element = el(
      'section',
      { class: 'dead-letters' },
      el('h3', {}, 'Dead letters'),
      offers.listDeadLetters ? el('div', { class: 'actions' }, replaySelected, replayAll, deleteSelected, deleteAll) : null,
      this.status,
      this.list,
      this.payload,
    )
    if (!offers.listDeadLetters) this.status.textContent = `the ${graph.engine} engine does not list dead letters`
  }

  async load() {
    if (!this.graph.offers.listDeadLetters) return
    const query = new URLSearchParams({ pipeline: this.stage.pipeline, stage: this.stage.id })
    try {
      /** @type {DeadLetterList} */
      const answer = await getJson(`/api/dead-letters?${query}`)
      this.render(answer.letters)
    } catch (error) {
      this.status.textContent = `cannot list dead letters: ${error instanceof Error ? error.message : String(error)}`
    }
  }

  /** @param {readonly DeadLetterView[]} letters */
  render(letters) {
    for (const id of [...this.selected]) if (!letters.some((l) => l.id === id)) this.selected.delete(id)
    this.status.textContent = letters.length ? `${letters.length} dead letter${letters.length === 1 ? '' : 's'}` : 'no dead letters'
    this.list.replaceChildren(
      ...letters.map((letter) => {
        const box = el('input', { type: 'checkbox', 'aria-label': `select ${letter.id}`, checked: this.selected.has(letter.id) })
        box.addEventListener('change', () => {
          if (box.checked) this.selected.add(letter.id)
          else this.selected.delete(letter.id)
        })
        const open = el('button', { type: 'button', class: 'link', 'data-action': 'open' }, cut(letter.id, 40))
        open.addEventListener('click', () => this.show(letter))
        const replay = el(
          'button',
          { type: 'button', 'data-action': 'replay-one', disabled: !this.graph.offers.replayDeadLetters },
          'Replay',
        )
        replay.addEventListener('click', () => void this.act('replay', [letter.id], false))
        return el(
          'div',
          { class: 'letter', 'data-letter': letter.id },
          box,
          open,
          el('span', { class: 'attempts' }, `${letter.attempts} attempt${letter.attempts === 1 ? '' : 's'}`),
          el('span', { class: 'error' }, `${letter.error.name}: ${cut(letter.error.message, 160)}`),
          el('span', { class: 'muted' }, clock(letter.at)),
          replay,
        )
      }),
    )
  }

  /** @param {DeadLetterView} letter */
  show(letter) {
    this.payload.replaceChildren(
      el('h4', {}, `payload of ${letter.id}`),
      el('p', { class: 'error' }, `${letter.error.name}: ${letter.error.message}`),
      // A text node only: whatever the record holds shows as characters.
      el('pre', { class: 'payload', 'data-role': 'payload' }, letter.payload),
    )
    if (letter.truncated)
      this.payload.append(el('p', { class: 'muted' }, `cut at ${letter.payload.length} of ${letter.payloadLength} characters`))
  }

  /**
   * @param {'replay' | 'delete'} action
   * @param {string[] | undefined} ids
   * @param {boolean} [ask]
   */
  async act(action, ids, ask = true) {
    if (ids && ids.length === 0) {
      this.notify('select dead letters first')
      return
    }
    const what = ids ? `${ids.length} dead letter${ids.length === 1 ? '' : 's'}` : `every dead letter of ${this.stage.queue}`
    const destructive = action === 'delete' || ids === undefined
    if (ask && destructive && !window.confirm(`${action === 'delete' ? 'Delete for good' : 'Replay'} ${what}?`)) return
    try {
      /** @type {DeadLetterActionResult} */
      const result = await postJson(`/api/dead-letters/${action}`, {
        pipeline: this.stage.pipeline,
        stage: this.stage.id,
        ...(ids ? { ids } : {}),
      })
      this.notify(`${action === 'replay' ? 'replayed' : 'deleted'} ${result.count} dead letter${result.count === 1 ? '' : 's'}`)
      this.payload.replaceChildren()
      await this.load()
    } catch (error) {
      this.notify(`${action} failed: ${error instanceof Error ? error.message : String(error)}`)
    }
  }
}

// @ts-check
// Building DOM and SVG elements. Text only ever goes in as text nodes (textContent), never as
// markup: a record holding `<script>` shows as those characters.

const SVG = 'http://www.w3.org/2000/svg'

/**
 * An HTML element with attributes and children (strings become text nodes).
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Record<string, string | number | boolean | undefined>} [attributes]
 * @param {(Node | string | null | undefined)[]} children
 * @returns {HTMLElementTagNameMap[K]}
 */
export function el(tag, attributes = {}, ...children) {
  const element = document.createElement(tag)
  setAttributes(element, attributes)
  for (const child of children) if (child !== null && child !== undefined) element.append(child)
  return element
}

/**
 * An SVG element with attributes.
 * @template {keyof SVGElementTagNameMap} K
 * @param {K} tag
 * @param {Record<string, string | number | boolean | undefined>} [attributes]
 * @param {(Node | string | null | undefined)[]} children
 * @returns {SVGElementTagNameMap[K]}
 */
export function svg(tag, attributes = {}, ...children) {
  const element = /** @type {SVGElementTagNameMap[K]} */ (document.createElementNS(SVG, tag))
  setAttributes(element, attributes)
  for (const child of children) if (child !== null && child !== undefined) element.append(child)
  return element
}

/**
 * @param {Element} element
 * @param {Record<string, string | number | boolean | undefined>} attributes
 */
function setAttributes(element, attributes) {
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue
    element.setAttribute(name, value === true ? '' : String(value))
  }
}

/** @param {number} n */
export function count(n) {
  if (!Number.isFinite(n)) return '0'
  if (Math.abs(n) < 100_000) return String(Math.round(n))
  return new Intl.NumberFormat('en', { notation: 'compact', maximumFractionDigits: 1 }).format(n)
}

/** @param {number} n */
export function rate(n) {
  return n >= 100 ? count(n) : n >= 10 ? n.toFixed(0) : n.toFixed(1)
}

/** @param {string | number} at */
export function clock(at) {
  return new Date(at).toLocaleTimeString('en-GB', { hour12: false })
}

/**
 * Cuts a text to `max` characters with an ellipsis.
 * @param {string} text
 * @param {number} max
 */
export function cut(text, max) {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text
}

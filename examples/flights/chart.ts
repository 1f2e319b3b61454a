// The delay chart, hand-written SVG: mean delay by hour of departure (vertical bars) and at the
// busiest origin airports (horizontal bars), with axes, ticks, labels and a title.
import type { DelayRow } from './delay-stats.js'

const WIDTH = 900
/** Hours with fewer flights than this get a lighter bar: their mean says little. */
const FEW_FLIGHTS = 30
const escapeXml = (text: string): string =>
  text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] as string)
const fmt = (value: number): string => (Math.round(value * 10) / 10).toString()
/** Coordinates to 0.1 px: a smaller file, the same picture. */
const px = (value: number): number => Math.round(value * 10) / 10

/** Round tick values covering [min, max] (min <= 0 <= max), about five of them. */
function ticks(min: number, max: number): number[] {
  const span = max - min || 1
  const raw = span / 5
  const magnitude = 10 ** Math.floor(Math.log10(raw))
  const step = ([1, 2, 5, 10].find((m) => m * magnitude >= raw) ?? 10) * magnitude
  const out: number[] = []
  // From the step at or below min up to the first step at or above max: every bar fits the axis.
  for (let v = Math.floor(min / step) * step; ; v += step) {
    out.push(Math.round(v * 1e6) / 1e6)
    if (v >= max - 1e-9) return out
  }
}

interface Box {
  x: number
  y: number
  width: number
  height: number
}

/** Vertical bars from a zero line, one per row, with a value axis on the left. */
function columnPanel(rows: readonly DelayRow[], box: Box, title: string, xLabel: string): string {
  const values = rows.map((r) => r.meanDelay)
  const axis = ticks(Math.min(0, ...values), Math.max(0, ...values))
  const lo = axis[0] ?? 0
  const hi = axis[axis.length - 1] ?? 1
  const y = (v: number) => px(box.y + box.height - ((v - lo) / (hi - lo || 1)) * box.height)
  const slot = box.width / Math.max(rows.length, 1)
  const parts = [
    `<text x="${box.x + box.width / 2}" y="${box.y - 14}" class="subtitle" text-anchor="middle">${escapeXml(title)}</text>`,
    `<text x="${box.x + box.width}" y="${box.y - 2}" text-anchor="end" class="note">light bars: fewer than ${FEW_FLIGHTS} flights</text>`,
  ]
  for (const t of axis) {
    parts.push(`<line x1="${box.x}" x2="${box.x + box.width}" y1="${y(t)}" y2="${y(t)}" class="grid"/>`)
    parts.push(`<text x="${box.x - 8}" y="${y(t) + 4}" text-anchor="end">${fmt(t)}</text>`)
  }
  rows.forEach((row, i) => {
    const top = Math.min(y(row.meanDelay), y(0))
    const height = Math.abs(y(row.meanDelay) - y(0))
    const x = px(box.x + i * slot + slot * 0.15)
    parts.push(
      `<rect x="${x}" y="${top}" width="${px(slot * 0.7)}" height="${px(height)}" class="bar${row.flights < FEW_FLIGHTS ? ' few' : ''}"><title>${escapeXml(row.label)}: ${fmt(row.meanDelay)} min mean delay, ${row.flights} flights</title></rect>`,
    )
    parts.push(`<text x="${px(x + slot * 0.35)}" y="${box.y + box.height + 16}" text-anchor="middle">${escapeXml(row.key)}</text>`)
  })
  parts.push(`<line x1="${box.x}" x2="${box.x + box.width}" y1="${y(0)}" y2="${y(0)}" class="axis"/>`)
  parts.push(`<line x1="${box.x}" x2="${box.x}" y1="${box.y}" y2="${box.y + box.height}" class="axis"/>`)
  parts.push(
    `<text x="${box.x + box.width / 2}" y="${box.y + box.height + 38}" text-anchor="middle" class="label">${escapeXml(xLabel)}</text>`,
  )
  parts.push(
    `<text transform="translate(${box.x - 46} ${box.y + box.height / 2}) rotate(-90)" text-anchor="middle" class="label">mean delay (minutes)</text>`,
  )
  return parts.join('\n')
}

/** Horizontal bars, one per row, labelled on the left, with a value axis below. */
function barPanel(rows: readonly DelayRow[], box: Box, title: string): string {
  const values = rows.map((r) => r.meanDelay)
  const axis = ticks(Math.min(0, ...values), Math.max(0, ...values))
  const lo = axis[0] ?? 0
  const hi = axis[axis.length - 1] ?? 1
  const x = (v: number) => px(box.x + ((v - lo) / (hi - lo || 1)) * box.width)
  const slot = box.height / Math.max(rows.length, 1)
  const parts = [`<text x="${box.x + box.width / 2}" y="${box.y - 14}" class="subtitle" text-anchor="middle">${escapeXml(title)}</text>`]
  for (const t of axis) {
    parts.push(`<line x1="${x(t)}" x2="${x(t)}" y1="${box.y}" y2="${box.y + box.height}" class="grid"/>`)
    parts.push(`<text x="${x(t)}" y="${box.y + box.height + 16}" text-anchor="middle">${fmt(t)}</text>`)
  }
  rows.forEach((row, i) => {
    const top = px(box.y + i * slot + slot * 0.15)
    const left = Math.min(x(row.meanDelay), x(0))
    parts.push(
      `<rect x="${left}" y="${top}" width="${px(Math.abs(x(row.meanDelay) - x(0)))}" height="${px(slot * 0.7)}" class="bar"><title>${escapeXml(row.label)}: ${fmt(row.meanDelay)} min, ${row.flights} flights</title></rect>`,
    )
    const name = row.label.length > 28 ? `${row.label.slice(0, 27)}…` : row.label
    parts.push(
      `<text x="${box.x - 8}" y="${px(top + slot * 0.5)}" text-anchor="end">${escapeXml(`${row.key} ${name} (${row.flights})`)}</text>`,
    )
    parts.push(`<text x="${x(Math.max(row.meanDelay, 0)) + 4}" y="${px(top + slot * 0.5)}" class="value">${fmt(row.meanDelay)}</text>`)
  })
  parts.push(`<line x1="${x(0)}" x2="${x(0)}" y1="${box.y}" y2="${box.y + box.height}" class="axis"/>`)
  parts.push(`<line x1="${box.x}" x2="${box.x + box.width}" y1="${box.y + box.height}" y2="${box.y + box.height}" class="axis"/>`)
  parts.push(
    `<text x="${box.x + box.width / 2}" y="${box.y + box.height + 38}" text-anchor="middle" class="label">mean delay (minutes); airport (flights)</text>`,
  )
  return parts.join('\n')
}

/** The whole chart: a title, delays by hour, and delays at the `airports` busiest origins. */
export function delayChartSvg(byHour: readonly DelayRow[], byOrigin: readonly DelayRow[], flights: number, airports = 15): string {
  const busiest = byOrigin.slice(0, airports)
  const height = 420 + busiest.length * 24 + 110
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="12">
<style>
.title { font-size: 20px; font-weight: bold; } .subtitle { font-size: 15px; font-weight: bold; } .label { font-size: 13px; fill: #333; }
.bar { fill: #4c78a8; } .bar.few { fill: #b6cbe2; } .bar:hover { fill: #f58518; } .note { font-size: 11px; fill: #666; } .grid { stroke: #ddd; } .axis { stroke: #333; stroke-width: 1.2; } .value { fill: #333; font-size: 11px; dominant-baseline: middle; }
text { dominant-baseline: auto; }
</style>
<rect width="100%" height="100%" fill="white"/>
<text x="${WIDTH / 2}" y="32" text-anchor="middle" class="title">US domestic flight delays, Jan-Mar 2001 (${flights.toLocaleString('en-US')} flights)</text>
${columnPanel(byHour, { x: 80, y: 90, width: WIDTH - 120, height: 260 }, 'Mean arrival delay by hour of departure', 'hour of departure (local time)')}
${barPanel(busiest, { x: 320, y: 470, width: WIDTH - 380, height: busiest.length * 24 }, `Mean delay at the ${busiest.length} busiest origin airports`)}
</svg>
`
}

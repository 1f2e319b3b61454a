// The flight records and airports of the `vega-datasets` package (a devDependency of this
// repository: the examples' data, not the library's).
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'

/** A row of `flights-20k.json`, as shipped. */
export interface FlightRow {
  date: string
  delay: number
  distance: number
  origin: string
  destination: string
}

/** An airport of `airports.csv`. */
export interface Airport {
  name: string
  city: string
  state: string
}

// The package exports only its JS entry (build/index.js); its data files sit in ../data.
const dataDir = (): string => path.join(path.dirname(createRequire(import.meta.url).resolve('vega-datasets')), '..', 'data')

/** The path of a file of vega-datasets' `data/` folder. */
export const vegaFile = (name: string): string => path.join(dataDir(), name)

/** The 20,000 flight rows (January-March 2001, US domestic). */
export function loadFlights(): FlightRow[] {
  return JSON.parse(readFileSync(vegaFile('flights-20k.json'), 'utf8')) as FlightRow[]
}

/** Splits one CSV line; fields may be quoted and hold commas (`"Dr. C.P. Savage, Sr."`). */
export function splitCsvLine(line: string): string[] {
  const fields: string[] = []
  let field = ''
  let quoted = false
  for (let i = 0; i < line.length; i++) {
    const c = line[i]
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        field += '"'
        i++
      } else if (c === '"') quoted = false
      else field += c
    } else if (c === '"') quoted = true
    else if (c === ',') {
      fields.push(field)
      field = ''
    } else field += c
  }
  fields.push(field)
  return fields
}

let airports: ReadonlyMap<string, Airport> | undefined

/** The airports by IATA code (read once per process). */
export function loadAirports(): ReadonlyMap<string, Airport> {
  if (airports) return airports
  const byCode = new Map<string, Airport>()
  const [header, ...lines] = readFileSync(vegaFile('airports.csv'), 'utf8').trim().split('\n')
  if (header?.trim() !== 'iata,name,city,state,country,latitude,longitude') throw new Error(`airports.csv: unexpected header '${header}'`)
  for (const line of lines) {
    const [iata, name, city, state] = splitCsvLine(line.trim())
    if (iata && name !== undefined) byCode.set(iata, { name, city: city ?? '', state: state ?? '' })
  }
  airports = byCode
  return byCode
}

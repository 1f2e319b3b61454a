import { GraphError } from '../errors.js'
import { HandleImpl, isHandle } from './handle.js'
import type { ConcatenateShape, DataFrame, HandleLike } from './handle-types.js'

/**
 * Joins branches into one record: a data point gives its value under the new key, a frame nests
 * its whole record. Each branch runs on its own copy of the forked record.
 *
 * @example concatenate({ xx: frame.get('x'), rest: other }) // { xx: T, rest: {...} }
 */
export function concatenate<const M extends Record<string, HandleLike>>(branches: M): DataFrame<ConcatenateShape<M>> {
  const entries = Object.entries(branches as Record<string, unknown>)
  const first = entries[0]?.[1]
  if (!isHandle(first))
    throw new GraphError('concatenate takes an object of DataFrame/DataPoint handles, e.g. concatenate({ a: frame.get("a") })')
  for (const [name, handle] of entries) {
    if (!isHandle(handle))
      throw new GraphError(`pipeline '${first.builder.pipeline}': concatenate key '${name}' is not a DataFrame or DataPoint`)
    if (handle.builder !== first.builder)
      throw new GraphError(`pipeline '${first.builder.pipeline}': concatenate key '${name}' comes from another pipeline`)
  }
  const handles = entries as [string, HandleImpl][]
  const id = first.builder.add({
    kind: 'concatenate',
    label: 'concatenate',
    inputs: handles.map(([, h]) => h.nodeId),
    boundary: false,
    entries: handles.map(([name, h]) => Object.freeze({ name, pointKey: h.pointKey })),
  })
  return new HandleImpl(first.builder, id, undefined) as unknown as DataFrame<ConcatenateShape<M>>
}

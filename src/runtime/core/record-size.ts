// The one size limit of every engine: a record whose encoded envelope is larger than
// `maxRecordBytes` is refused where it would be queued (a producer's push, or a stage sending it
// on). Never retried: the record goes to the dead-letter queue, or the producer hears at once.
import { StairsError } from '../../errors.js'

/** Default `maxRecordBytes`: 1 MiB. */
export const MAX_RECORD_BYTES = 1024 * 1024

/** A record over the size limit. Permanent: retrying cannot make it smaller. */
export class RecordTooLargeError extends StairsError {
  override readonly name = 'RecordTooLargeError'
  constructor(
    message: string,
    readonly bytes: number,
    readonly limit: number,
  ) {
    super('RECORD_TOO_LARGE', message)
  }
}

/**
 * Throws RecordTooLargeError when `text` is larger than `max` bytes in UTF-8. `where` names the
 * pipeline and stage (or input), `id` the record. The byte length is only computed near the limit.
 */
export function checkRecordSize(text: string, max: number, where: string, id: string): void {
  // A UTF-16 unit is at most 3 UTF-8 bytes.
  if (text.length * 3 <= max) return
  const bytes = Buffer.byteLength(text)
  if (bytes > max)
    throw new RecordTooLargeError(
      `${where}: record '${id}' is ${bytes} bytes encoded, over the limit of ${max} bytes (maxRecordBytes); keep large payloads elsewhere (a file, object storage) and send a reference, or raise the limit`,
      bytes,
      max,
    )
}

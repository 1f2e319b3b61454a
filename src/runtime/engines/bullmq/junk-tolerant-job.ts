// BullMQ parses a job's `data` field with JSON.parse when it loads the job; bytes written straight
// into a job hash that are not JSON make that throw inside the worker, and the job would stall
// and come back forever. These subclasses load such a job with its raw text as data instead, so
// the stage processor fails it at once (UnrecoverableError, into the failed set) with the reason,
// and listing the failed set still works.
import { Job, type JobJson, type JobProgress, Queue, Worker } from 'bullmq'

type JobQueue = Parameters<typeof Job.fromJSON>[0]

export class JunkTolerantJob<T = unknown, R = unknown, N extends string = string, P extends JobProgress = JobProgress> extends Job<
  T,
  R,
  N,
  P
> {
  static override fromJSON<T = unknown, R = unknown, N extends string = string>(
    queue: JobQueue,
    json: JobJson,
    jobId?: string,
  ): Job<T, R, N> {
    try {
      return Job.fromJSON<T, R, N>(queue, json, jobId)
    } catch (error) {
      // Only the data can be junk here (BullMQ wrote the other fields); parse it only on failure.
      if (!(error instanceof SyntaxError) || isJson(json.data)) throw error
      return Job.fromJSON<T, R, N>(queue, { ...json, data: JSON.stringify(String(json.data)) }, jobId)
    }
  }
}

function isJson(text: string | undefined): boolean {
  try {
    JSON.parse(text || '{}')
    return true
  } catch {
    return false
  }
}

export class JunkTolerantWorker extends Worker {
  protected override get Job(): typeof Job {
    return JunkTolerantJob
  }
}

export class JunkTolerantQueue extends Queue {
  protected override get Job(): typeof Job {
    return JunkTolerantJob
  }
}

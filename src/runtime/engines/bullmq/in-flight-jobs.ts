// Jobs this process's workers hold, from BullMQ's worker events: 'active' when a job is taken,
// 'completed' / 'failed' once BullMQ recorded the outcome in Redis. Graceful stop waits on it.
import type { Job, Worker } from 'bullmq'

export class InFlightJobs {
  // The same Job object travels from 'active' to 'completed'/'failed': no key to build.
  private readonly jobs = new Set<Job>()
  private waiters: (() => void)[] = []

  watch(worker: Worker): void {
    worker.on('active', (job) => this.jobs.add(job))
    const done = (job: Job | undefined) => {
      if (job) this.jobs.delete(job)
      if (this.jobs.size === 0) for (const resolve of this.waiters.splice(0)) resolve()
    }
    worker.on('completed', done)
    worker.on('failed', done)
  }

  get size(): number {
    return this.jobs.size
  }

  /**
   * True once no job is held and none is on its way, false if `timeoutMs` passed first.
   *
   * "None on its way" matters: a worker that finishes a job asks Redis for the next one in the
   * same call (BullMQ's fetch-next), and a fetch sent just before the pause still brings a job.
   * BullMQ emits 'completed' first and 'active' for the fetched job a few microtasks later, so an
   * empty set can be a gap between two jobs. `flush` must resolve only after every reply sent
   * before it arrived (a PING on the workers' connection); with one more turn of the event loop
   * for the fetched job's 'active', an empty set after that is really empty.
   */
  async settled(timeoutMs: number, flush: () => Promise<unknown>): Promise<boolean> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      if (this.jobs.size > 0 && !(await this.idleBefore(deadline))) return false
      await flush()
      await new Promise<void>((resolve) => setImmediate(resolve))
      if (this.jobs.size === 0) return true
    }
  }

  private async idleBefore(deadline: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined
    const idle = new Promise<boolean>((resolve) => this.waiters.push(() => resolve(true)))
    const late = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), Math.max(0, deadline - Date.now()))
    })
    const result = await Promise.race([idle, late])
    clearTimeout(timer)
    return result
  }
}

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

  /** True once no job is held, false if `timeoutMs` passed first. */
  async settled(timeoutMs: number): Promise<boolean> {
    if (this.jobs.size === 0) return true
    let timer: NodeJS.Timeout | undefined
    const idle = new Promise<boolean>((resolve) => this.waiters.push(() => resolve(true)))
    const late = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs)
    })
    const result = await Promise.race([idle, late])
    clearTimeout(timer)
    return result
  }
}

// What a user tells the conformance kit about the engine under test: how to make settings that
// isolate one test from the others, what to clean up, and what the engine claims. A guarantee an
// engine does not claim is named in its test's title ("not claimed: ..."), never skipped silently.

/** What an engine promises beyond the semantics every engine keeps. */
export interface EngineClaims {
  /**
   * Queued records survive a worker process killed with SIGKILL mid-batch: they are delivered
   * again (at least once). Needs `worker` in the options, and `distributed`.
   */
  readonly durable: boolean
  /** Stage workers may run in other processes than the producer (default: the same as `durable`). */
  readonly distributed?: boolean
  /** A record pushed again with the same explicit id within the dedupe window is dropped (default true). */
  readonly dedupe?: boolean
  /**
   * Workers register each queue's contract hash where every process sees it, and a worker with
   * another hash is refused (default: the same as `distributed`; a single-process engine has no
   * running system to disagree with).
   */
  readonly contracts?: boolean
  /** The admin side lists the stage workers alive, with host and pid (default: the same as `distributed`). */
  readonly workers?: boolean
}

export interface ConformanceOptions {
  /**
   * Fresh settings for one test (its own key prefix, stream or table names), given a test id of
   * lowercase letters and digits. For durable engines they are passed to child worker processes
   * as JSON, so keep them plain data. Short redelivery timings (a few seconds) keep the SIGKILL
   * test fast.
   */
  readonly settings: (testId: string) => unknown | Promise<unknown>
  /** Removes what one test left on the server (called after its runs stopped, also when it failed). */
  readonly cleanup?: (testId: string, settings: unknown) => Promise<void>
  readonly claims: EngineClaims
  /**
   * For durable engines: a module that registers the engine (`registerEngine`) when imported,
   * absolute path or package specifier. The kit starts real worker processes that import it and
   * kills them with SIGKILL. Built-in engines need none.
   */
  readonly worker?: { readonly module: string }
  /** Per-test timeout in ms (default 60 000; the SIGKILL test gets twice as long). */
  readonly timeoutMs?: number
}

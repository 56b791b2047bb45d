/** @module store-sql/credential-lock — a credential's refresh lock: FIFO within the process, a driver's lock across processes. */
import { CredentialLockTimeoutError, StoreUnavailableError } from '../store/store-contract.ts'

/**
 * The cross-process half, from a driver whose database other processes share (PostgreSQL). The
 * embedded driver has none: its data folder belongs to one process, so the in-process half is the
 * whole lock.
 */
export interface CrossProcessLock {
  /** Resolves once held; rejects with `CredentialLockTimeoutError` after `waitMs`. */
  acquire(lockKey: string, waitMs: number): Promise<HeldLock>
  /** Ends every lock still held or awaited (the store is closing). */
  close(): Promise<void>
}

export interface HeldLock {
  /** Aborts if the lock goes before `release`, e.g. with its database connection. */
  readonly lost: AbortSignal
  release(): Promise<void>
}

interface Waiter {
  timer: NodeJS.Timeout | undefined
  grant(): void
}

/** Per-key FIFO queues; the head of a key's queue holds it. */
export class KeyedMutex {
  readonly #queues = new Map<string, Waiter[]>()

  /** Resolves with the release function, or rejects after `waitMs` in the queue. */
  acquire(key: string, waitMs: number): Promise<() => void> {
    return new Promise((resolve, reject) => {
      let queue = this.#queues.get(key)
      if (queue === undefined) {
        queue = []
        this.#queues.set(key, queue)
      }
      const own = queue
      let released = false
      const release = (): void => {
        if (released) return
        released = true
        own.shift()
        const next = own[0]
        if (next === undefined) this.#queues.delete(key)
        else next.grant()
      }
      const waiter: Waiter = {
        timer: undefined,
        grant: () => {
          clearTimeout(waiter.timer)
          resolve(release)
        },
      }
      own.push(waiter)
      if (own.length === 1) {
        waiter.grant()
        return
      }
      waiter.timer = setTimeout(() => {
        const at = own.indexOf(waiter)
        if (at <= 0) return
        own.splice(at, 1)
        reject(
          new CredentialLockTimeoutError(
            `waited ${waitMs} ms for the refresh lock of ${key}; another refresh in this process held it`,
            'wait',
          ),
        )
      }, waitMs)
    })
  }
}

export interface CredentialLockRun {
  /** Identifies the credential within the database: the same text in every process. */
  lockKey: string
  waitMs: number
  holdMs: number
  local: KeyedMutex
  crossProcess: CrossProcessLock | undefined
}

/**
 * The in-process queue comes first, so a process keeps at most one database session per
 * credential waiting on the cross-process lock, however many of its callers want it.
 */
export async function runUnderCredentialLock<T>(
  run: CredentialLockRun,
  work: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  checkLimits(run)
  const startedAt = performance.now()
  const releaseLocal = await run.local.acquire(run.lockKey, run.waitMs)
  let held: HeldLock | undefined
  try {
    if (run.crossProcess !== undefined) {
      const remaining = Math.max(1, Math.ceil(run.waitMs - (performance.now() - startedAt)))
      held = await run.crossProcess.acquire(run.lockKey, remaining)
    }
    return await holdAtMost(run, held?.lost, work)
  } finally {
    // A failed release means the session is gone, and the database released the lock with it.
    await held?.release().catch(() => undefined)
    releaseLocal()
  }
}

function checkLimits(run: CredentialLockRun): void {
  for (const [name, value] of [
    ['waitMs', run.waitMs],
    ['holdMs', run.holdMs],
  ] as const) {
    if (!Number.isFinite(value) || value <= 0) {
      throw new RangeError(`${name} must be a positive number of milliseconds, got ${value}`)
    }
  }
}

/**
 * Settles with `work`, or earlier when the hold limit passes or the lock is lost: the caller then
 * releases the lock at once, and `work` sees its signal aborted. `work` may still finish later;
 * what it writes then is fenced by the token's version.
 */
function holdAtMost<T>(
  run: CredentialLockRun,
  lost: AbortSignal | undefined,
  work: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController()
  return new Promise<T>((resolve, reject) => {
    const stop = (error: Error): void => {
      controller.abort(error)
      reject(error)
    }
    const onLost = (): void =>
      stop(
        new StoreUnavailableError(`the refresh lock of ${run.lockKey} was lost with its session`, {
          cause: lost?.reason,
        }),
      )
    const timer = setTimeout(
      () =>
        stop(
          new CredentialLockTimeoutError(
            `the refresh under the lock of ${run.lockKey} took longer than ${run.holdMs} ms; lock released`,
            'hold',
          ),
        ),
      run.holdMs,
    )
    if (lost?.aborted === true) onLost()
    else lost?.addEventListener('abort', onLost, { once: true })
    void Promise.resolve()
      .then(() => work(controller.signal))
      .then(resolve, reject)
      .finally(() => {
        clearTimeout(timer)
        lost?.removeEventListener('abort', onLost)
      })
  })
}

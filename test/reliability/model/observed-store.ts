// Wraps the real store without changing it, to prove that no two runs of one business key ever hold live leases at once and to log every accepted write to a run.
import type { ClaimedRun, LeaseParams, Store } from '../../../src/store/store-contract.ts'

interface Lease {
  businessKey: string
  owner: string
  version: number
  until: number
}

export interface AcceptedWrite {
  method: string
  runId: string
}

const FENCED_WRITES = ['stepStart', 'stepComplete', 'stepFail'] as const
const RELEASES = ['runComplete', 'runRetry', 'runDeadLetter'] as const

export class ObservedStore {
  readonly store: Store
  readonly violations: string[] = []
  /** Writes the store accepted since the checker last drained them. */
  readonly writes: AcceptedWrite[] = []
  /** Live leases by run id, as this process saw them granted and released. */
  readonly leases = new Map<string, Lease>()
  /** Claims that returned, per worker. */
  readonly claims = new Map<string, number>()
  /** Every call made through the wrapper, reads included. */
  calls = 0
  #pending = 0

  constructor(inner: Store) {
    const wrapped = new Map<PropertyKey, unknown>([['runClaim', this.#claim(inner)]])
    for (const name of [...FENCED_WRITES, ...RELEASES]) {
      const method = inner[name].bind(inner) as (params: LeaseParams) => Promise<boolean>
      wrapped.set(name, this.#write(name, method))
    }
    this.store = new Proxy(inner, {
      get: (target, property, receiver) => {
        const value: unknown = wrapped.get(property) ?? Reflect.get(target, property, receiver)
        if (typeof value !== 'function') return value
        const method = value as (...args: unknown[]) => unknown
        return (...args: unknown[]): unknown => {
          this.calls += 1
          return method.apply(target, args)
        }
      },
    })
  }

  /** Store calls still in flight (issued through this wrapper's write and claim methods). */
  get pending(): number {
    return this.#pending
  }

  runsLeasedBy(owner: string): string[] {
    return [...this.leases].filter(([, l]) => l.owner === owner).map(([id]) => id)
  }

  #claim(inner: Store): Store['runClaim'] {
    return async (params) => {
      this.#pending += 1
      let runs: ClaimedRun[]
      try {
        runs = await inner.runClaim(params)
      } finally {
        this.#pending -= 1
      }
      for (const run of runs) {
        for (const [id, lease] of this.leases) {
          if (lease.businessKey === run.businessKey && lease.until > params.now) {
            this.violations.push(
              `run ${run.id} (${run.businessKey}) claimed by ${params.workerId} at ${params.now} while run ${id} holds a live lease (${lease.owner}, until ${lease.until})`,
            )
          }
        }
        this.leases.set(run.id, {
          businessKey: run.businessKey,
          owner: params.workerId,
          version: run.leaseVersion,
          until: params.now + params.leaseMs,
        })
      }
      this.claims.set(params.workerId, (this.claims.get(params.workerId) ?? 0) + 1)
      return runs
    }
  }

  #write(
    method: string,
    call: (params: LeaseParams) => Promise<boolean>,
  ): (params: LeaseParams) => Promise<boolean> {
    return async (params) => {
      this.#pending += 1
      try {
        const ok = await call(params)
        const lease = this.leases.get(params.runId)
        if (ok) {
          this.writes.push({ method, runId: params.runId })
          if (lease?.version !== params.leaseVersion) {
            this.violations.push(
              `${method} on run ${params.runId} accepted with lease version ${params.leaseVersion}, but the live lease is ${lease?.version ?? 'none'}`,
            )
          }
          if ((RELEASES as readonly string[]).includes(method)) this.leases.delete(params.runId)
        }
        return ok
      } finally {
        this.#pending -= 1
      }
    }
  }
}

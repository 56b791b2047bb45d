// The fake target (an in-test double of an external system): an effects ledger per (business key, version) that checks, as calls arrive, Retry-After, per-key exclusivity and stable keys.
import type { Clock } from '../../../src/clock/clock.ts'
import type { DeliverySpec } from '../../../src/engine/flow-definition.ts'
import { HubError } from '../../../src/errors/hub-error.ts'
import type { ModelReceipt, TargetMode } from '../../../src/reliability/model/delivery-model.ts'

export const TARGET = 'erp:model'

export interface TargetCall {
  kind: 'perform' | 'lookup'
  runId: string
  version: string
  by: string
  at: number
}

interface Throttle {
  businessKey: string
  runId: string
  by: string
  until: number
}

export class LedgerTarget {
  /** How every perform answers; the commands set it for one batch. */
  mode: TargetMode = { kind: 'ok' }
  /** Applications per message id (the delivery's version): the effects ledger. */
  readonly applications = new Map<string, ModelReceipt[]>()
  readonly calls: TargetCall[] = []
  /** Broken promises noticed at call time (a throw here would be taken for the target's answer). */
  readonly violations: string[] = []
  /**
   * Calls about a key by another run in a later worker while an earlier Retry-After for that key
   * was still running: allowed (the hold lives in the worker's memory), counted for the report.
   */
  otherWorkerCallsInRetryAfter = 0
  /**
   * Applications of a message older (by ingest order) than one already applied for its key: a
   * replayed dead run can do that. Per-entity version order is outside this test; counted only.
   */
  staleApplications = 0
  readonly #latest = new Map<string, number>()
  /** Runs whose perform is hanging (their worker is about to die). */
  readonly hung = new Set<string>()
  readonly #clock: Clock
  readonly #maxAttempts: number
  readonly #keys = new Map<string, string>()
  readonly #throttles: Throttle[] = []
  readonly #inFlight = new Map<string, string>()

  constructor(clock: Clock, maxAttempts: number) {
    this.#clock = clock
    this.#maxAttempts = maxAttempts
  }

  /** The worker is about to die: wait until it is stopped (the abort is how it dies). */
  async hangUntilAborted(runId: string, signal: AbortSignal): Promise<never> {
    this.hung.add(runId)
    try {
      return await new Promise<never>((_resolve, reject) => {
        const die = (): void => reject(signal.reason as Error)
        if (signal.aborted) die()
        else signal.addEventListener('abort', die, { once: true })
      })
    } finally {
      this.hung.delete(runId)
    }
  }

  count(kind: TargetCall['kind'], version: string): number {
    return this.calls.filter((c) => c.kind === kind && c.version === version).length
  }

  /** The delivery of one message's effect, as a flow at `attempt` in worker `by` sends it. */
  delivery(call: {
    runId: string
    businessKey: string
    version: string
    by: string
    attempt: number
  }): DeliverySpec<ModelReceipt> {
    const { runId, businessKey, version, by, attempt } = call
    const enter = (kind: TargetCall['kind']): void => {
      const now = this.#clock.now()
      this.calls.push({ kind, runId, version, by, at: now })
      if (attempt >= this.#maxAttempts) {
        this.violations.push(`${kind} by run ${runId} at attempt ${attempt}, past the cap`)
      }
      const other = this.#inFlight.get(businessKey)
      if (other !== undefined) {
        this.violations.push(
          `${kind} for ${businessKey} by run ${runId} while run ${other} is in flight`,
        )
      }
      this.#inFlight.set(businessKey, runId)
      for (const t of this.#throttles) {
        if (t.businessKey !== businessKey || now >= t.until) continue
        if (t.runId === runId || t.by === by) {
          this.violations.push(
            `${kind} for ${businessKey} by run ${runId} (${by}) at ${now}, before Retry-After ended at ${t.until}`,
          )
        } else {
          this.otherWorkerCallsInRetryAfter += 1
        }
      }
    }
    const leave = (): void => {
      if (this.#inFlight.get(businessKey) === runId) this.#inFlight.delete(businessKey)
    }
    const apply = (): ModelReceipt => {
      const receipt = { id: `${businessKey}@${version}`, version, appliedAt: this.#clock.now(), by }
      const list = this.applications.get(version) ?? []
      list.push(receipt)
      this.applications.set(version, list)
      if (list.length > 1) this.violations.push(`message ${version} applied ${list.length} times`)
      const sequence = Number(version.replace(/\D/g, ''))
      if ((this.#latest.get(businessKey) ?? -1) > sequence) this.staleApplications += 1
      this.#latest.set(businessKey, Math.max(sequence, this.#latest.get(businessKey) ?? -1))
      return receipt
    }
    return {
      target: TARGET,
      operation: 'order.upsert',
      businessKey,
      version,
      perform: async ({ idempotencyKey, signal }) => {
        enter('perform')
        const known = this.#keys.get(version)
        if (known !== undefined && known !== idempotencyKey) {
          this.violations.push(`message ${version} sent with two idempotency keys`)
        }
        this.#keys.set(version, idempotencyKey)
        const mode = this.mode
        try {
          switch (mode.kind) {
            case 'ok':
            case 'okThenCrash':
              return apply()
            case 'fail5xx':
              if (mode.applied) apply()
              throw HubError.retryable('503 Service Unavailable', { status: 503 })
            case 'timeoutAfterCommit':
              apply()
              throw HubError.unknownOutcome('read timeout after the request was sent')
            case 'throttle': {
              const until = this.#clock.now() + mode.retryAfterMs
              this.#throttles.push({ businessKey, runId, by, until })
              throw HubError.throttled('429 Too Many Requests', mode.retryAfterMs, { status: 429 })
            }
            case 'reject':
              throw HubError.validation('422 field "total" is invalid', { status: 422 })
            case 'hang':
              if (mode.applied) apply()
              return await this.hangUntilAborted(runId, signal)
          }
        } finally {
          leave()
        }
      },
      lookup: () => {
        enter('lookup')
        leave()
        return Promise.resolve(this.applications.get(version)?.[0] ?? null)
      },
    }
  }
}

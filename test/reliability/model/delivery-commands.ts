// The fast-check commands of the delivery model test: each one acts on the real engine and store, steps the pure model, then checks every invariant.
import fc from 'fast-check'
import {
  claimable,
  isTerminal,
  modelClaim,
  modelIngest,
  modelReplay,
  modelRestart,
  modelRunOnce,
  nextEventAt,
  type DeliveryModel,
  type ModelConfig,
  type TargetMode,
} from '../../../src/reliability/model/delivery-model.ts'
import { checkAfter, checkHealed } from './delivery-checks.ts'
import { WORKER_PREFIX, type DeliverySystem } from './delivery-system.ts'

export type DeliveryCommand = fc.AsyncCommand<DeliveryModel, DeliverySystem>

/** Commands executed, per kind, across every run of the process (for the report). */
export const executed = new Map<string, number>()
let healing = false
const count = (kind: string): void => {
  const name = healing ? `heal:${kind}` : kind
  executed.set(name, (executed.get(name) ?? 0) + 1)
}

const mismatch = (what: string, real: number, model: number): string[] =>
  real === model ? [] : [`${what}: ${real}, model says ${model}`]

export const BUSINESS_KEYS = ['order-a', 'order-b', 'order-c', 'order-d'] as const

export class IngestNew implements DeliveryCommand {
  readonly key: string
  constructor(key: string) {
    this.key = key
  }
  check = (): boolean => true
  async run(m: DeliveryModel, sys: DeliverySystem): Promise<void> {
    count('ingest')
    const messageId = `msg-${m.messages.length + 1}`
    const result = await sys.ingest(messageId, this.key)
    modelIngest(m, messageId, this.key)
    if (result.runIds[0] !== undefined) sys.runIds.push(result.runIds[0])
    const extra =
      result.inserted && result.runIds.length === 1
        ? []
        : [`ingest of new ${messageId} returned ${JSON.stringify(result)}`]
    await checkAfter(m, sys, this.toString(), { extra })
  }
  toString = (): string => `ingest(${this.key})`
}

export class IngestDuplicate implements DeliveryCommand {
  readonly pick: number
  constructor(pick: number) {
    this.pick = pick
  }
  check = (m: Readonly<DeliveryModel>): boolean => m.messages.length > 0
  async run(m: DeliveryModel, sys: DeliverySystem): Promise<void> {
    count('ingest-duplicate')
    const message = m.messages[this.pick % m.messages.length]
    if (message === undefined) throw new Error('no message to duplicate')
    const result = await sys.ingest(message.messageId, message.businessKey)
    modelIngest(m, message.messageId, message.businessKey)
    const extra =
      !result.inserted && result.runIds.length === 0
        ? []
        : [`duplicate ${message.messageId} created runs: ${JSON.stringify(result)}`]
    await checkAfter(m, sys, `${this.toString()}=${message.messageId}`, { extra })
  }
  toString = (): string => `ingest-duplicate(#${this.pick})`
}

/** target-ok / -fail / -throttle / -timeout-after-commit / -reject, then one runOnce. */
export class Deliver implements DeliveryCommand {
  readonly mode: TargetMode
  constructor(mode: TargetMode) {
    this.mode = mode
  }
  check = (): boolean => true
  async run(m: DeliveryModel, sys: DeliverySystem): Promise<void> {
    count(`target-${this.mode.kind}`)
    const claimed = await sys.runOnce(this.mode)
    const predicted = modelRunOnce(m, this.mode)
    await checkAfter(m, sys, this.toString(), {
      extra: mismatch('runs claimed', claimed, predicted.claimed),
    })
  }
  toString = (): string => `target-${JSON.stringify(this.mode)}+runOnce`
}

/** The worker dies mid-call (effect applied or not) or before completing the run; a new engine takes over, maybe after the lease. */
export class Crash implements DeliveryCommand {
  readonly mode: TargetMode
  readonly pastLease: boolean
  constructor(mode: TargetMode, pastLease: boolean) {
    this.mode = mode
    this.pastLease = pastLease
  }
  check = (): boolean => true
  async run(m: DeliveryModel, sys: DeliverySystem): Promise<void> {
    const m0 = this.mode
    count(
      `crash-${m0.kind === 'hang' ? `mid-call${m0.applied ? '-applied' : ''}` : 'before-run-complete'}`,
    )
    const real = await sys.crash(this.mode)
    const predicted = modelRunOnce(m, this.mode)
    modelRestart(m, WORKER_PREFIX)
    if (this.pastLease) {
      sys.clock.advance(m.config.leaseMs)
      m.now += m.config.leaseMs
    }
    const extra = [
      ...mismatch('runs claimed by the dying worker', real.claimed, predicted.claimed),
      ...mismatch('runs left hanging', real.hung, predicted.hung),
      ...(sys.workerId === m.worker ? [] : [`new worker ${sys.workerId}, model ${m.worker}`]),
    ]
    await checkAfter(m, sys, this.toString(), { extra })
  }
  toString = (): string => `crash(${JSON.stringify(this.mode)}, pastLease=${this.pastLease})`
}

/** A worker claims what is due and dies before doing anything. */
export class GhostClaim implements DeliveryCommand {
  check = (): boolean => true
  async run(m: DeliveryModel, sys: DeliverySystem): Promise<void> {
    count('ghost-claim')
    const claimed = await sys.ghostClaim()
    const predicted = modelClaim(m).length
    await checkAfter(m, sys, this.toString(), {
      extra: mismatch('runs claimed', claimed, predicted),
    })
  }
  toString = (): string => 'ghost-claim'
}

export class Advance implements DeliveryCommand {
  readonly ms: number
  constructor(ms: number) {
    this.ms = ms
  }
  check = (): boolean => true
  async run(m: DeliveryModel, sys: DeliverySystem): Promise<void> {
    count('advance')
    sys.clock.advance(this.ms)
    m.now += this.ms
    await checkAfter(m, sys, this.toString())
  }
  toString = (): string => `advance(${this.ms})`
}

/** Moves the clock to the next due time, lease expiry or hold end, or 1 ms short of it. */
export class AdvanceToNext implements DeliveryCommand {
  readonly delta: number
  constructor(delta: number) {
    this.delta = delta
  }
  check = (m: Readonly<DeliveryModel>): boolean => (nextEventAt(m) ?? m.now) + this.delta > m.now
  async run(m: DeliveryModel, sys: DeliverySystem): Promise<void> {
    count('advance-to-next')
    const ms = (nextEventAt(m) ?? m.now) + this.delta - m.now
    sys.clock.advance(ms)
    m.now += ms
    await checkAfter(m, sys, `${this.toString()}=${ms}`)
  }
  toString = (): string => `advance-to-next(${this.delta})`
}

export class Replay implements DeliveryCommand {
  check = (): boolean => true
  async run(m: DeliveryModel, sys: DeliverySystem): Promise<void> {
    count('replay')
    const real = await sys.replay()
    const predicted = modelReplay(m)
    await checkAfter(m, sys, this.toString(), {
      replay: true,
      extra: mismatch('runs replayed', real.replayed.length, predicted),
    })
  }
  toString = (): string => 'replay-dead'
}

const retryAfterMs = fc.integer({ min: 1, max: 5 }).map((s) => s * 1_000)

const targetMode: fc.Arbitrary<TargetMode> = fc.oneof(
  { weight: 3, arbitrary: fc.constant({ kind: 'ok' as const }) },
  { weight: 2, arbitrary: fc.boolean().map((applied) => ({ kind: 'fail5xx' as const, applied })) },
  {
    weight: 2,
    arbitrary: retryAfterMs.map((ms) => ({ kind: 'throttle' as const, retryAfterMs: ms })),
  },
  { weight: 2, arbitrary: fc.constant({ kind: 'timeoutAfterCommit' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'reject' as const }) },
)

const crashPoint: fc.Arbitrary<TargetMode> = fc.oneof(
  fc.boolean().map((applied) => ({ kind: 'hang' as const, applied })),
  fc.constant({ kind: 'okThenCrash' as const }),
)

/** One weighted arbitrary over every command. */
export const deliveryCommand: fc.Arbitrary<DeliveryCommand> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...BUSINESS_KEYS).map((k) => new IngestNew(k)) },
  { weight: 1, arbitrary: fc.nat(1_000).map((n) => new IngestDuplicate(n)) },
  { weight: 10, arbitrary: targetMode.map((mode) => new Deliver(mode)) },
  { weight: 2, arbitrary: fc.tuple(crashPoint, fc.boolean()).map(([c, p]) => new Crash(c, p)) },
  { weight: 1, arbitrary: fc.constant(new GhostClaim()) },
  {
    weight: 2,
    arbitrary: fc
      .oneof(fc.integer({ min: 1, max: 3_000 }), fc.constantFrom(10_000, 61_000))
      .map((ms) => new Advance(ms)),
  },
  { weight: 2, arbitrary: fc.constantFrom(-1, 0).map((d) => new AdvanceToNext(d)) },
  { weight: 1, arbitrary: fc.constant(new Replay()) },
)

export const modelConfig: fc.Arbitrary<ModelConfig> = fc.record({
  maxAttempts: fc.integer({ min: 2, max: 5 }),
  random: fc.constantFrom(0, 0.5, 0.999),
  leaseMs: fc.constant(10_000),
  baseDelayMs: fc.constant(500),
  maxDelayMs: fc.constant(60_000),
  throttleJitterMs: fc.constant(250),
})

/** Target healthy; run whatever is due, else move to the next event, until every run is terminal. */
export async function heal(m: DeliveryModel, sys: DeliverySystem): Promise<void> {
  healing = true
  try {
    await healLoop(m, sys)
  } finally {
    healing = false
  }
  await checkHealed(m, sys)
}

async function healLoop(m: DeliveryModel, sys: DeliverySystem): Promise<void> {
  for (let i = 0; i < 400 && !m.runs.every(isTerminal); i++) {
    if (claimable(m).length > 0) {
      await new Deliver({ kind: 'ok' }).run(m, sys)
      continue
    }
    const next = nextEventAt(m)
    if (next === undefined) {
      throw new Error('stuck: runs are not terminal and nothing will fall due')
    }
    await new Advance(next - m.now).run(m, sys)
  }
}

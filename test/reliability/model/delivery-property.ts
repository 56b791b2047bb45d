// The model-based property (campaign test 24) and its vitest suite, shared by the embedded and PostgreSQL test files: fixed seeds, verbose counterexamples, kept regression seeds.
import fc from 'fast-check'
import { afterAll, beforeAll, describe, it } from 'vitest'
import { createModel, type ModelConfig } from '../../../src/reliability/model/delivery-model.ts'
import type { Store } from '../../../src/store/store-contract.ts'
import {
  deliveryCommand,
  executed,
  heal,
  modelConfig,
  type DeliveryCommand,
} from './delivery-commands.ts'
import { DeliverySystem, START_MS, WORKER_PREFIX } from './delivery-system.ts'

export const MAX_COMMANDS = 60

export interface OpenedStore {
  store: Store
  dispose(): Promise<void>
}

interface Totals {
  runs: number
  commands: number
}

/** Model transitions reached over every run in this file (printed after the suite). */
const coverage = new Map<string, number>()
const total = (): number => [...executed.values()].reduce((a, b) => a + b, 0)

function deliveryProperty(
  store: () => Store,
  totals: Totals,
  strict: boolean,
  replayPath?: string,
) {
  const replay = replayPath === undefined ? {} : { replayPath }
  return fc.asyncProperty(
    modelConfig,
    fc.commands([deliveryCommand], { maxCommands: MAX_COMMANDS, size: 'max', ...replay }),
    async (config, commands) => {
      totals.runs += 1
      const system = new DeliverySystem(store(), config, strict)
      const model = createModel(config, START_MS, WORKER_PREFIX)
      const before = total()
      try {
        await fc.asyncModelRun(() => ({ model, real: system }), commands)
        await heal(model, system)
        const seen = {
          ...model.seen,
          'note:other-worker-call-in-retry-after': system.target.otherWorkerCallsInRetryAfter,
          'note:stale-version-applied': system.target.staleApplications,
        }
        for (const [k, n] of Object.entries(seen)) coverage.set(k, (coverage.get(k) ?? 0) + n)
      } finally {
        totals.commands += total() - before
        await system.dispose()
      }
    },
  )
}

/** Runs the property for one seed (or replays one `path` of it) and logs what it executed. */
export async function assertSeed(
  store: () => Store,
  seed: number,
  numRuns: number,
  options: { path?: string; replayPath?: string; strict?: boolean } = {},
): Promise<void> {
  const totals: Totals = { runs: 0, commands: 0 }
  const started = Date.now()
  const strict = options.strict ?? false
  await fc.assert(deliveryProperty(store, totals, strict, options.replayPath), {
    seed,
    numRuns,
    verbose: fc.VerbosityLevel.Verbose,
    // Shrinking on a real store is slow: past this, report the smallest counterexample so far.
    interruptAfterTimeLimit: 150_000,
    markInterruptAsFailure: true,
    ...(options.path === undefined ? {} : { path: options.path }),
  })
  console.info(
    `model seed=${seed}: ${totals.runs} runs, ${totals.commands} commands (incl. heal) in ${Date.now() - started} ms`,
  )
}

const list = (map: Map<string, number>): string =>
  [...map]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, n]) => `${k}=${n}`)
    .join(' ')

/** One explicit command sequence (a kept regression), then heal and the final checks. */
export async function runScenario(
  store: Store,
  config: ModelConfig,
  commands: DeliveryCommand[],
  strict = false,
): Promise<DeliverySystem> {
  const system = new DeliverySystem(store, config, strict)
  const model = createModel(config, START_MS, WORKER_PREFIX)
  try {
    await fc.asyncModelRun(() => ({ model, real: system }), commands)
    await heal(model, system)
  } finally {
    await system.dispose()
  }
  return system
}

/** One suite on one store: every seed × `numRuns` sequences, then `more` on the same store. */
export function describeDeliveryModel(
  driver: string,
  open: () => Promise<OpenedStore>,
  seeds: readonly number[],
  numRuns: number,
  more?: (store: () => Store) => void,
): void {
  describe(`delivery state machine model (${driver} store)`, () => {
    let opened: OpenedStore | undefined
    const store = (): Store => {
      if (opened === undefined) throw new Error('store not open')
      return opened.store
    }
    beforeAll(async () => {
      opened = await open()
    }, 120_000)
    afterAll(async () => {
      await opened?.dispose()
      console.info(`commands by kind: ${list(executed)}`)
      console.info(`model transitions: ${list(coverage)}`)
    })
    for (const seed of seeds) {
      it(`holds for ${numRuns} runs x <=${MAX_COMMANDS} commands, seed ${seed}`, async () => {
        await assertSeed(store, seed, numRuns)
      }, 300_000)
    }
    more?.(store)
  })
}

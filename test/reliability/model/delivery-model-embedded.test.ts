// Proves (campaign test 24) on the embedded PGlite store that the engine follows the pure delivery model after every command (exactly-once effects, no regressions, Retry-After, attempt cap, one run per key, all terminal after heal), and replays the regression corpus.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createEmbeddedStore } from '../../../src/store-embedded/embedded-store.ts'
import { describeDeliveryModel } from './delivery-property.ts'
import { registerRegressions } from './delivery-regressions.ts'

/** Fixed seeds: a PR run is reproducible, and a failure prints its seed and shrunk path. */
const SEEDS = [42, 7, 20260101] as const
const RUNS_PER_SEED = Number(process.env.MODEL_RUNS_EMBEDDED ?? 100)

describeDeliveryModel(
  'embedded',
  async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'syncline-model-'))
    const store = await createEmbeddedStore({ dataDir })
    await store.migrate()
    return {
      store,
      async dispose() {
        await store.close()
        await rm(dataDir, { recursive: true, force: true })
      },
    }
  },
  SEEDS,
  RUNS_PER_SEED,
  registerRegressions,
)

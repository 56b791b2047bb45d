/** @module store/store-conformance — the contract's test suite, run against every `Store` driver.
 *
 * A driver's test file calls `exerciseStore(name, makeStore)`. `makeStore` returns a fresh,
 * unmigrated store (its own schema or folder). The suite migrates one store for all its tests,
 * and each test works in its own tenant, which the contract guarantees is isolated.
 */
import { afterAll, beforeAll, describe } from 'vitest'
import { describeBatched } from './store-conformance-batched.ts'
import { describeCarried } from './store-conformance-carried.ts'
import { describeClaims } from './store-conformance-claims.ts'
import { describeCompensation } from './store-conformance-compensation.ts'
import { describeCredentials } from './store-conformance-credentials.ts'
import { describeEntityVersions } from './store-conformance-entity-versions.ts'
import type { ConformanceContext, MakeStore, StoreHandle } from './store-conformance-fixtures.ts'
import { describeIngest } from './store-conformance-ingest.ts'
import { describeRunLifecycle } from './store-conformance-lifecycle.ts'
import { describeQueries } from './store-conformance-queries.ts'
import { describeReconciliation } from './store-conformance-reconciliation.ts'
import { describeReplays } from './store-conformance-replays.ts'
import { describeSteps } from './store-conformance-steps.ts'
import { describeWaits } from './store-conformance-waits.ts'
import { describeWatermarks } from './store-conformance-watermarks.ts'
import type { MigrationReport, Store } from './store-contract.ts'

export type { MakeStore, StoreHandle } from './store-conformance-fixtures.ts'

export function exerciseStore(name: string, makeStore: MakeStore): void {
  describe(`Store conformance: ${name}`, () => {
    let handle: StoreHandle | undefined
    let firstMigration: MigrationReport | undefined

    beforeAll(async () => {
      handle = await makeStore()
      firstMigration = await handle.store.migrate()
    })

    afterAll(async () => {
      await handle?.cleanup()
    })

    const ctx: ConformanceContext = {
      get store(): Store {
        if (handle === undefined) throw new Error('the store was not created (see beforeAll)')
        return handle.store
      },
      makeStore,
      get firstMigration(): MigrationReport {
        if (firstMigration === undefined) throw new Error('the store was not migrated')
        return firstMigration
      },
    }

    describeIngest(ctx)
    describeClaims(ctx)
    describeRunLifecycle(ctx)
    describeSteps(ctx)
    describeCarried(ctx)
    describeBatched(ctx)
    describeWaits(ctx)
    describeEntityVersions(ctx)
    describeQueries(ctx)
    describeReplays(ctx)
    describeCompensation(ctx)
    describeCredentials(ctx)
    describeReconciliation(ctx)
    describeWatermarks(ctx)
  })
}

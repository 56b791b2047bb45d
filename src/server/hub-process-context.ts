/** @module server/hub-process-context — what the composition root hands every process binding it builds. */
import type { Logger } from 'pino'
import type { Clock } from '../clock/clock.ts'
import type { SharedTokenStore } from '../connectors/credentials/shared-token-port.ts'
import type { ConsistencyPolicies } from '../policies/index.ts'
import type { Store } from '../store/store-contract.ts'
import type { ResolvedConnections } from './hub-connections.ts'

export interface ProcessContext {
  connections: ResolvedConnections
  policies: ConsistencyPolicies
  store: Store
  sharedTokens: SharedTokenStore
  tenantId: string
  clock: Clock
  logger: Logger
}

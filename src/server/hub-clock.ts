/** @module server/hub-clock — the hub's production clock: the database's, not the host's. */
import type { Logger } from 'pino'
import { startDatabaseClock, type DatabaseClock } from '../clock/database-clock.ts'
import type { Store } from '../store/store-contract.ts'

/** A wall clock this far from the database's is worth an operator's attention. */
const SKEW_WORTH_REPORTING_MS = 1_000

/**
 * PostgreSQL: re-synced every 10 s, so every hub on the database follows its clock, including a
 * deliberate correction of it. Embedded: PGlite runs in this process and its clock_timestamp() is
 * this host's wall clock, so re-syncing would only import the very steps the clock is there to
 * ignore; it is read once at start, and a correction of the host clock reaches it at the next start.
 */
export async function startHubClock(store: Store, logger: Logger): Promise<DatabaseClock> {
  let first = true
  let reportedSkew = 0
  return startDatabaseClock({
    readTime: () => store.databaseTime(),
    resyncMs: store.driver === 'postgres' ? 10_000 : 0,
    onSync: (sample) => {
      const fields = {
        offsetMs: Math.round(sample.offsetMs),
        roundTripMs: Math.round(sample.roundTripMs * 10) / 10,
        stepMs: Math.round(sample.stepMs),
        wallSkewMs: Math.round(sample.wallSkewMs),
      }
      if (first) {
        first = false
        logger.info(fields, 'clock: following the database server')
      } else if (!sample.accepted) {
        logger.debug(fields, 'database clock sample discarded (slow round trip)')
      } else if (Math.abs(sample.stepMs) >= SKEW_WORTH_REPORTING_MS) {
        logger.warn(fields, 'the database clock stepped; the hub follows it')
      }
      // Once per change, not every 10 s while the host stays wrong.
      if (Math.abs(sample.wallSkewMs - reportedSkew) >= SKEW_WORTH_REPORTING_MS) {
        reportedSkew = sample.wallSkewMs
        logger.warn(
          fields,
          Math.abs(sample.wallSkewMs) >= SKEW_WORTH_REPORTING_MS
            ? "this host's wall clock disagrees with the database's; leases and retries follow the database"
            : "this host's wall clock agrees with the database's again",
        )
      }
    },
    onError: (error) =>
      logger.warn({ err: error }, 'database clock re-sync failed; keeping the last offset'),
  })
}

/** @module test/support/postgres-availability — decides whether PostgreSQL-backed tests run, skip or fail. */
import pg from 'pg'
import { describe, it } from 'vitest'

export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test'

export function databaseUrl(): string {
  return process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL
}

export type PostgresProbe =
  { available: true; url: string } | { available: false; url: string; reason: string }

/** One connection attempt with a short timeout; never throws. */
export async function probePostgres(
  url = databaseUrl(),
  timeoutMs = 3_000,
): Promise<PostgresProbe> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs })
  // A socket error after connect must not crash the test process.
  client.on('error', () => undefined)
  try {
    await client.connect()
    await client.query('select 1')
    return { available: true, url }
  } catch (error) {
    const reason =
      error instanceof Error ? `${error.name}: ${error.message || String(error)}` : String(error)
    return { available: false, url, reason }
  } finally {
    await client.end().catch(() => undefined)
  }
}

/** The URL without its password, for messages. */
function redacted(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@')
}

/**
 * Call at the top level of a test file (with top-level await). Returns the URL when PostgreSQL is
 * reachable. Otherwise, with SYNCLINE_REQUIRE_SERVICES=1 it registers a failing test (CI must not
 * go green without the database); without it, it warns loudly and returns undefined so the caller
 * skips its suites.
 */
export async function postgresForTests(suite: string): Promise<string | undefined> {
  const probe = await probePostgres()
  if (probe.available) return probe.url
  const why = `PostgreSQL at ${redacted(probe.url)} is unreachable (${probe.reason})`
  if (process.env.SYNCLINE_REQUIRE_SERVICES === '1') {
    describe(suite, () => {
      it('needs PostgreSQL (SYNCLINE_REQUIRE_SERVICES=1)', () => {
        throw new Error(`${why}. Start PostgreSQL or set DATABASE_URL.`)
      })
    })
    return undefined
  }
  console.warn(
    `\n*** PostgreSQL tests SKIPPED: ${suite}. ${why}. Set DATABASE_URL, or set ` +
      'SYNCLINE_REQUIRE_SERVICES=1 to make this a failure. ***\n',
  )
  return undefined
}

// What campaign test 27 measures: re-claims of live leases (a trigger in the test's throwaway
// database), overlapping calls for one key at the target, retry arrivals per window, overdue
// retries, and stored times that did not come from the database's clock.
import type { RequestLogEntry } from '../../../src/sandbox/kit/request-log.ts'
import { adminQuery } from './campaign-kit.ts'

/**
 * Records every claim of a run that was still `running`: in a test that kills nothing, its holder
 * was alive, so each row is a double claim. Installed after the hub migrated the schema.
 */
export async function installReclaimRecorder(databaseUrl: string): Promise<void> {
  await adminQuery(
    databaseUrl,
    `create table t27_reclaims (
       run_id bigint, old_owner text, new_owner text, old_lease_expires_at bigint, at_ms float8
     );
     create function t27_note_reclaim() returns trigger language plpgsql as $$
     begin
       if old.state = 'running' and new.state = 'running'
          and new.lease_version <> old.lease_version then
         insert into t27_reclaims values (new.id, old.lease_owner, new.lease_owner,
           old.lease_expires_at, extract(epoch from clock_timestamp()) * 1000);
       end if;
       return new;
     end $$;
     create trigger t27_reclaims after update on flow_runs
       for each row execute function t27_note_reclaim();`,
  )
}

export async function reclaims(
  databaseUrl: string,
): Promise<{ runId: string; oldOwner: string; newOwner: string }[]> {
  const rows = await adminQuery(
    databaseUrl,
    'select run_id::text, old_owner, new_owner from t27_reclaims order by at_ms',
  )
  return rows.rows.map((r: { run_id: string; old_owner: string; new_owner: string }) => ({
    runId: r.run_id,
    oldOwner: r.old_owner,
    newOwner: r.new_owner,
  }))
}

const keyOf = (r: RequestLogEntry): string => `${r.recordType ?? ''}:${r.businessKey ?? ''}`

/**
 * When retries reached the target: a write for a record key that an earlier write of the same key
 * failed with an injected fault. (A key's first write, and a customer found already there, are
 * not retries.)
 */
export function retryArrivals(requests: readonly RequestLogEntry[]): number[] {
  const failed = new Set<string>()
  const arrivals: number[] = []
  for (const r of [...requests].sort((a, b) => a.seq - b.seq)) {
    if (r.method === 'GET' || r.businessKey === null) continue
    const key = keyOf(r)
    if (failed.has(key)) arrivals.push(Date.parse(r.startedAt))
    if (r.fault !== 'none') failed.add(key)
  }
  return arrivals
}

/**
 * Sales-order keys with two writes in flight at once: two workers driving one run. Writes only,
 * so the check does not hinge on when the server logs a response's end relative to a read the
 * same worker sends right after it; one run's writes of a key are always a failure and a retry
 * apart.
 */
export function overlappingKeys(requests: readonly RequestLogEntry[]): string[] {
  const byKey = new Map<string, RequestLogEntry[]>()
  for (const r of requests) {
    if (r.recordType !== 'salesOrder' || r.businessKey === null || r.method === 'GET') continue
    byKey.set(r.businessKey, [...(byKey.get(r.businessKey) ?? []), r])
  }
  const overlapping: string[] = []
  for (const [key, list] of byKey) {
    const sorted = list.sort((a, b) => Date.parse(a.startedAt) - Date.parse(b.startedAt))
    let openUntil = -Infinity
    for (const r of sorted) {
      if (Date.parse(r.startedAt) < openUntil) {
        overlapping.push(key)
        break
      }
      openUntil = Math.max(openUntil, r.endedAt === null ? Infinity : Date.parse(r.endedAt))
    }
  }
  return overlapping
}

/** Counts of `times` in consecutive windows of `windowMs` from `from`, up to `to`. */
export function windowCounts(times: readonly number[], from: number, to: number, windowMs: number) {
  const counts: number[] = []
  for (let start = from; start + windowMs <= to; start += windowMs) {
    counts.push(times.filter((t) => t >= start && t < start + windowMs).length)
  }
  return counts
}

/**
 * Polls for retries left waiting past their time by more than `slackMs`, by the database's clock:
 * a stalled schedule. Returns the worst seen when stopped.
 */
export function watchOverdueRetries(databaseUrl: string, slackMs: number) {
  let worst = { count: 0, lateMs: 0 }
  let running = true
  const poll = async (): Promise<void> => {
    while (running) {
      const rows = await adminQuery(
        databaseUrl,
        `select count(*)::int as n,
                coalesce(max(extract(epoch from clock_timestamp()) * 1000 - next_run_at), 0)::float8
                  as late
         from flow_runs
         where state = 'retrying'
           and next_run_at < extract(epoch from clock_timestamp()) * 1000 - ${slackMs}`,
      ).catch(() => undefined)
      const row = rows?.rows[0] as { n: number; late: number } | undefined
      if (row) {
        worst = {
          count: Math.max(worst.count, row.n),
          lateMs: Math.max(worst.lateMs, Math.round(row.late)),
        }
      }
      await new Promise((r) => setTimeout(r, 1_000))
    }
  }
  const done = poll()
  return {
    async stop(): Promise<{ count: number; lateMs: number }> {
      running = false
      await done
      return worst
    },
  }
}

/**
 * Stored times outside [from, to] by the test's clock, which on this host is the database's: a
 * hub that stamped its own stepped wall clock would leave them an hour or a day off.
 */
export async function timesOffTheDatabaseClock(
  databaseUrl: string,
  from: number,
  to: number,
): Promise<number> {
  const rows = await adminQuery(
    databaseUrl,
    `select
       (select count(*) from inbox_messages
          where received_at not between ${from} and ${to})
     + (select count(*) from flow_runs
          where created_at not between ${from} and ${to}
             or updated_at not between ${from} and ${to}
             or next_run_at not between ${from} and ${to}
             or coalesce(completed_at, ${from}) not between ${from} and ${to}) as n`,
  )
  return Number((rows.rows[0] as { n: string }).n)
}

// Faults of the real PostgreSQL server for campaign test 5: a crash-like restart, a frozen server
// (SIGSTOP of the postmaster and every backend) and terminated connections. They act on the
// machine's one cluster, which is why the campaign runs its files one at a time.
import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import pg from 'pg'

const CLUSTER_ROOT = '/etc/postgresql'

function cluster(): { version: string; name: string } {
  const version = readdirSync(CLUSTER_ROOT).sort().at(-1)
  if (version === undefined) throw new Error(`no PostgreSQL cluster under ${CLUSTER_ROOT}`)
  return { version, name: 'main' }
}

function postmasterPid(): number {
  const { version, name } = cluster()
  const file = `/var/lib/postgresql/${version}/${name}/postmaster.pid`
  const pid = Number(readFileSync(file, 'utf8').split('\n')[0])
  if (!Number.isInteger(pid) || pid <= 0) throw new Error(`no postmaster pid in ${file}`)
  return pid
}

/** `pg_ctlcluster … restart -m immediate`: the server dies without a checkpoint, as in a crash. */
export function restartImmediate(): void {
  const { version, name } = cluster()
  execFileSync(
    'pg_ctlcluster',
    ['--skip-systemctl-redirect', version, name, 'restart', '-m', 'immediate'],
    { stdio: 'pipe', timeout: 60_000 },
  )
}

/** SIGSTOP of the postmaster and all its children; returns the function that resumes them. */
export function freezeServer(): () => void {
  const postmaster = postmasterPid()
  const children = execFileSync('pgrep', ['-P', String(postmaster)], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map(Number)
  // The postmaster first, so it starts no new backend that would escape the freeze.
  process.kill(postmaster, 'SIGSTOP')
  for (const pid of children) process.kill(pid, 'SIGSTOP')
  return () => {
    for (const pid of children) {
      try {
        process.kill(pid, 'SIGCONT')
      } catch {
        // A backend may have gone; nothing to resume.
      }
    }
    process.kill(postmaster, 'SIGCONT')
  }
}

/** Terminates every connection to `database` from the hub (application_name syncline). */
export async function terminateHubConnections(adminUrl: string, database: string): Promise<number> {
  const client = new pg.Client({ connectionString: adminUrl })
  await client.connect()
  try {
    const result = await client.query<{ ok: boolean }>(
      `select pg_terminate_backend(pid) as ok from pg_stat_activity
        where datname = $1 and application_name = 'syncline' and pid <> pg_backend_pid()`,
      [database],
    )
    return result.rows.filter((r) => r.ok).length
  } finally {
    await client.end()
  }
}

/** Resolves when a new connection can run a query, with the time that took. */
export async function waitForServer(adminUrl: string, timeoutMs = 60_000): Promise<number> {
  const started = Date.now()
  for (;;) {
    const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 1_000 })
    client.on('error', () => undefined)
    try {
      await client.connect()
      await client.query('select 1')
      return Date.now() - started
    } catch (error) {
      if (Date.now() - started > timeoutMs) throw error
      await new Promise((r) => setTimeout(r, 100))
    } finally {
      await client.end().catch(() => undefined)
    }
  }
}

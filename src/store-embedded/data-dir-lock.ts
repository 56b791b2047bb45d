/** @module store-embedded/data-dir-lock — one process per embedded data folder, enforced before PGlite opens it. */
import { randomUUID } from 'node:crypto'
import { constants } from 'node:fs'
import { copyFile, link, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises'
import { hostname } from 'node:os'
import { join, resolve } from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'
import { StoreLockedError } from '../store/store-contract.ts'

export const LOCK_FILE_NAME = 'syncline.lock'

export interface DataDirLock {
  readonly path: string
  release(): Promise<void>
}

interface LockOwner {
  pid: number
  since: string
  hostname: string
  /** Tells our own lock apart from a later one by the same pid. */
  token: string
}

/**
 * Tokens of the lock and takeover files this process has written and not yet given up. A pid is
 * reused across container restarts (often pid 1), so a file naming our own pid proves nothing by
 * itself. The holder's hostname is not used to judge liveness either: a re-created container gets
 * a new hostname on the same volume, and refusing to start after every crash there would be worse
 * than the rare folder shared between hosts.
 */
const liveTokens = new Set<string>()

/** How long racing openers may take to settle who holds the folder before we give up. */
const SETTLE_MS = 3_000
const RETRY_MS = 20
/** Only the no-hard-link fallback can expose a half-written file; give its writer this long. */
const WRITE_GRACE_MS = 2_000

function errnoOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code
  return typeof code === 'string' ? code : undefined
}

/**
 * Creates `target` with the draft's complete content, failing if it exists. A hard link is atomic,
 * so no reader ever sees an empty lock; filesystems without hard links get an exclusive copy.
 */
async function createExclusive(draft: string, target: string): Promise<boolean> {
  try {
    await link(draft, target)
    return true
  } catch (error) {
    const code = errnoOf(error)
    if (code === 'EEXIST') return false
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS' && code !== 'EXDEV') throw error
  }
  try {
    await copyFile(draft, target, constants.COPYFILE_EXCL)
    return true
  } catch (error) {
    if (errnoOf(error) === 'EEXIST') return false
    throw error
  }
}

async function readOwner(
  lockPath: string,
): Promise<{ raw: string; owner: LockOwner | undefined } | undefined> {
  let raw: string
  try {
    raw = await readFile(lockPath, 'utf8')
  } catch (error) {
    if (errnoOf(error) === 'ENOENT') return undefined
    throw error
  }
  try {
    const parsed = JSON.parse(raw) as Partial<LockOwner>
    if (typeof parsed.pid === 'number' && typeof parsed.token === 'string') {
      return {
        raw,
        owner: {
          pid: parsed.pid,
          since: String(parsed.since),
          hostname: String(parsed.hostname),
          token: parsed.token,
        },
      }
    }
  } catch {
    // Unreadable content is judged below, by age.
  }
  return { raw, owner: undefined }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    // EPERM: the process exists but belongs to another user; it still holds the folder.
    return errnoOf(error) !== 'ESRCH'
  }
}

function lockedError(dir: string, lockPath: string, owner: LockOwner): StoreLockedError {
  const elsewhere = owner.hostname !== hostname()
  return new StoreLockedError(
    `The data folder ${dir} is in use by process ${owner.pid}` +
      (elsewhere ? ` on host ${owner.hostname}` : '') +
      `, which has held it since ${owner.since}. Stop that process, or start this one with another ` +
      `--data-dir. If no Syncline process with pid ${owner.pid} is running` +
      (elsewhere ? ` on ${owner.hostname}` : '') +
      `, delete ${lockPath}.`,
    owner.pid,
  )
}

/** 'unsettled': unreadable content young enough to be a write still in progress. */
function judge(
  path: string,
  file: { owner: LockOwner | undefined },
  mtimeMs: number,
): 'held' | 'stale' | 'unsettled' {
  const { owner } = file
  if (owner === undefined) return Date.now() - mtimeMs < WRITE_GRACE_MS ? 'unsettled' : 'stale'
  const alive = owner.pid === process.pid ? liveTokens.has(owner.token) : isAlive(owner.pid)
  return alive ? 'held' : 'stale'
}

async function mtimeOf(path: string): Promise<number> {
  return (await stat(path).catch(() => ({ mtimeMs: 0 }))).mtimeMs
}

/**
 * Deletes a file only if it still has the content we judged stale. The rename makes the file ours
 * alone before we look at it; if it turns out to be a fresh one, it is put back.
 */
async function removeIfUnchanged(path: string, staleRaw: string): Promise<void> {
  const aside = `${path}.stale-${process.pid}-${randomUUID()}`
  try {
    await rename(path, aside)
  } catch (error) {
    if (errnoOf(error) === 'ENOENT') return
    throw error
  }
  try {
    if ((await readFile(aside, 'utf8')) !== staleRaw) await createExclusive(aside, path)
  } finally {
    await rm(aside, { force: true })
  }
}

/**
 * Deleting a stale lock races with other openers: one of them may delete a lock another has just
 * created. So deletion happens only under a second, short-lived takeover file. While it is held,
 * nobody else deletes the lock, and nobody can create the lock while the stale one exists, so a
 * lock that still has the stale content can be deleted without harming anyone.
 */
async function takeOverStale(draft: string, lockPath: string, staleRaw: string): Promise<void> {
  const guardPath = `${lockPath}.takeover`
  if (!(await createExclusive(draft, guardPath))) {
    const guard = await readOwner(guardPath)
    // A takeover file outlives its holder only if that process died mid-takeover.
    if (guard !== undefined && judge(guardPath, guard, await mtimeOf(guardPath)) === 'stale') {
      await removeIfUnchanged(guardPath, guard.raw)
    } else {
      await delay(RETRY_MS)
    }
    return
  }
  try {
    const again = await readOwner(lockPath)
    if (again?.raw === staleRaw) await rm(lockPath, { force: true })
  } finally {
    await rm(guardPath, { force: true })
  }
}

/** Takes the folder's lock or fails at once with `StoreLockedError`; a dead holder's lock is taken over. */
export async function acquireDataDirLock(dataDir: string): Promise<DataDirLock> {
  const dir = resolve(dataDir)
  await mkdir(dir, { recursive: true })
  const lockPath = join(dir, LOCK_FILE_NAME)
  const mine: LockOwner = {
    pid: process.pid,
    since: new Date().toISOString(),
    hostname: hostname(),
    token: randomUUID(),
  }
  const draft = `${lockPath}.${process.pid}-${mine.token}.tmp`
  await writeFile(draft, `${JSON.stringify(mine)}\n`, { flag: 'wx' })
  const deadline = Date.now() + SETTLE_MS
  // Registered before the first attempt: a racing opener in this process may read our new lock
  // before this function resumes, and must see it as held.
  liveTokens.add(mine.token)
  let won = false
  try {
    while (Date.now() < deadline) {
      if (await createExclusive(draft, lockPath)) {
        won = true
        return lockHandle(lockPath, mine.token)
      }
      const current = await readOwner(lockPath)
      if (current === undefined) continue
      const verdict = judge(lockPath, current, await mtimeOf(lockPath))
      if (verdict === 'held' && current.owner !== undefined) {
        throw lockedError(dir, lockPath, current.owner)
      }
      if (verdict === 'unsettled') await delay(RETRY_MS)
      else await takeOverStale(draft, lockPath, current.raw)
    }
    throw new Error(
      `could not take ${lockPath} within ${SETTLE_MS} ms: other processes kept taking and ` +
        'releasing it. If no Syncline process uses this folder, delete the file.',
    )
  } finally {
    if (!won) liveTokens.delete(mine.token)
    await rm(draft, { force: true })
  }
}

function lockHandle(lockPath: string, token: string): DataDirLock {
  let released = false
  return {
    path: lockPath,
    async release() {
      if (released) return
      released = true
      try {
        const current = await readOwner(lockPath)
        // Delete only our own lock: never one another process took over after ours went stale.
        if (current?.owner?.token === token) await rm(lockPath, { force: true })
      } finally {
        // Only now: until the file is gone, openers in this process must see it as held.
        liveTokens.delete(token)
      }
    },
  }
}

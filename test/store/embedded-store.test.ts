/** @module test/store/embedded-store — the conformance suite and driver specifics against PGlite. */
import { spawn } from 'node:child_process'
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { acquireDataDirLock, LOCK_FILE_NAME } from '../../src/store-embedded/data-dir-lock.ts'
import { createEmbeddedStore } from '../../src/store-embedded/embedded-store.ts'
import { exerciseStore } from '../../src/store/store-conformance.ts'
import { StoreLockedError, type InboxIngestParams } from '../../src/store/store-contract.ts'

const folders: string[] = []
async function newFolder(): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), 'syncline-embedded-'))
  folders.push(folder)
  return folder
}

afterAll(async () => {
  for (const folder of folders) await rm(folder, { recursive: true, force: true })
})

const message: InboxIngestParams = {
  tenantId: 'acme',
  sourceSystem: 'shopify',
  sourceMessageId: 'webhook-1',
  connection: 'shop',
  topic: 'orders/create',
  payload: '{"id":9007199254740993123}',
  headers: { 'x-shopify-topic': 'orders/create' },
  receivedAt: Date.parse('2026-01-01T00:00:00Z'),
  triggeredAt: null,
  runs: [{ flowName: 'order-sync', businessKey: 'order-1' }],
}

exerciseStore('embedded', async () => {
  const dataDir = await newFolder()
  const store = await createEmbeddedStore({ dataDir })
  return { store, cleanup: () => store.close() }
})

describe('embedded store specifics', () => {
  it('refuses a second store on the same folder at once, naming the holder', async () => {
    const dataDir = await newFolder()
    const store = await createEmbeddedStore({ dataDir })
    try {
      const started = Date.now()
      const error: unknown = await createEmbeddedStore({ dataDir }).then(
        async (second) => {
          await second.close()
          return undefined
        },
        (e: unknown) => e,
      )
      expect(Date.now() - started).toBeLessThan(1_000)
      expect(error).toBeInstanceOf(StoreLockedError)
      expect((error as StoreLockedError).holderPid).toBe(process.pid)
      expect((error as Error).message).toContain(`process ${process.pid}`)
      expect((error as Error).message).toMatch(/since .*Stop that process.*--data-dir/s)
    } finally {
      await store.close()
    }
  })

  it('keeps data across close and reopen, and reports durability with the embedded caveat', async () => {
    const dataDir = await newFolder()
    const first = await createEmbeddedStore({ dataDir })
    await first.migrate()
    const ingested = await first.inboxIngest(message)
    const report = await first.durabilityCheck()
    expect(report.ok).toBe(true)
    expect(report.problems).toEqual([])
    expect(report.notes?.join(' ')).toMatch(/survives a crash .* not a power loss/)
    await first.close()
    await first.close()

    const second = await createEmbeddedStore({ dataDir })
    try {
      expect((await second.migrate()).applied).toEqual([])
      expect(await second.inboxIngest(message)).toEqual({
        inserted: false,
        inboxId: ingested.inboxId,
        runIds: [],
      })
    } finally {
      await second.close()
    }
  })

  it('takes over a lock left by a process that no longer exists', async () => {
    const dataDir = await newFolder()
    const deadPid = await exitedPid()
    const stale = { pid: deadPid, since: '2025-12-31T00:00:00.000Z', hostname: 'old', token: 'x' }
    await writeFile(join(dataDir, LOCK_FILE_NAME), JSON.stringify(stale))
    const store = await createEmbeddedStore({ dataDir })
    await store.close()
  })

  it('lets exactly one of several racing openers take over a stale lock', async () => {
    const dataDir = await newFolder()
    const stale = { pid: await exitedPid(), since: 'then', hostname: 'old', token: 'stale' }
    const lockPath = join(dataDir, LOCK_FILE_NAME)
    await writeFile(lockPath, JSON.stringify(stale))
    const attempts = await Promise.allSettled(
      Array.from({ length: 6 }, () => acquireDataDirLock(dataDir)),
    )
    const winners = attempts.filter((a) => a.status === 'fulfilled')
    expect(winners).toHaveLength(1)
    for (const attempt of attempts) {
      if (attempt.status === 'rejected') expect(attempt.reason).toBeInstanceOf(StoreLockedError)
    }
    const held = JSON.parse(await readFile(lockPath, 'utf8')) as { pid: number }
    expect(held.pid).toBe(process.pid)
    await winners[0]?.value.release()
    expect(await readdir(dataDir)).toEqual([])
  })

  it('keeps committed data when the process is killed with SIGKILL', async () => {
    const dataDir = await newFolder()
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', CHILD_SCRIPT, EMBEDDED_MODULE, dataDir],
      { cwd: fileURLToPath(new URL('../../', import.meta.url)), stdio: ['ignore', 'pipe', 'pipe'] },
    )
    const exited = new Promise<NodeJS.Signals | null>((resolve) => {
      child.on('exit', (_code, signal) => resolve(signal))
    })
    try {
      const committed = JSON.parse(await firstLine(child.stdout, child.stderr)) as {
        runIds: string[]
      }

      const locked: unknown = await createEmbeddedStore({ dataDir }).catch((e: unknown) => e)
      expect(locked).toBeInstanceOf(StoreLockedError)
      expect((locked as StoreLockedError).holderPid).toBe(child.pid)

      child.kill('SIGKILL')
      expect(await exited).toBe('SIGKILL')
      const store = await createEmbeddedStore({ dataDir })
      try {
        const runId = committed.runIds[0] ?? ''
        expect(await store.runGet({ tenantId: 'acme', runId })).toMatchObject({
          state: 'pending',
          businessKey: 'order-1',
        })
        expect((await store.inboxIngest(message)).inserted).toBe(false)
      } finally {
        await store.close()
      }
    } finally {
      child.kill('SIGKILL')
    }
  })
})

const EMBEDDED_MODULE = fileURLToPath(
  new URL('../../src/store-embedded/embedded-store.ts', import.meta.url),
)

/** Commits through the embedded store, reports the result, then hangs until killed. */
const CHILD_SCRIPT = `
const [modulePath, dataDir] = process.argv.slice(1)
const { pathToFileURL } = await import('node:url')
const { createEmbeddedStore } = await import(pathToFileURL(modulePath).href)
const store = await createEmbeddedStore({ dataDir })
await store.migrate()
const result = await store.inboxIngest(${JSON.stringify(message)})
process.stdout.write(JSON.stringify(result) + '\\n')
setInterval(() => {}, 60_000)
`

function firstLine(stdout: NodeJS.ReadableStream, stderr: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = ''
    let err = ''
    stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString()
    })
    stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString()
      const end = out.indexOf('\n')
      if (end >= 0) resolve(out.slice(0, end))
    })
    stdout.on('end', () => reject(new Error(`child ended without output: ${err}`)))
  })
}

/** The pid of a process that has already exited, so it is certainly not alive. */
async function exitedPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' })
  await new Promise((resolve) => child.on('exit', resolve))
  if (child.pid === undefined) throw new Error('could not spawn a short-lived process')
  return child.pid
}

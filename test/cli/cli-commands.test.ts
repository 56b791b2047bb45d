/** @module test/cli/cli-commands.test — `syncline runs` and `syncline dlq` run as a user runs them. */
import { createServer } from 'node:net'
import type { AddressInfo } from 'node:net'
import { describe, expect, it } from 'vitest'
import type { RunRecord } from '../../src/store/store-contract.ts'
import { cannedHubPerTest } from './canned-hub-server.ts'
import { syncline } from './cli-child-process.ts'
import { deadLetter, run, step } from './hub-records-fixture.ts'

const cannedHub = cannedHubPerTest()

describe('syncline runs', () => {
  it('prints runs as a table, passing the filters as query parameters', async () => {
    const { url, requests } = await cannedHub({
      'GET /api/v1/runs': () => ({
        body: {
          runs: [
            run('12', {
              state: 'retrying',
              attempt: 2,
              lastError: { type: 'retryable', message: 'NetSuite answered 503', status: 503 },
            }),
            run('11'),
          ],
        },
      }),
    })
    const result = await syncline([
      'runs',
      '--hub',
      url,
      '--state',
      'retrying',
      '--business-key',
      'shopify:order:12',
      '--flow',
      'order-to-netsuite',
      '--limit',
      '5',
    ])
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    const lines = result.stdout.trimEnd().split('\n')
    expect(lines[0]).toMatch(
      /^RUN\s+FLOW\s+BUSINESS KEY\s+STATE\s+ATTEMPTS\s+UPDATED\s+LAST ERROR$/,
    )
    expect(lines[1]).toMatch(
      /^12\s+order-to-netsuite\s+shopify:order:12\s+retrying\s+2\s+2026-01-01 09:30:01Z\s+retryable: NetSuite answered 503$/,
    )
    expect(lines[2]).toMatch(/^11\s+order-to-netsuite\s+shopify:order:11\s+completed\s+0\s+.*-$/)
    expect(requests[0]?.query).toEqual({
      state: 'retrying',
      businessKey: 'shopify:order:12',
      flow: 'order-to-netsuite',
      limit: '5',
    })
  })

  it('prints JSON with --json and reads the hub URL from SYNCLINE_HUB_URL', async () => {
    const { url } = await cannedHub({ 'GET /api/v1/runs': () => ({ body: { runs: [run('11')] } }) })
    const result = await syncline(['runs', '--json'], { SYNCLINE_HUB_URL: url })
    expect(result.code).toBe(0)
    expect((JSON.parse(result.stdout) as RunRecord[])[0]?.id).toBe('11')
  })

  it('shows one run with its steps, --hub before or after `show`', async () => {
    const { url, requests } = await cannedHub({
      'GET /api/v1/runs/7': () => ({
        body: {
          ...run('7', {
            state: 'dead',
            attempt: 1,
            completedAt: null,
            lastError: {
              type: 'validation',
              message: 'item SKU-9 does not exist',
              code: 'INVALID_KEY_OR_REF',
            },
          }),
          steps: [
            step('map-order', {
              kind: 'local',
              target: null,
              operation: null,
              idempotencyKey: null,
            }),
            step('create-sales-order', {
              state: 'failed',
              attempts: 1,
              lastError: {
                type: 'validation',
                message: 'item SKU-9 does not exist',
                code: 'INVALID_KEY_OR_REF',
              },
            }),
          ],
        },
      }),
    })
    for (const args of [
      ['runs', 'show', '7', '--hub', url],
      ['runs', '--hub', url, 'show', '7'],
    ]) {
      const result = await syncline(args)
      expect(result.stderr).toBe('')
      const out = result.stdout
      expect(out).toContain('run 7 · order-to-netsuite · shopify:order:7')
      expect(out).toContain('last error: validation INVALID_KEY_OR_REF: item SKU-9 does not exist')
      expect(out).toMatch(/STEP\s+KIND\s+STATE\s+ATTEMPTS\s+TARGET\s+ERROR/)
      expect(out).toMatch(/map-order\s+local\s+completed\s+1\s+-\s+-/)
      expect(out).toMatch(
        /create-sales-order\s+delivery\s+failed\s+1\s+netsuite createSalesOrder\s+validation INVALID_KEY_OR_REF/,
      )
    }
    expect(requests.map((r) => r.path)).toEqual(['/api/v1/runs/7', '/api/v1/runs/7'])
  })

  it('prints the server message for a 4xx and exits 1', async () => {
    const { url } = await cannedHub({})
    const result = await syncline(['runs', 'show', '404', '--hub', url])
    expect(result.code).toBe(1)
    expect(result.stderr).toBe('syncline: no route GET /api/v1/runs/404 (HTTP 404)\n')
  })

  it('rejects bad options before calling the hub', async () => {
    const { url, requests } = await cannedHub({})
    const badLimit = await syncline(['runs', '--hub', url, '--limit', '0'])
    expect(badLimit.code).toBe(1)
    expect(badLimit.stderr).toContain('must be an integer from 1 to 500')
    const badState = await syncline(['runs', '--hub', url, '--state', 'sleeping'])
    expect(badState.stderr).toContain(
      'must be one of pending, running, retrying, waiting, completed, dead',
    )
    expect(requests).toHaveLength(0)
  })
})

describe('syncline dlq', () => {
  it('lists dead letters as a table', async () => {
    const { url } = await cannedHub({
      'GET /api/v1/dlq': () => ({ body: { deadLetters: [deadLetter(3)] } }),
    })
    const result = await syncline(['dlq', 'list', '--hub', url])
    expect(result.code).toBe(0)
    const [header, row] = result.stdout.split('\n')
    expect(header).toMatch(/^RUN\s+FLOW\s+BUSINESS KEY\s+REASON\s+ATTEMPTS\s+DEAD AT\s+REPLAYED$/)
    expect(row).toMatch(
      /^3\s+order-to-netsuite\s+shopify:order:3\s+validation: item SKU-9 does not exist in NetSuite\s+1\s+2026-01-01 09:30:00Z\s+-$/,
    )
  })

  it('replays the given ids and reports ids that were not dead', async () => {
    const { url, requests } = await cannedHub({
      'POST /api/v1/dlq/replay': (request) => ({
        body: {
          replayed: (request.body as { runIds: string[] }).runIds.filter((id) => id !== '9'),
        },
      }),
    })
    const result = await syncline(['dlq', 'replay', '3', '4', '9', '3', '--hub', url])
    expect(result.code).toBe(0)
    expect(requests[0]?.body).toEqual({ runIds: ['3', '4', '9'] })
    expect(result.stdout).toBe(
      'replayed 3/3\nreplayed 2 of 3 run(s)\nnot dead-lettered (unknown or already replayed): 9\n',
    )
  })

  it('replays --all in chunks of 100 with a progress line per chunk when not on a terminal', async () => {
    const letters = Array.from({ length: 250 }, (_, i) => deadLetter(i + 1))
    const { url, requests } = await cannedHub({
      'GET /api/v1/dlq': () => ({ body: { deadLetters: letters } }),
      'POST /api/v1/dlq/replay': (request) => ({
        body: { replayed: (request.body as { runIds: string[] }).runIds },
      }),
    })
    const result = await syncline(['dlq', 'replay', '--all', '--hub', url])
    expect(result.stderr).toBe('')
    expect(result.stdout).toBe(
      'replayed 100/250\nreplayed 200/250\nreplayed 250/250\nreplayed 250 of 250 run(s)\n',
    )
    expect(requests[0]).toMatchObject({ method: 'GET', query: { limit: '500' } })
    const posts = requests.filter((r) => r.method === 'POST')
    expect(posts.map((r) => (r.body as { runIds: string[] }).runIds.length)).toEqual([100, 100, 50])
  })

  it('says how far a replay got when the hub fails midway', async () => {
    let calls = 0
    const { url } = await cannedHub({
      'POST /api/v1/dlq/replay': (request) => {
        calls += 1
        return calls === 1
          ? { body: { replayed: (request.body as { runIds: string[] }).runIds } }
          : {
              status: 503,
              body: { error: 'store_unavailable', message: 'the store is unavailable' },
            }
      },
    })
    const ids = Array.from({ length: 150 }, (_, i) => String(i + 1))
    const result = await syncline(['dlq', 'replay', ...ids, '--hub', url])
    expect(result.code).toBe(1)
    expect(result.stdout).toBe('replayed 100/150\n')
    expect(result.stderr).toBe(
      'syncline: stopped after replaying 100 of 150 run(s): the store is unavailable (HTTP 503)\n',
    )
  })

  it('requires ids or --all, not both, and numeric ids', async () => {
    const { url, requests } = await cannedHub({})
    expect((await syncline(['dlq', 'replay', '--hub', url])).stderr).toContain('or pass --all')
    expect((await syncline(['dlq', 'replay', '1', '--all', '--hub', url])).code).toBe(1)
    const bad = await syncline(['dlq', 'replay', 'abc', '--hub', url])
    expect(bad).toMatchObject({ code: 1 })
    expect(bad.stderr).toContain("'abc' is not a run id")
    expect(requests).toHaveLength(0)
  })
})

describe('an unreachable hub', () => {
  it('exits 1 with one line naming the URL and how to start the hub', async () => {
    // A port that was free a moment ago: nothing listens there.
    const probe = createServer()
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
    const { port } = probe.address() as AddressInfo
    await new Promise<void>((resolve) => probe.close(() => resolve()))
    const url = `http://127.0.0.1:${port}`

    const result = await syncline(['runs', '--hub', url])
    expect(result.code).toBe(1)
    expect(result.stdout).toBe('')
    expect(result.stderr).toBe(
      `syncline: cannot reach the hub at ${url} (ECONNREFUSED); start it with \`syncline start\`, ` +
        'or point --hub or SYNCLINE_HUB_URL at a running hub\n',
    )
    const dlq = await syncline(['dlq', 'list', '--hub', url])
    expect(dlq.code).toBe(1)
    expect(dlq.stderr).toContain(`cannot reach the hub at ${url}`)
  })
})

describe('syncline approvals', () => {
  const task = (id: string, overrides: Record<string, unknown> = {}) => ({
    id,
    runId: '40',
    step: 'approve-new-customer',
    title: 'New customer ACME Corp',
    subject: { customer: 'ACME' },
    assignee: 'credit-team',
    state: 'open',
    escalations: 0,
    createdAt: Date.parse('2026-01-01T09:00:00Z'),
    dueAt: Date.parse('2026-01-01T13:00:00Z'),
    decidedAt: null,
    decidedBy: null,
    reason: null,
    ...overrides,
  })

  it('lists tasks as a table, passing the filters on', async () => {
    const { url, requests } = await cannedHub({
      'GET /api/v1/approvals': () => ({
        body: { approvals: [task('7', { assignee: 'cfo', escalations: 1 }), task('6')] },
      }),
    })
    const result = await syncline([
      'approvals',
      'list',
      '--hub',
      url,
      '--state',
      'open',
      '--assignee',
      'cfo',
    ])
    expect(result.stderr).toBe('')
    const [header, first] = result.stdout.split('\n')
    expect(header).toMatch(/^ID\s+RUN\s+TITLE\s+ASSIGNEE\s+STATE\s+DUE\s+DECIDED BY\s+REASON$/)
    expect(first).toMatch(
      /^7\s+40\s+New customer ACME Corp\s+cfo\s+open \(escalated\)\s+2026-01-01 13:00:00Z\s+-\s+-$/,
    )
    expect(requests[0]?.query).toEqual({ state: 'open', assignee: 'cfo' })
  })

  it('refuses an unknown state before asking the hub', async () => {
    const result = await syncline([
      'approvals',
      'list',
      '--state',
      'pending',
      '--hub',
      'http://127.0.0.1:1',
    ])
    expect(result.code).not.toBe(0)
    expect(result.stderr).toContain('must be one of open, approved, rejected, expired')
  })

  it('approves with a reason and who, and rejects only with a reason', async () => {
    const { url, requests } = await cannedHub({
      'POST /api/v1/approvals/7/approve': () => ({
        body: {
          approval: task('7', { state: 'approved', decidedBy: 'maria', reason: 'credit checked' }),
        },
      }),
      'POST /api/v1/approvals/8/reject': () => ({
        status: 409,
        body: { error: 'conflict', message: 'approval task 8 is approved already (by maria)' },
      }),
    })
    const approved = await syncline([
      'approvals',
      'approve',
      '7',
      '--reason',
      'credit checked',
      '--by',
      'maria',
      '--hub',
      url,
    ])
    expect(approved.stdout).toBe('approval 7 approved by maria; run 40 goes on\n')
    expect(requests[0]?.body).toEqual({ reason: 'credit checked', by: 'maria' })

    const noReason = await syncline(['approvals', 'reject', '8', '--hub', url])
    expect(noReason.code).not.toBe(0)
    expect(noReason.stderr).toContain('a rejection needs a reason')
    expect(requests).toHaveLength(1)

    const late = await syncline(['approvals', 'reject', '8', '--reason', 'no', '--hub', url])
    expect(late.code).not.toBe(0)
    expect(late.stderr).toContain('approval task 8 is approved already (by maria) (HTTP 409)')
  })
})

describe('syncline breaks', () => {
  const found = (id: string, overrides: Record<string, unknown> = {}) => ({
    id,
    runId: '3',
    domain: 'inventory',
    target: 'netsuite',
    entityKey: 'SKU-1@WH-EAST',
    breakClass: 'field_mismatch',
    cause: 'mismatch:onHand',
    sourceValue: { onHand: 5100 },
    targetValue: { onHand: 100 },
    diff: 5000,
    state: 'open',
    assignee: null,
    healRef: null,
    note: null,
    openedAt: Date.parse('2026-01-01T09:00:00Z'),
    updatedAt: Date.parse('2026-01-01T09:00:00Z'),
    closedAt: null,
    ageMs: 2 * 3_600_000 + 5 * 60_000,
    ...overrides,
  })

  it('lists breaks as a table with their age, passing the filters on', async () => {
    const { url, requests } = await cannedHub({
      'GET /api/v1/reconciliation/breaks': () => ({ body: { breaks: [found('9')] } }),
    })
    const result = await syncline(['breaks', 'list', '--hub', url, '--state', 'open', '--run', '3'])
    expect(result.stderr).toBe('')
    const [header, first] = result.stdout.split('\n')
    expect(header).toMatch(
      /^ID\s+DOMAIN\s+TARGET\s+KEY\s+CLASS\s+SOURCE\s+TARGET VALUE\s+STATE\s+ASSIGNEE\s+AGE$/,
    )
    expect(first).toMatch(
      /^9\s+inventory\s+netsuite\s+SKU-1@WH-EAST\s+field_mismatch\s+\{"onHand":5100\}\s+\{"onHand":100\}\s+open\s+-\s+2h 05m$/,
    )
    expect(requests[0]?.query).toEqual({ state: 'open', runId: '3' })
  })

  it('assigns with an assignee and closes only with a note', async () => {
    const { url, requests } = await cannedHub({
      'POST /api/v1/reconciliation/breaks/9/assign': () => ({
        body: { break: found('9', { state: 'assigned', assignee: 'inventory-controller' }) },
      }),
      'POST /api/v1/reconciliation/breaks/8/close': () => ({
        status: 409,
        body: {
          error: 'conflict',
          message: 'reconciliation break 8 is open; only an assigned break can be closed',
        },
      }),
    })
    const assigned = await syncline([
      'breaks',
      'assign',
      '9',
      '--assignee',
      'inventory-controller',
      '--hub',
      url,
    ])
    expect(assigned.stdout).toBe('break 9 (SKU-1@WH-EAST) assigned to inventory-controller\n')
    expect(requests[0]?.body).toEqual({ assignee: 'inventory-controller' })

    const noNote = await syncline(['breaks', 'close', '8', '--hub', url])
    expect(noNote.code).not.toBe(0)
    expect(noNote.stderr).toContain('say what was done: --note')
    expect(requests).toHaveLength(1)

    const early = await syncline(['breaks', 'close', '8', '--note', 'fixed', '--hub', url])
    expect(early.code).not.toBe(0)
    expect(early.stderr).toContain('only an assigned break can be closed (HTTP 409)')
  })

  it('refuses an unknown state before asking the hub', async () => {
    const result = await syncline([
      'breaks',
      'list',
      '--state',
      'fixed',
      '--hub',
      'http://127.0.0.1:1',
    ])
    expect(result.code).not.toBe(0)
    expect(result.stderr).toContain('must be one of open, healing, healed, assigned, closed')
  })
})

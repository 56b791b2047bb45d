/** @module test/cli/alerts-command.test — `syncline alerts` run as a user runs it, against a canned hub. */
import { describe, expect, it } from 'vitest'
import { cannedHubPerTest } from './canned-hub-server.ts'
import { syncline } from './cli-child-process.ts'

const cannedHub = cannedHubPerTest()

const since = Date.parse('2026-01-01T09:30:00Z')
const alerts = [
  { domain: 'orderLifecycle', rule: 'dead_letters', firing: true, value: 2, threshold: 1, since },
  {
    domain: 'orderLifecycle',
    rule: 'max_lag',
    firing: false,
    value: 4_500,
    threshold: 120_000,
    since,
  },
  {
    domain: 'orderLifecycle',
    rule: 'failure_percent',
    firing: true,
    value: 12.5,
    threshold: 2,
    since,
  },
]

describe('syncline alerts', () => {
  it('prints each alert with its value and threshold in the rule’s unit', async () => {
    const { url, requests } = await cannedHub({
      'GET /api/v1/alerts': () => ({ body: { alerts } }),
    })
    const result = await syncline(['alerts', '--hub', url])
    expect(result.stderr).toBe('')
    const [header, dead, lag, failures] = result.stdout.split('\n')
    expect(header).toMatch(/^DOMAIN\s+RULE\s+STATE\s+VALUE\s+THRESHOLD\s+SINCE$/)
    expect(dead).toMatch(
      /^orderLifecycle\s+dead_letters\s+FIRING\s+2 dead\s+1 dead\s+2026-01-01 09:30:00Z$/,
    )
    expect(lag).toMatch(/^orderLifecycle\s+max_lag\s+ok\s+4\.5 s\s+120\.0 s\s+/)
    expect(failures).toMatch(/^orderLifecycle\s+failure_percent\s+FIRING\s+12\.5%\s+2%\s+/)
    expect(requests[0]?.query).toEqual({})
  })

  it('passes --domain and --firing on as query parameters and says when nothing fires', async () => {
    const { url, requests } = await cannedHub({
      'GET /api/v1/alerts': () => ({ body: { alerts: [] } }),
    })
    const result = await syncline(['alerts', '--hub', url, '--domain', 'inventory', '--firing'])
    expect(result.stdout).toBe('no alert is firing\n')
    expect(requests[0]?.query).toEqual({ domain: 'inventory', firing: 'true' })
  })

  it('refuses an unknown domain before asking the hub', async () => {
    const result = await syncline(['alerts', '--domain', 'orders', '--hub', 'http://127.0.0.1:1'])
    expect(result.code).not.toBe(0)
    expect(result.stderr).toContain('customerMaster, orderLifecycle, inventory, financialPostings')
  })
})

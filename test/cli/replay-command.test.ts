/** @module test/cli/replay-command.test — `syncline replay` against a canned hub. */
import { describe, expect, it } from 'vitest'
import { cannedHubPerTest } from './canned-hub-server.ts'
import { syncline } from './cli-child-process.ts'

const cannedHub = cannedHubPerTest()

const answer = {
  scope: null,
  matched: 2_001,
  replayed: 0,
  alreadyApplied: 2_000,
  notCompleted: 1,
  replays: [],
  auditId: '17',
}

describe('syncline replay', () => {
  it('sends the window as epoch ms and says that nothing new is sent without --force', async () => {
    const { url, requests } = await cannedHub({
      'POST /api/v1/replays': () => ({ body: answer }),
    })
    const result = await syncline([
      'replay',
      '--from',
      '2026-03-01T12:00:00Z',
      '--to',
      '2026-03-01T13:00:00+01:00',
      '--hub',
      url,
    ])
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    const at = Date.parse('2026-03-01T12:00:00Z')
    expect(requests[0]?.body).toEqual({ from: at, to: at })
    expect(result.stdout).toBe(
      '0 new effects: 2,000 completed run(s) of 2,001 selected are already applied\n' +
        '1 selected run(s) are not completed and were left alone (dead ones: `syncline dlq replay`)\n' +
        'audit record 17\n',
    )
  })

  it('passes --force new-scope, --flow and run ids', async () => {
    const { url, requests } = await cannedHub({
      'POST /api/v1/replays': () => ({
        body: {
          ...answer,
          scope: 'replay-abc',
          matched: 2,
          replayed: 2,
          alreadyApplied: 0,
          notCompleted: 0,
          replays: [
            { runId: '3', replayRunId: '90' },
            { runId: '4', replayRunId: '91' },
          ],
        },
      }),
    })
    const result = await syncline([
      'replay',
      '3',
      '4',
      '3',
      '--force',
      'new-scope',
      '--flow',
      'shopify-order-to-netsuite',
      '--hub',
      url,
    ])
    expect(result.code).toBe(0)
    expect(requests[0]?.body).toEqual({
      runIds: ['3', '4'],
      flow: 'shopify-order-to-netsuite',
      force: 'new-scope',
    })
    expect(result.stdout).toBe(
      'replayed 2 completed run(s) of 2 selected as new runs in scope replay-abc: each delivers once more\n' +
        'audit record 17\n',
    )
  })

  it("prints the hub's 404 for runs it does not know and exits 1", async () => {
    const { url } = await cannedHub({
      'POST /api/v1/replays': () => ({
        status: 404,
        body: { error: 'not_found', message: 'no run 5; nothing was replayed' },
      }),
    })
    const result = await syncline(['replay', '5', '--force', 'new-scope', '--hub', url])
    expect(result).toMatchObject({
      code: 1,
      stdout: '',
      stderr: 'syncline: no run 5; nothing was replayed (HTTP 404)\n',
    })
  })

  it('refuses a bad selection before calling the hub', async () => {
    const { url, requests } = await cannedHub({})
    const cases: [string[], string][] = [
      [[], 'give --from and --to, or run ids'],
      [['1', '--from', '0', '--to', '5'], 'give --from and --to, or run ids'],
      [['--from', '0'], 'a window needs both --from and --to'],
      [['--from', '2026-03-01T12:00:00', '--to', '5'], 'use ISO 8601 with an offset'],
      [['--from', 'yesterday', '--to', '5'], "'yesterday' is not a time"],
      [['1', '--force', 'yes'], 'Allowed choices are new-scope'],
      [['abc'], "'abc' is not a run id"],
    ]
    for (const [args, message] of cases) {
      const result = await syncline(['replay', ...args, '--hub', url])
      expect(result.code, args.join(' ')).not.toBe(0)
      expect(result.stderr, args.join(' ')).toContain(message)
    }
    expect(requests).toHaveLength(0)
  })
})

/** @module test/gateway/gateway-replays.test — POST /api/v1/replays: selection, force, 404 and 400s. */
import { describe, expect, it } from 'vitest'
import { createFixture, run } from './gateway-deps-fixture.ts'
import { closeGatewayAfterEach, postJson, startGateway as start } from './gateway-test-server.ts'

closeGatewayAfterEach()

const REPLAYS = '/api/v1/replays'
const T = Date.parse('2026-03-01T12:00:00Z')

function fixtureWithCompletedRuns(): ReturnType<typeof createFixture> {
  const fixture = createFixture()
  fixture.runs.push(
    { ...run('10', { createdAt: T }), steps: [] },
    { ...run('11', { createdAt: T + 1_000 }), steps: [] },
    { ...run('12', { createdAt: T + 60_000, state: 'pending' }), steps: [] },
  )
  return fixture
}

describe('POST /api/v1/replays', () => {
  it('replays a window without force: nothing new, counted as already applied', async () => {
    const fixture = fixtureWithCompletedRuns()
    const { url } = await start(fixture)
    const response = await fetch(`${url}${REPLAYS}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'op-42' },
      body: JSON.stringify({ from: '2026-03-01T12:00:00Z', to: T + 120_000 }),
    })
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({
      scope: null,
      matched: 3,
      replayed: 0,
      alreadyApplied: 2,
      notCompleted: 1,
      replays: [],
      auditId: '1',
    })
    expect(fixture.calls.replays).toEqual([
      {
        window: { from: T, to: T + 120_000 },
        audit: { actor: 'api:127.0.0.1', interactionId: 'op-42' },
      },
    ])
  })

  it('passes force=new-scope and a flow through, and answers the new runs', async () => {
    const fixture = fixtureWithCompletedRuns()
    const { url } = await start(fixture)
    const { status, json } = await postJson(`${url}${REPLAYS}`, {
      from: '2026-03-01T13:00:00+01:00',
      to: '2026-03-01T12:00:02Z',
      flow: 'order-to-netsuite',
      force: 'new-scope',
    })
    expect(status).toBe(200)
    expect(json).toMatchObject({ scope: 'replay-fixture', replayed: 2, alreadyApplied: 0 })
    expect(json.replays).toEqual([
      { runId: '10', replayRunId: expect.any(String) },
      { runId: '11', replayRunId: expect.any(String) },
    ])
    expect(fixture.calls.replays[0]).toMatchObject({
      window: { from: T, to: T + 2_000 },
      flowName: 'order-to-netsuite',
      force: 'new-scope',
    })
  })

  it('answers 404 for run ids the hub does not know (another tenant or none), replaying nothing', async () => {
    const fixture = fixtureWithCompletedRuns()
    const { url } = await start(fixture)
    const { status, json } = await postJson(`${url}${REPLAYS}`, {
      runIds: ['10', '404', '10'],
      force: 'new-scope',
    })
    expect(status).toBe(404)
    expect(json).toEqual({ error: 'not_found', message: 'no run 404; nothing was replayed' })
    expect(fixture.calls.replays[0]?.runIds).toEqual(['10', '404'])
  })

  it('answers 400 naming the fix when the selection is over the limit', async () => {
    const fixture = fixtureWithCompletedRuns()
    for (let i = 20; i < 25; i++) {
      fixture.runs.push({ ...run(String(i), { createdAt: T }), steps: [] })
    }
    const { url } = await start(fixture)
    const { status, json } = await postJson(`${url}${REPLAYS}`, { from: T, to: T + 1 })
    expect(status).toBe(400)
    expect(json.error).toBe('selection_too_large')
    expect(json.message).toMatch(/more than 5 runs; nothing was replayed. Narrow 'from' and 'to'/)
  })

  it.each([
    [{}, /exactly one of \{ "from": <time>, "to": <time> \} or \{ "runIds"/],
    [{ from: T, to: T + 1, runIds: ['1'] }, /exactly one of/],
    [{ from: T }, /'to' is missing: a window needs both ends/],
    [{ to: T }, /'from' is missing/],
    [{ from: T + 1, to: T }, /'from' must be before 'to'/],
    [{ from: T, to: T }, /'from' must be before 'to'/],
    [{ from: '2026-03-01T12:00:00', to: T }, /'from' must be an ISO 8601 time with an offset/],
    [{ from: 'yesterday', to: T }, /'from' must be an ISO 8601 time with an offset/],
    [{ from: -1, to: T }, /'from' must be an ISO 8601 time/],
    [{ from: 1.5, to: T }, /'from' must be an ISO 8601 time/],
    [{ from: T, to: T + 1, force: true }, /'force' must be "new-scope" when present/],
    [{ from: T, to: T + 1, force: 'new' }, /'force' must be "new-scope" when present/],
    [{ runIds: [] }, /'runIds' must name at least one run id/],
    [{ runIds: ['0'] }, /'runIds.0' must be a numeric id from 1/],
    [{ runIds: 'x' }, /'runIds' must be an array of numeric run ids/],
    [{ from: T, to: T + 1, flow: '' }, /'flow' must not be empty/],
    [
      { from: T, to: T + 1, tenant: 'other' },
      /unknown body field 'tenant'; allowed: from, to, runIds/,
    ],
    [[T, T + 1], /must be a JSON object/],
  ])('refuses %j with 400: %s', async (body, message) => {
    const fixture = createFixture()
    const { url } = await start(fixture)
    const { status, json } = await postJson(`${url}${REPLAYS}`, body)
    expect(status).toBe(400)
    expect(json.error).toBe('invalid_request')
    expect(json.message).toMatch(message)
    expect(fixture.calls.replays).toEqual([])
  })

  it('refuses a body that is not JSON', async () => {
    const fixture = createFixture()
    const { url } = await start(fixture)
    const { status, json } = await postJson(`${url}${REPLAYS}`, '{"from":')
    expect(status).toBe(400)
    expect(json.error).toBe('invalid_json')
  })
})

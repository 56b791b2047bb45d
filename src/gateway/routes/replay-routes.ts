/** @module gateway/routes/replay-routes — replay completed runs by time window or ids. */
import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import type { GatewayDeps } from '../gateway-deps.ts'
import { GatewayHttpError } from '../gateway-errors.ts'
import { auditActor, idString, parseRequestPart, textParam } from '../request-validation.ts'
import { MAX_REPLAY_IDS } from './dlq-routes.ts'

/**
 * An instant as ISO 8601 with an explicit offset (`2026-03-01T12:00:00Z`) or epoch milliseconds.
 * A local time without an offset is refused: the hub and the operator may not share a time zone.
 */
const INSTANT_ERROR =
  'must be an ISO 8601 time with an offset (e.g. "2026-03-01T12:00:00Z") or epoch milliseconds'
const instant = z.union(
  [
    z.iso.datetime({ offset: true }).transform((text) => Date.parse(text)),
    // The largest time a Date holds; beyond it no run can have been created.
    z
      .number()
      .int({ error: INSTANT_ERROR })
      .min(0, { error: INSTANT_ERROR })
      .max(8_640_000_000_000_000, { error: INSTANT_ERROR }),
  ],
  { error: INSTANT_ERROR },
)

const replayBody = z.strictObject(
  {
    from: instant.optional(),
    to: instant.optional(),
    runIds: z
      .array(idString, { error: 'must be an array of numeric run ids' })
      .min(1, { error: 'must name at least one run id' })
      .max(MAX_REPLAY_IDS, { error: `must name at most ${MAX_REPLAY_IDS} run ids per request` })
      .optional(),
    flow: textParam.optional(),
    force: z
      .literal('new-scope', {
        error: `must be "new-scope" when present (omit it for a replay that adds no new effects)`,
      })
      .optional(),
  },
  { error: 'must be a JSON object' },
)

type ReplayBody = z.output<typeof replayBody>

/** Exactly one selection: a window (both ends, in order) or run ids. */
function selection(
  body: ReplayBody,
): Pick<Parameters<GatewayDeps['replays']['create']>[0], 'window' | 'runIds'> {
  const hasWindow = body.from !== undefined || body.to !== undefined
  if (hasWindow === (body.runIds !== undefined)) {
    throw new GatewayHttpError(
      400,
      'invalid_request',
      'send exactly one of { "from": <time>, "to": <time> } or { "runIds": ["<id>", ...] }',
    )
  }
  if (body.runIds !== undefined) return { runIds: [...new Set(body.runIds)] }
  if (body.from === undefined || body.to === undefined) {
    throw new GatewayHttpError(
      400,
      'invalid_request',
      `body field '${body.from === undefined ? 'from' : 'to'}' is missing: a window needs both ends`,
    )
  }
  if (body.from >= body.to) {
    throw new GatewayHttpError(
      400,
      'invalid_request',
      "body field 'from' must be before 'to' (the window is [from, to))",
    )
  }
  return { window: { from: body.from, to: body.to } }
}

export function registerReplayRoutes(app: FastifyInstance, deps: GatewayDeps): void {
  app.post('/api/v1/replays', async (request) => {
    const body = parseRequestPart(replayBody, request.body, 'body field')
    const result = await deps.replays.create({
      ...selection(body),
      ...(body.flow === undefined ? {} : { flowName: body.flow }),
      ...(body.force === undefined ? {} : { force: body.force }),
      audit: auditActor(request),
    })
    request.log.info(
      {
        outcome: result.outcome,
        force: body.force ?? null,
        matched: result.matched,
        replayed: result.replays.length,
        auditId: result.auditId,
      },
      'replay requested',
    )
    if (result.outcome === 'not_found') {
      // The same answer for another tenant's run and a run that never existed: neither is visible.
      const shown = result.notFound.slice(0, 20).join(', ')
      throw new GatewayHttpError(
        404,
        'not_found',
        `no run ${shown}${result.notFound.length > 20 ? ' and more' : ''}; nothing was replayed`,
      )
    }
    if (result.outcome === 'too_many') {
      throw new GatewayHttpError(
        400,
        'selection_too_large',
        `the selection holds more than ${deps.replays.maxRuns} runs; nothing was replayed. ` +
          "Narrow 'from' and 'to', or name a 'flow'",
      )
    }
    return {
      scope: result.scope,
      matched: result.matched,
      replayed: result.replays.length,
      alreadyApplied: result.alreadyApplied,
      notCompleted: result.notCompleted,
      replays: result.replays,
      auditId: result.auditId,
    }
  })
}

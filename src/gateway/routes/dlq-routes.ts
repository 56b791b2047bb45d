/** @module gateway/routes/dlq-routes — the dead-letter queue: list, and replay by id or all. */
import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import type { GatewayDeps } from '../gateway-deps.ts'
import { GatewayHttpError } from '../gateway-errors.ts'
import {
  auditActor,
  booleanParam,
  idString,
  limitParam,
  parseRequestPart,
} from '../request-validation.ts'

/** One request replays at most this many ids; the CLI sends chunks of 100 and shows progress. */
export const MAX_REPLAY_IDS = 1_000

const deadLetterListQuery = z.strictObject({
  limit: limitParam,
  before: idString.optional(),
  includeReplayed: booleanParam.optional(),
})

const replayBody = z.strictObject(
  {
    runIds: z
      .array(idString, { error: 'must be an array of numeric run ids' })
      .min(1, { error: 'must name at least one run id' })
      .max(MAX_REPLAY_IDS, { error: `must name at most ${MAX_REPLAY_IDS} run ids per request` })
      .optional(),
    all: z.literal(true, { error: 'must be true when present' }).optional(),
  },
  { error: 'must be a JSON object' },
)

export function registerDlqRoutes(app: FastifyInstance, deps: GatewayDeps): void {
  app.get('/api/v1/dlq', async (request) => {
    const query = parseRequestPart(deadLetterListQuery, request.query, 'query parameter')
    const deadLetters = await deps.deadLetters.list({
      limit: query.limit,
      ...(query.before === undefined ? {} : { beforeId: query.before }),
      ...(query.includeReplayed === undefined ? {} : { includeReplayed: query.includeReplayed }),
    })
    return { deadLetters }
  })

  app.post('/api/v1/dlq/replay', async (request) => {
    const body = parseRequestPart(replayBody, request.body, 'body field')
    // Exactly one: an empty body must not mean "everything", and both at once is ambiguous.
    if ((body.runIds === undefined) === (body.all === undefined)) {
      throw new GatewayHttpError(
        400,
        'invalid_request',
        'send exactly one of { "runIds": ["<id>", ...] } or { "all": true }',
      )
    }
    const result = await deps.deadLetters.replay(
      body.runIds === undefined ? {} : { runIds: [...new Set(body.runIds)] },
      auditActor(request),
    )
    request.log.info(
      {
        requested: body.all === true ? 'all' : body.runIds?.length,
        replayed: result.replayed.length,
      },
      'dead letters replayed',
    )
    return { replayed: result.replayed }
  })
}

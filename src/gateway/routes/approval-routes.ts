/** @module gateway/routes/approval-routes — human approval tasks: list, approve, reject. */
import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { APPROVAL_STATES } from '../../store/store-contract.ts'
import type { GatewayDeps } from '../gateway-deps.ts'
import { GatewayHttpError } from '../gateway-errors.ts'
import { auditActor, idString, limitParam, parseRequestPart } from '../request-validation.ts'

const listQuery = z.strictObject({
  limit: limitParam,
  before: idString.optional(),
  state: z
    .enum(APPROVAL_STATES, { error: `must be one of ${APPROVAL_STATES.join(', ')}` })
    .optional(),
  assignee: z.string().min(1, { error: 'must not be empty' }).max(200).optional(),
})

const taskPath = z.strictObject({ id: idString })

const text = (field: string) =>
  z
    .string({ error: 'must be a string' })
    .trim()
    .min(1, { error: `must not be empty` })
    .max(2_000, { error: `${field} must be at most 2,000 characters` })

const approveBody = z.strictObject(
  { reason: text('reason').optional(), by: text('by').optional() },
  { error: 'must be a JSON object' },
)
const rejectBody = z.strictObject(
  { reason: text('reason'), by: text('by').optional() },
  { error: 'must be a JSON object: { "reason": "why it is rejected" }' },
)

export function registerApprovalRoutes(app: FastifyInstance, deps: GatewayDeps): void {
  app.get('/api/v1/approvals', async (request) => {
    const query = parseRequestPart(listQuery, request.query, 'query parameter')
    const approvals = await deps.approvals.list({
      limit: query.limit,
      ...(query.before === undefined ? {} : { beforeId: query.before }),
      ...(query.state === undefined ? {} : { state: query.state }),
      ...(query.assignee === undefined ? {} : { assignee: query.assignee }),
    })
    return { approvals }
  })

  for (const decision of ['approved', 'rejected'] as const) {
    const verb = decision === 'approved' ? 'approve' : 'reject'
    app.post(`/api/v1/approvals/:id/${verb}`, async (request) => {
      const { id } = parseRequestPart(taskPath, request.params, 'path parameter')
      const body = parseRequestPart(
        decision === 'approved' ? approveBody : rejectBody,
        request.body,
        'body field',
      )
      const audit = auditActor(request)
      const result = await deps.approvals.decide({
        taskId: id,
        decision,
        reason: body.reason ?? null,
        by: body.by ?? audit.actor,
        audit,
      })
      if (result.outcome === 'not_found') {
        throw new GatewayHttpError(404, 'not_found', `no approval task ${id}`)
      }
      if (result.outcome === 'not_open') {
        throw new GatewayHttpError(
          409,
          'conflict',
          `approval task ${id} is ${result.task.state} already${result.task.decidedBy === null ? '' : ` (by ${result.task.decidedBy})`}; a decision cannot be changed`,
        )
      }
      request.log.info({ approvalId: id, decision, woke: result.woke.length }, 'approval decided')
      return { approval: result.task }
    })
  }
}

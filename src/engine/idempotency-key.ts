/** @module engine/idempotency-key — the stable key of one intended effect. */
import { createHash } from 'node:crypto'

/**
 * hash(tenant, target, operation, business key, version[, replay scope]): the same intended effect
 * always gets the same key, so a retry or a redrive can never look like a new request to the target.
 */
export function idempotencyKeyFor(parts: {
  tenantId: string
  target: string
  operation: string
  businessKey: string
  version?: string | undefined
  /** A forced replay's scope: the same effect on purpose once more, so a key the target has not seen. */
  scope?: string | null | undefined
  /**
   * For a saga compensation: the idempotency key of the delivery it undoes. The undo is then a
   * different request from the change even when both name the same operation and business key,
   * and it inherits the forward key's replay scope.
   */
  compensates?: string | undefined
}): string {
  const material = [
    parts.tenantId,
    parts.target,
    parts.operation,
    parts.businessKey,
    parts.version ?? '',
  ]
  // Appended only when set, so every key made before scopes existed stays the same.
  if (parts.scope !== undefined && parts.scope !== null) material.push(`scope:${parts.scope}`)
  if (parts.compensates !== undefined) material.push(`undo:${parts.compensates}`)
  return createHash('sha256').update(material.join('\u0000')).digest('hex').slice(0, 40)
}

/** @module sandbox/sap/sap-json-view — entities in OData v2 verbose JSON: `d`, `results`, `__count`, `__metadata` with id/uri/type/etag, `__deferred` navigation. */

import type { Entity, EntityAccess } from './sap-entity-access.ts'
import type { SapModel } from './sap-model.ts'
import type { Selection } from './sap-query-options.ts'
import { keyPredicate, toJson } from './sap-wire.ts'

export interface ViewContext {
  /** `http://host:port/sap/opu/odata/sap/API_SALES_ORDER_SRV/`. */
  readonly serviceUrl: string
  readonly model: SapModel
  readonly access: EntityAccess
}

export const entityPath = (entity: Entity): string =>
  `${entity.type.set}${keyPredicate(entity.type, entity.row)}`

export const entityUri = (ctx: ViewContext, entity: Entity): string =>
  `${ctx.serviceUrl}${entityPath(entity)}`

/** What to render under one entity: its own selection, and which navigations to expand. */
export interface Shape {
  readonly select: Selection | null
  readonly expand: readonly string[]
}

export const FULL: Shape = { select: null, expand: [] }

export function entityJson(
  ctx: ViewContext,
  entity: Entity,
  shape: Shape,
): Record<string, unknown> {
  const uri = entityUri(ctx, entity)
  const out: Record<string, unknown> = {
    __metadata: {
      id: uri,
      uri,
      type: `${entity.type.service}.${entity.type.name}`,
      ...(entity.etag === null ? {} : { etag: entity.etag }),
    },
  }
  const chosen = shape.select?.properties ?? null
  for (const p of entity.type.properties) {
    if (chosen === null || chosen.has(p.name)) {
      out[p.name] = toJson(p, entity.row[p.name] ?? null, entity.row)
    }
  }
  for (const nav of entity.type.navigations) {
    const selectedUnder = shape.select?.navigations.get(nav.name)
    if (shape.select !== null && selectedUnder === undefined) continue
    if (!shape.expand.includes(nav.name)) {
      out[nav.name] = { __deferred: { uri: `${uri}/${nav.name}` } }
      continue
    }
    const target = ctx.model.set(entity.type.service, nav.toSet)
    const related = target ? ctx.access.related(entity, nav.name, target) : []
    const inner: Shape = {
      select: selectedUnder ? { properties: selectedUnder, navigations: new Map() } : null,
      expand: [],
    }
    const rendered = related.map((r) => entityJson(ctx, r, inner))
    out[nav.name] = nav.many ? { results: rendered } : (rendered[0] ?? null)
  }
  return out
}

export function feedJson(
  ctx: ViewContext,
  entities: readonly Entity[],
  shape: Shape,
  count: number | null,
): unknown {
  const results = entities.map((e) => entityJson(ctx, e, shape))
  return { d: count === null ? { results } : { results, __count: String(count) } }
}

/** The service document: the entity sets a client may address. */
export function serviceDocumentJson(ctx: ViewContext, service: string): unknown {
  return { d: { EntitySets: ctx.model.types(service).map((t) => t.set) } }
}

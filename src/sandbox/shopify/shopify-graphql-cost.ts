/** @module sandbox/shopify/shopify-graphql-cost — validates an operation against the sandbox schema and prices it the way Shopify does, before anything runs. */

import type { GqlField, GqlOperation } from './shopify-graphql-parser.ts'
import {
  argsOf,
  at,
  CONNECTION_COST,
  CONNECTION_PARTS,
  LIST_DEFAULT,
  MAX_PAGE,
  MUTATION_COST,
  nodeSelections,
} from './shopify-graphql-exec.ts'
import type { Args, GqlError, GqlSchema } from './shopify-graphql-exec.ts'

export interface Walk {
  readonly variables: Args
  readonly errors: GqlError[]
}

/** Requested cost, and every validation error (unknown field or argument, bad page size). */
export function priceOperation<C>(schema: GqlSchema<C>, op: GqlOperation, walk: Walk): number {
  const root = op.type === 'mutation' ? schema.mutation : schema.query
  if (op.type !== 'mutation') return price(schema, op.selections, root, [op.type], walk)
  let cost = 0
  for (const field of op.selections) {
    // A mutation costs 10 whatever its payload selects; the payload is still validated.
    price(schema, [field], root, ['mutation'], walk)
    cost += MUTATION_COST
  }
  return cost
}

function price<C>(
  schema: GqlSchema<C>,
  selections: readonly GqlField[],
  typeName: string,
  path: (string | number)[],
  walk: Walk,
): number {
  let cost = 0
  for (const field of selections) {
    if (field.name === '__typename') continue
    const here = [...path, field.key]
    const def = schema.types[typeName]?.[field.name]
    if (!def) {
      walk.errors.push({
        message: `Field '${field.name}' doesn't exist on type '${typeName}'`,
        locations: at(field),
        path: here,
        extensions: { code: 'undefinedField', typeName, fieldName: field.name },
      })
      continue
    }
    for (const arg of field.args) {
      if (!(def.args ?? []).includes(arg.name)) {
        walk.errors.push({
          message: `Field '${field.name}' doesn't accept argument '${arg.name}'`,
          locations: at(field),
          path: here,
          extensions: { code: 'argumentNotAccepted', name: field.name, argumentName: arg.name },
        })
      }
    }
    const args = argsOf(field, walk.variables)
    const missing = (def.required ?? []).filter((r) => args[r] === undefined || args[r] === null)
    if (missing.length > 0) {
      walk.errors.push({
        message: `Field '${field.name}' is missing required arguments: ${missing.join(', ')}`,
        locations: at(field),
        path: here,
        extensions: { code: 'missingRequiredArguments', arguments: missing.join(', ') },
      })
    }
    if (def.shape === 'scalar') {
      if (field.selections) {
        walk.errors.push({
          message: `Selections can't be made on scalars (field '${field.name}' returns ${def.type} but has selections)`,
          locations: at(field),
          path: here,
          extensions: { code: 'selectionMismatch', nodeName: `field '${field.name}'` },
        })
      }
      continue
    }
    if (!field.selections) {
      walk.errors.push({
        message: `Field must have selections (field '${field.name}' returns ${def.type} but has no selections)`,
        locations: at(field),
        path: here,
        extensions: { code: 'selectionMismatch', nodeName: `field '${field.name}'` },
      })
      continue
    }
    if (def.shape === 'object') {
      cost += 1 + price(schema, field.selections, def.type, here, walk)
      continue
    }
    const first = args.first
    if (def.shape === 'connection' && (typeof first !== 'number' || !Number.isInteger(first))) {
      walk.errors.push({
        message: 'you must provide one of first or last',
        locations: at(field),
        path: here,
        extensions: { code: 'missingRequiredArguments' },
      })
      continue
    }
    if (typeof first === 'number' && (first < 0 || first > MAX_PAGE)) {
      walk.errors.push({
        message: `The first argument must be between 0 and ${MAX_PAGE}`,
        locations: at(field),
        path: here,
        extensions: { code: 'argumentLiteralsIncompatible' },
      })
      continue
    }
    const size = typeof first === 'number' ? first : LIST_DEFAULT
    if (def.shape === 'list') {
      cost += size * (1 + price(schema, field.selections, def.type, here, walk))
      continue
    }
    for (const part of field.selections) {
      if (!CONNECTION_PARTS.has(part.name) && part.name !== '__typename') {
        walk.errors.push({
          message: `Field '${part.name}' doesn't exist on type '${def.type}Connection'`,
          locations: at(part),
          path: [...here, part.key],
          extensions: { code: 'undefinedField', typeName: `${def.type}Connection` },
        })
      }
    }
    cost +=
      CONNECTION_COST + size * (1 + price(schema, nodeSelections(field), def.type, here, walk))
  }
  return cost
}

/** @module connectors/config-spec — connection configs as data: zod schemas that carry their own docs. */
import { z } from 'zod'
import { HubError } from '../errors/hub-error.ts'
import { Secret } from '../secrets/secret-value.ts'

/** What a docs page says about one config field. Kept beside the schema so the two cannot drift. */
export interface ConfigFieldDoc {
  description: string
  /** A realistic value, shown verbatim. Never a real credential. */
  example?: string
  /** The default in words, when the field may be omitted. */
  default?: string
  /** The value is a credential: docs and logs must never show it. */
  secret?: boolean
}

export interface ConfigFieldReference extends ConfigFieldDoc {
  name: string
  required: boolean
}

// A private registry rather than zod's global one: connector docs must not collide with other schemas' metadata.
const fieldDocs = z.registry<ConfigFieldDoc>()

/** Attaches docs to a field schema and returns the same schema. */
export function documented<T extends z.ZodType>(schema: T, doc: ConfigFieldDoc): T {
  fieldDocs.add(schema, doc)
  return schema
}

/**
 * A credential field: accepts a string (from a config file or environment) or an existing `Secret`,
 * and always yields a `Secret` so the value cannot be printed by accident afterwards.
 */
export function secretField(doc: Omit<ConfigFieldDoc, 'secret'>) {
  const schema = z
    .custom<Secret | string>(
      (value) => value instanceof Secret || (typeof value === 'string' && value.length > 0),
      // The message never echoes the value: a wrong credential must not land in a log line.
      { error: 'expected a non-empty secret (a string or a Secret)' },
    )
    .transform((value) => (value instanceof Secret ? value : new Secret(value)))
  return documented(schema, { ...doc, secret: true })
}

/** Lists the documented fields of an object shape, in declaration order, for a generated docs page. */
export function describeConfigFields(shape: Record<string, z.ZodType>): ConfigFieldReference[] {
  return Object.entries(shape).map(([name, schema]) => {
    const doc = fieldDocs.get(schema) ?? { description: '' }
    // A field is optional when `undefined` parses (optional or defaulted); secrets never accept it.
    const required = !schema.safeParse(undefined).success
    return { name, required, ...doc }
  })
}

/** Renders a zod path as `webhookSecrets[1].activeFrom`. */
export function formatIssuePath(path: readonly PropertyKey[]): string {
  let out = ''
  for (const segment of path) {
    out +=
      typeof segment === 'number' ? `[${segment}]` : `${out === '' ? '' : '.'}${String(segment)}`
  }
  return out
}

/**
 * Parses a connection config, or throws HubError.validation listing every field to fix.
 * The zod error is kept as `cause`; zod issues carry no input values, so no secret leaks through it.
 */
export function parseConnectorConfig<S extends z.ZodType>(
  connector: string,
  schema: S,
  input: unknown,
): z.output<S> {
  const result = schema.safeParse(input)
  if (result.success) return result.data
  const problems = result.error.issues.map(
    (issue) => `${formatIssuePath(issue.path) || '(config)'}: ${issue.message}`,
  )
  const first = result.error.issues[0]
  throw HubError.validation(
    `${connector} connection config is invalid. Fix: ${problems.join('; ')}`,
    {
      cause: result.error,
      code: 'INVALID_CONFIG',
      ...(first && first.path.length > 0 ? { path: formatIssuePath(first.path) } : {}),
    },
  )
}

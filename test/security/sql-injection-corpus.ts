/** @module test/security/sql-injection-corpus — ≥ 200 SQL injection payloads, built from families, plus the API's injectable parameters. */

const TABLES = ['flow_runs', 'flow_steps', 'inbox_messages', 'dead_letters', 'sync_ledger']
const QUOTES = ["'", '"', "')", "'))", '', '`']
const TAUTOLOGIES = ['OR 1=1', "OR 'a'='a", 'AND 1=0', 'OR true']
const COMMENTS = ['--', '#', '/*', ';--']
const SLEEPS = [
  'pg_sleep(5)',
  'pg_sleep(5.0)',
  "pg_sleep_for('5 seconds')",
  "pg_sleep_until(now() + interval '5 s')",
]

function tautologies(): string[] {
  return QUOTES.flatMap((q) => TAUTOLOGIES.flatMap((t) => COMMENTS.map((c) => `${q} ${t}${c}`)))
}

function stackedQueries(): string[] {
  return TABLES.flatMap((table) => [
    `'; drop table ${table};--`,
    `'; DROP TABLE IF EXISTS ${table} CASCADE; --`,
    `1; delete from ${table}`,
    `'; truncate ${table} cascade;--`,
    `"; update ${table} set tenant_id = 'x';--`,
  ])
}

function timeBased(): string[] {
  return SLEEPS.flatMap((sleep) => [
    `'; select ${sleep};--`,
    `' || ${sleep} || '`,
    `1 AND ${sleep} IS NOT NULL`,
    `'||(select ${sleep})||'`,
    `1) and (select 1 from ${sleep}) is null--`,
    `$$; select ${sleep}; $$`,
  ])
}

function unions(): string[] {
  const nulls = Array.from({ length: 8 }, (_, i) =>
    Array.from({ length: i + 1 }, () => 'NULL').join(','),
  )
  return [
    ...nulls.map((list) => `' UNION SELECT ${list}--`),
    "' union select tenant_id, payload from inbox_messages--",
    "' UNION ALL SELECT version()--",
    '1 UNION SELECT current_user',
    "' union select string_agg(tablename, ',') from pg_tables--",
    "' union select usename, passwd from pg_shadow--",
  ]
}

const SINGLES = [
  // comment styles and quote breakers
  "'--",
  "'/*",
  '*/',
  "'#",
  '-- ',
  '/**/OR/**/1=1',
  "'/**/OR/**/'1'='1",
  "admin'--",
  "\\'; drop table flow_runs;--",
  "E'\\x27'",
  '$tag$',
  '\\',
  '\\\\',
  '"',
  '`',
  "''",
  "';",
  // JSONB paths and operators
  "' ->> 'a",
  "payload->>'id'",
  "headers @> '{}'",
  `'{"a":1}'::jsonb ? 'a'`,
  '?|',
  '?&',
  '@?',
  "#>>'{a}'",
  "' or headers ?| array['x'] --",
  "jsonb_path_query(output, '$.**')",
  '\' or output @> \'{"salesOrderId":"1"}\'--',
  // LIKE wildcards
  '%',
  '_',
  '%%',
  'shopify:%',
  'shopify:order:%',
  "%' or '1'='1",
  '\\%',
  '[a-z]%',
  '_%_',
  // unicode quotes and look-alikes
  'ʼ OR 1=1--',
  '＇ OR 1=1--',
  '‘ OR 1=1--',
  '’; drop table flow_runs;--',
  '″',
  '＂ or ＂1＂=＂1',
  '\u2028; drop table flow_runs',
  // NUL bytes
  'a\u0000b',
  '\u0000',
  "'\u0000; drop table flow_runs;--",
  // very long strings
  "'".repeat(500),
  'a'.repeat(501),
  "' OR 1=1--".repeat(50),
  'x'.repeat(4_000),
  // numeric overflows and odd numbers
  '9223372036854775807',
  '9223372036854775808',
  '9999999999999999999',
  '99999999999999999999',
  '-1',
  '-9223372036854775809',
  '0',
  '1e308',
  'NaN',
  'Infinity',
  '0x7fffffffffffffff',
  '1.5',
  ' 1',
  '+1',
  '1 ',
  // casts, functions, settings
  '1::text',
  "'::regclass",
  "current_setting('search_path')",
  "set_config('search_path','public',false)",
  "'; COMMIT; DROP SCHEMA public CASCADE;--",
  "'; copy flow_runs to program 'id';--",
  "'; listen x;--",
  // names of real columns and values
  'flow_runs',
  'pending',
  'completed',
  'dead',
  'shopify-order-to-netsuite',
  'state',
  'id desc',
  '1 desc',
  'id; --',
  'true',
  'false',
]

/** Every payload once, in a stable order. */
export function sqlInjectionCorpus(): string[] {
  return [
    ...new Set([...tautologies(), ...stackedQueries(), ...timeBased(), ...unions(), ...SINGLES]),
  ]
}

export type ParamKind = 'text' | 'state' | 'limit' | 'id' | 'boolean'

/** One injectable place of the management API: a query parameter, the path id, or the replay body. */
export interface InjectionPoint {
  name: string
  kind: ParamKind
  /** Builds the request for a payload. */
  request(base: string, payload: string): { url: string; init?: RequestInit }
  /** The rows of a 200 answer, with the field that must literally equal the payload (if any). */
  rows(body: unknown): Array<Record<string, unknown>>
  field?: string
}

const list = (key: string) => (body: unknown) =>
  ((body as Record<string, unknown>)[key] as Array<Record<string, unknown>> | undefined) ?? []

function query(
  path: string,
  param: string,
  kind: ParamKind,
  rowsKey: string,
  field?: string,
): InjectionPoint {
  return {
    name: `GET ${path}?${param}=`,
    kind,
    request: (base, payload) => ({
      url: `${base}${path}?${new URLSearchParams({ [param]: payload }).toString()}`,
    }),
    rows: list(rowsKey),
    ...(field === undefined ? {} : { field }),
  }
}

export const INJECTION_POINTS: InjectionPoint[] = [
  query('/api/v1/runs', 'businessKey', 'text', 'runs', 'businessKey'),
  query('/api/v1/runs', 'flow', 'text', 'runs', 'flowName'),
  query('/api/v1/runs', 'state', 'state', 'runs', 'state'),
  query('/api/v1/runs', 'limit', 'limit', 'runs'),
  query('/api/v1/runs', 'before', 'id', 'runs'),
  {
    name: 'GET /api/v1/runs/:id',
    kind: 'id',
    request: (base, payload) => ({ url: `${base}/api/v1/runs/${encodeURIComponent(payload)}` }),
    rows: (body) => [body as Record<string, unknown>],
    field: 'id',
  },
  query('/api/v1/dlq', 'limit', 'limit', 'deadLetters'),
  query('/api/v1/dlq', 'before', 'id', 'deadLetters'),
  query('/api/v1/dlq', 'includeReplayed', 'boolean', 'deadLetters'),
  {
    name: 'POST /api/v1/dlq/replay runIds',
    kind: 'id',
    request: (base, payload) => ({
      url: `${base}/api/v1/dlq/replay`,
      init: {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ runIds: [payload] }),
      },
    }),
    rows: (body) => ((body as { replayed?: string[] }).replayed ?? []).map((id) => ({ id })),
    field: 'id',
  },
  query('/api/v1/cross-references', 'businessKey', 'text', 'crossReferences', 'businessKey'),
  query('/api/v1/cross-references', 'entityType', 'text', 'crossReferences', 'entityType'),
  query('/api/v1/cross-references', 'sourceId', 'text', 'crossReferences', 'sourceId'),
  query('/api/v1/cross-references', 'limit', 'limit', 'crossReferences'),
]

/** @module test/connectors/conformance/connector-conformance — the ONE suite every connector passes.
 *
 * Called from `<name>.conformance.test.ts` with that connector's subject. Covers: the spec as data
 * (config validation, secrets, the generated docs page), auth and refresh, idempotent writes under
 * replay and under commit-then-drop, throttling, the governor measured at the simulator, the error
 * classification table, the fault checklist rows that apply, and mapping golden fixtures.
 */
import { readFileSync } from 'node:fs'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { renderConnectorDoc } from '../../../src/connectors/connector-docs.ts'
import { HubError } from '../../../src/errors/hub-error.ts'
import { rejection } from './conformance-subject.ts'
import type { ConformanceEstate, ConformanceSubject } from './conformance-subject.ts'

const FIXTURES = new URL('../fixtures/', import.meta.url)
const DOCS = new URL('../../../docs/connectors/', import.meta.url)

export function runConnectorConformance(subject: ConformanceSubject): void {
  const { spec } = subject

  describe(`${spec.name} connector conformance`, () => {
    describe('spec as data', () => {
      it('parses the valid config and the example config', () => {
        expect(() => spec.parseConfig(subject.validConfig)).not.toThrow()
        expect(() => spec.parseConfig(spec.exampleConfig)).not.toThrow()
      })

      it('refuses an empty config with a validation error naming every required field', () => {
        const error = (() => {
          try {
            spec.parseConfig({})
          } catch (e) {
            return e
          }
          throw new Error('an empty config parsed')
        })()
        expect(HubError.is(error) && error.type).toBe('validation')
        for (const field of subject.requiredFields) {
          expect((error as Error).message).toContain(field)
        }
      })

      it('documents every config field, flags its secrets, and never shows a secret example verbatim in errors', () => {
        const fields = spec.configFields()
        expect(fields.length).toBeGreaterThan(0)
        for (const field of fields) expect(field.description, field.name).not.toBe('')
        expect(fields.some((f) => f.secret === true)).toBe(true)
        for (const name of subject.requiredFields) {
          expect(
            fields.find((f) => f.name === name),
            name,
          ).toMatchObject({ required: true })
        }
      })

      it('declares operations, limits, error rows and fault rows', () => {
        expect(spec.operations.length).toBeGreaterThan(0)
        expect(spec.limits.length).toBeGreaterThan(0)
        expect(spec.errors.length).toBeGreaterThan(0)
        expect(spec.faultRows.length).toBeGreaterThan(0)
        for (const op of spec.operations) {
          expect(op.idempotency, op.name).not.toBe('')
          if (op.direction === 'outbound') expect(op.inDoubtRead, op.name).toBeTruthy()
        }
        const rows = spec.faultRows.map((r) => r.row)
        expect(new Set(rows).size).toBe(rows.length)
        for (const row of rows) expect(row >= 1 && row <= 18, `row ${row}`).toBe(true)
      })

      it('has its docs page generated from the spec (npm run docs:connectors)', () => {
        const onDisk = readFileSync(new URL(`${spec.name}.md`, DOCS), 'utf8')
        expect(onDisk).toBe(renderConnectorDoc(spec))
      })
    })

    describe('error classification table', () => {
      for (const row of spec.errors) {
        it(`${row.id}: ${row.when} → ${row.type}`, () => {
          const error = row.example()
          expect(HubError.is(error)).toBe(true)
          expect(error.type).toBe(row.type)
          expect(error.message).not.toBe('')
          if (row.type === 'throttled') expect(error.retryAfterMs).toBeGreaterThan(0)
        })
      }
    })

    describe('against the simulator', () => {
      let estate: ConformanceEstate
      beforeEach(async () => {
        estate = await subject.start()
      })
      afterEach(async () => {
        await estate.stop()
      })

      it('authenticates and reads', async () => {
        await estate.authenticatedRead()
        expect(estate.credentialRequests()).toBeGreaterThanOrEqual(0)
      })

      it('refreshes expired credentials once for many concurrent callers, and retries the call', async () => {
        await estate.authenticatedRead()
        if (estate.expireCredentials === undefined) {
          // The vendor's credentials do not expire: reading again must not ask for new ones.
          const before = estate.credentialRequests()
          await estate.authenticatedRead()
          expect(estate.credentialRequests()).toBe(before)
          return
        }
        await estate.expireCredentials()
        const before = estate.credentialRequests()
        await Promise.all(Array.from({ length: 5 }, () => estate.authenticatedRead()))
        expect(estate.credentialRequests() - before).toBe(1)
      })

      it('classifies revoked credentials as auth, not retryable', async () => {
        await estate.revokeCredentials()
        const error = await rejection(estate.authenticatedRead())
        expect(error.type).toBe('auth')
      })

      it('replays a write with the same key and creates the entity once', async () => {
        const first = await estate.write('conf-replay-1', { idempotencyKey: 'idem-replay-1' })
        const again = await estate.write('conf-replay-1', { idempotencyKey: 'idem-replay-1' })
        expect(again.id).toBe(first.id)
        expect(estate.countAtTarget('conf-replay-1')).toBe(1)
        expect(await estate.lookup('conf-replay-1')).toEqual({ id: first.id })
        expect(await estate.lookup('conf-absent-1')).toBeNull()
      })

      it('after commit-then-drop: unknown outcome, the in-doubt read finds it, a retry duplicates nothing', async () => {
        await estate.authenticatedRead()
        await estate.commitThenDropNextWrite()
        const error = await rejection(
          estate.write('conf-drop-1', { idempotencyKey: 'idem-drop-1' }),
        )
        expect(error.type).toBe('unknown_outcome')
        const found = await estate.lookup('conf-drop-1')
        expect(found).not.toBeNull()
        const retried = await estate.write('conf-drop-1', { idempotencyKey: 'idem-drop-1' })
        expect(retried.id).toBe(found?.id)
        expect(estate.countAtTarget('conf-drop-1')).toBe(1)
      })

      it('reports throttling as throttled with a retry-after, and writes nothing', async () => {
        await estate.authenticatedRead()
        await estate.throttleNextWrite()
        const error = await rejection(
          estate.write('conf-throttle-1', { idempotencyKey: 'idem-throttle-1' }),
        )
        expect(error.type).toBe('throttled')
        expect(error.retryAfterMs).toBeGreaterThan(0)
        expect(estate.countAtTarget('conf-throttle-1')).toBe(0)
      })

      it('never exceeds the governed limit, measured at the simulator', async () => {
        const { maxInFlightAtSimulator, limit } = await estate.governorProbe(24)
        expect(limit).toBeLessThan(24)
        expect(maxInFlightAtSimulator).toBeGreaterThan(0)
        expect(maxInFlightAtSimulator).toBeLessThanOrEqual(limit)
      })

      describe('fault checklist rows', () => {
        for (const check of subject.faultChecks) {
          it(`row ${check.row}: ${check.name}`, async () => {
            expect(
              spec.faultRows.some((r) => r.row === check.row),
              `row ${check.row} is checked but not declared in the spec`,
            ).toBe(true)
            await check.run(estate)
          })
        }
      })
    })

    describe('mapping golden fixtures', () => {
      for (const fixture of subject.golden) {
        it(fixture.name, () => {
          const payload = readFileSync(new URL(`${fixture.name}.payload.json`, FIXTURES))
          const expected: unknown = JSON.parse(
            readFileSync(new URL(`${fixture.name}.canonical.json`, FIXTURES), 'utf8'),
          )
          // Through JSON, as canonical objects are stored and sent: no undefined, no BigInt.
          expect(JSON.parse(JSON.stringify(fixture.map(payload)))).toEqual(expected)
        })
      }
      it(`covers ${[...new Set(['unicode-names', 'missing-optionals', ...subject.goldenCovers])].join(', ')}`, () => {
        const canonicals = subject.golden.map((f) =>
          readFileSync(new URL(`${f.name}.canonical.json`, FIXTURES), 'utf8'),
        )
        const strings = canonicals.flatMap((text) => stringValues(JSON.parse(text)))
        // Every connector maps people's names, and every source omits optional fields somewhere.
        expect(
          strings.some((s) => /[^\p{ASCII}]/u.test(s)),
          'a non-ASCII name',
        ).toBe(true)
        const keyCounts = canonicals.map((text) => leafPaths(JSON.parse(text)).length)
        expect(new Set(keyCounts).size, 'a fixture with optional fields missing').toBeGreaterThan(1)
        if (subject.goldenCovers.includes('int64-ids')) {
          // Past 2^53: a JSON.parse into a number would have rounded it.
          expect(strings.some((s) => /^\d{16,}$/.test(s) && BigInt(s) > 2n ** 53n)).toBe(true)
        }
        if (subject.goldenCovers.includes('money-strings')) {
          expect(strings.some((s) => /^-?\d+\.\d+$/.test(s))).toBe(true)
        }
      })
    })
  })
}

function stringValues(value: unknown): string[] {
  if (typeof value === 'string') return [value]
  if (Array.isArray(value)) return value.flatMap(stringValues)
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap(stringValues)
  return []
}

function leafPaths(value: unknown, prefix = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => leafPaths(v, `${prefix}[${i}]`))
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => leafPaths(v, `${prefix}.${k}`))
  }
  return [prefix]
}

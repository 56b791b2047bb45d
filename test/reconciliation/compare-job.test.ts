// The compare job over in-memory sides that keep the port's paging contract: counts, key sets, hashes, a confirming read of only the keys that differ, tolerances and duplicates.
import { describe, expect, it } from 'vitest'
import { compareSides } from '../../src/reconciliation/compare-job.ts'
import { digestOf, fieldHash } from '../../src/reconciliation/field-hash.ts'
import { decideHeal, HealPolicy } from '../../src/reconciliation/heal-policy.ts'
import type {
  ReconciliationSide,
  ReconRecord,
} from '../../src/reconciliation/reconciliation-port.ts'
import { fieldsOutsideTolerance, ToleranceRule } from '../../src/reconciliation/tolerance-rules.ts'

/** A side over an array, with a page limit it enforces and a log of what was asked. */
function side(system: string, records: ReconRecord[], maxPageSize = 7) {
  const asked = { digestPages: 0, fetched: [] as string[][] }
  const impl: ReconciliationSide = {
    system,
    maxPageSize,
    count: () => Promise.resolve(records.length),
    async *digests(pageSize) {
      if (pageSize > maxPageSize) throw new Error(`${system}: page ${pageSize} > ${maxPageSize}`)
      for (let i = 0; i < records.length; i += pageSize) {
        asked.digestPages += 1
        yield records.slice(i, i + pageSize).map(digestOf)
        await Promise.resolve()
      }
    },
    fetch(keys) {
      if (keys.length > maxPageSize) throw new Error(`${system}: fetch of ${keys.length}`)
      asked.fetched.push([...keys])
      return Promise.resolve(records.filter((r) => keys.includes(r.key)))
    },
  }
  return { impl, asked }
}

const level = (key: string, onHand: number): ReconRecord => ({ key, fields: { onHand } })
const signal = new AbortController().signal
const range = (n: number, f: (i: number) => ReconRecord) =>
  Array.from({ length: n }, (_, i) => f(i))

describe('compareSides', () => {
  it('finds each class of break and reads in full only the keys whose hashes differ', async () => {
    const golden = range(40, (i) => level(`K${i}`, 100 + i))
    const drifted = golden.map((r) =>
      r.key === 'K3' ? level('K3', 1) : r.key === 'K9' ? level('K9', 110) : r,
    )
    const target = [
      ...drifted.filter((r) => r.key !== 'K20'),
      level('EXTRA', 5),
      level('K30', 130), // a second K30
    ]
    const s = side('gold', golden, 10)
    const t = side('erp', target, 7)
    const { breaks, stats } = await compareSides({
      source: s.impl,
      target: t.impl,
      tolerance: [ToleranceRule.parse({ field: 'onHand', absolute: 1 })],
      signal,
    })
    expect(breaks.map((b) => [b.entityKey, b.breakClass, b.cause, b.diff])).toEqual([
      ['EXTRA', 'missing_in_source', 'missing_in_source', null],
      ['K20', 'missing_in_target', 'missing_in_target', null],
      ['K3', 'field_mismatch', 'mismatch:onHand', 102],
      ['K30', 'duplicate', 'duplicate_in_target', null],
    ])
    // K9 is 1 off, within the tolerance: read in full, then not a break.
    expect(stats).toMatchObject({
      sourceCount: 40,
      targetCount: 41,
      keysInBoth: 38,
      hashMismatches: 2,
      withinTolerance: 1,
      breaks: { missing_in_target: 1, missing_in_source: 1, field_mismatch: 1, duplicate: 1 },
    })
    // Pages of the smaller limit (7): 40 → 6 pages, 41 → 6 pages.
    expect([s.asked.digestPages, t.asked.digestPages]).toEqual([6, 6])
    expect(s.asked.fetched.flat().sort()).toEqual(['K20', 'K3', 'K9'])
    expect(t.asked.fetched.flat().sort()).toEqual(['EXTRA', 'K3', 'K9'])
  })

  it('reports no break when the sides agree, whatever order the fields come in', async () => {
    const a = range(15, (i) => ({ key: `K${i}`, fields: { onHand: i, sku: `S${i}` } }))
    const b = a.map((r) => ({
      key: r.key,
      fields: { sku: r.fields.sku ?? null, onHand: r.fields.onHand ?? null },
    }))
    const t = side('erp', b)
    const result = await compareSides({
      source: side('gold', a).impl,
      target: t.impl,
      tolerance: [],
      signal,
    })
    expect(result.breaks).toEqual([])
    expect(t.asked.fetched.flat()).toEqual([])
  })

  it('drops a difference that is gone by the confirming read (an event in flight)', async () => {
    const golden = [level('A', 5), level('B', 6)]
    const target = [level('A', 5), level('B', 9)]
    const t = side('erp', target)
    const moving: ReconciliationSide = {
      ...t.impl,
      async fetch(keys, sig) {
        target[1] = level('B', 6) // the event lands between the digest and the read
        return t.impl.fetch(keys, sig)
      },
    }
    const result = await compareSides({
      source: side('gold', golden).impl,
      target: moving,
      tolerance: [],
      signal,
    })
    expect(result.breaks).toEqual([])
    expect(result.stats.withinTolerance).toBe(1)
  })

  it('reports a key duplicated on both sides once, as the source’s', async () => {
    const result = await compareSides({
      source: side('gold', [level('A', 1), level('A', 1)]).impl,
      target: side('erp', [level('A', 1), level('A', 1), level('A', 1)]).impl,
      tolerance: [],
      signal,
    })
    expect(result.breaks.map((b) => [b.entityKey, b.cause, b.sourceValue])).toEqual([
      ['A', 'duplicate_in_source', { times: 2 }],
    ])
  })

  it('refuses an adapter that returns more than a page', async () => {
    const greedy: ReconciliationSide = {
      ...side('bad', []).impl,
      async *digests() {
        await Promise.resolve()
        yield range(9, (i) => level(`K${i}`, i)).map(digestOf)
      },
    }
    await expect(
      compareSides({ source: greedy, target: side('erp', []).impl, tolerance: [], signal }),
    ).rejects.toThrow(/bad returned 9 digests in a page of at most 7/)
  })
})

describe('tolerance rules', () => {
  it('allows the larger of the absolute and the relative distance, per field', () => {
    const rules = [ToleranceRule.parse({ field: 'onHand', absolute: 2, relative: 0.05 })]
    expect(fieldsOutsideTolerance({ onHand: 100 }, { onHand: 105 }, rules)).toEqual([])
    expect(fieldsOutsideTolerance({ onHand: 10 }, { onHand: 12 }, rules)).toEqual([])
    expect(fieldsOutsideTolerance({ onHand: 10 }, { onHand: 13 }, rules)).toEqual([
      { field: 'onHand', source: 10, target: 13, distance: 3 },
    ])
    // No rule: exact, and strings always exact.
    expect(fieldsOutsideTolerance({ q: 1, s: 'a' }, { q: 2, s: 'b' }, rules)).toHaveLength(2)
  })

  it('explains a bad rule in terms of the fix', () => {
    const parsed = ToleranceRule.safeParse({ field: 'onHand', relative: 5 })
    expect(parsed.success).toBe(false)
    expect(parsed.error?.issues[0]?.message).toMatch(/0\.01 for 1%/)
  })

  it('hashes fields independently of their order', () => {
    expect(fieldHash({ a: 1, b: 'x' })).toBe(fieldHash({ b: 'x', a: 1 }))
    expect(fieldHash({ a: 1 })).not.toBe(fieldHash({ a: 2 }))
  })
})

describe('heal policy', () => {
  const policy = HealPolicy.parse({ assignee: 'ops', maxAutoHealDiff: 50 })
  const found = (breakClass: 'field_mismatch' | 'missing_in_source', diff: number | null) => ({
    entityKey: 'K',
    breakClass,
    cause: breakClass,
    sourceValue: null,
    targetValue: null,
    diff,
  })
  it('heals small mismatches and assigns big ones and the classes it does not heal', () => {
    expect(decideHeal(policy, found('field_mismatch', 50))).toBe('heal')
    expect(decideHeal(policy, found('field_mismatch', 51))).toBe('assign')
    expect(decideHeal(policy, found('missing_in_source', null))).toBe('assign')
  })
})

/** @module test/store/durability-policy — the durability decision, for settings no test server can have. */
import { describe, expect, it } from 'vitest'
import { assessDurability } from '../../src/store-sql/durability-policy.ts'

describe('assessDurability (postgres)', () => {
  it('accepts fsync on with synchronous_commit on or remote_apply', () => {
    for (const synchronousCommit of ['on', 'remote_apply', 'ON']) {
      expect(assessDurability('postgres', { fsync: 'on', synchronousCommit })).toEqual({
        ok: true,
        problems: [],
      })
    }
  })

  it('accepts local and remote_write with a failover note', () => {
    for (const synchronousCommit of ['local', 'remote_write']) {
      const report = assessDurability('postgres', { fsync: 'on', synchronousCommit })
      expect(report.ok).toBe(true)
      expect(report.notes?.[0]).toMatch(/failover/)
    }
  })

  it('rejects synchronous_commit off and says how to fix or override it', () => {
    const report = assessDurability('postgres', { fsync: 'on', synchronousCommit: 'off' })
    expect(report.ok).toBe(false)
    expect(report.problems).toHaveLength(1)
    expect(report.problems[0]).toMatch(/set synchronous_commit = on in postgresql\.conf/i)
    expect(report.problems[0]).toMatch(/--allow-unsafe-durability/)
  })

  it('rejects fsync off, alone or with synchronous_commit off', () => {
    const fsyncOff = assessDurability('postgres', { fsync: 'off', synchronousCommit: 'on' })
    expect(fsyncOff.ok).toBe(false)
    expect(fsyncOff.problems[0]).toMatch(
      /Set fsync = on in postgresql\.conf.*--allow-unsafe-durability/,
    )
    expect(
      assessDurability('postgres', { fsync: 'off', synchronousCommit: 'off' }).problems,
    ).toHaveLength(2)
  })

  it('treats an unrecognised synchronous_commit value as a problem', () => {
    expect(assessDurability('postgres', { fsync: 'on', synchronousCommit: 'unknown' }).ok).toBe(
      false,
    )
  })
})

describe('assessDurability (embedded)', () => {
  it('accepts PGlite fsync=off with synchronous_commit on, explaining the power-loss caveat', () => {
    const report = assessDurability('embedded', { fsync: 'off', synchronousCommit: 'on' })
    expect(report.ok).toBe(true)
    expect(report.problems).toEqual([])
    expect(report.notes?.[0]).toMatch(
      /survives a crash or kill of the hub process.*not a power loss/,
    )
  })

  it('rejects synchronous_commit off in embedded mode', () => {
    const report = assessDurability('embedded', { fsync: 'off', synchronousCommit: 'off' })
    expect(report.ok).toBe(false)
    expect(report.problems[0]).toMatch(/--allow-unsafe-durability/)
  })
})

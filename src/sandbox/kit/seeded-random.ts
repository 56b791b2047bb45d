/** @module sandbox/kit/seeded-random — a small seeded PRNG so that every fault sequence can be replayed from its seed. */

import { randomInt } from 'node:crypto'

export interface SeededRandom {
  /** The seed this generator was created from; reported so a failing run can be replayed. */
  readonly seed: number
  /** A float in [0, 1). */
  next(): number
  /** An integer in [min, max], both inclusive. */
  int(min: number, max: number): number
  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T
  /** An independent stream derived from this seed, so that e.g. latency draws never shift fault draws. */
  fork(salt: number): SeededRandom
}

/**
 * mulberry32: 32 bits of state, fast, and good enough for test scripting. It is not
 * cryptographic, which is the point: the same seed must always give the same sequence.
 */
export function seededRandom(seed: number): SeededRandom {
  const normalised = seed >>> 0
  let state = normalised
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  return {
    seed: normalised,
    next,
    int: (min, max) => {
      if (max < min) throw new RangeError(`int(${min}, ${max}): max is below min`)
      return min + Math.floor(next() * (max - min + 1))
    },
    pick: <T>(items: readonly T[]): T => {
      const item = items[Math.floor(next() * items.length)]
      if (item === undefined) throw new RangeError('pick() needs a non-empty list')
      return item
    },
    // Mixing with a golden-ratio constant keeps forks of nearby seeds from overlapping.
    fork: (salt) => seededRandom(Math.imul(normalised ^ salt, 0x9e3779b1) >>> 0),
  }
}

/** A fresh seed for runs that did not ask for one; it is still reported, so the run stays replayable. */
export function randomSeed(): number {
  return randomInt(0, 2 ** 31)
}

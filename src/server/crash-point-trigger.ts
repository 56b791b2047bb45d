/** @module server/crash-point-trigger — the test setting that arms the engine's crash points.
 *
 * `HUB_CRASHPOINTS="after_claim_before_call:0.005,after_target_2xx_before_commit:0.005"` makes
 * the hub SIGKILL itself at those points with those probabilities. A real kill (not an exception)
 * is the point: nothing in the process gets to clean up, exactly as in a power cut of the worker.
 */
import { writeSync } from 'node:fs'
import { CRASH_POINTS, type CrashPointName, type CrashPoints } from '../engine/crash-points.ts'
import { ConfigError } from './hub-config.ts'

export function parseCrashPoints(spec: string): Map<CrashPointName, number> {
  const points = new Map<CrashPointName, number>()
  for (const entry of spec
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)) {
    const [name = '', probability = ''] = entry.split(':')
    if (!(CRASH_POINTS as readonly string[]).includes(name)) {
      throw new ConfigError(
        `HUB_CRASHPOINTS names an unknown crash point "${name}"; use one of: ${CRASH_POINTS.join(', ')}`,
      )
    }
    const p = Number(probability)
    if (probability.trim() === '' || !(p >= 0 && p <= 1)) {
      throw new ConfigError(
        `HUB_CRASHPOINTS gives "${name}" the probability "${probability}"; use a number from 0 to 1, e.g. ${name}:0.005`,
      )
    }
    points.set(name as CrashPointName, p)
  }
  return points
}

export function createCrashPointTrigger(
  spec: string,
  random: () => number = Math.random,
  kill: (name: CrashPointName) => void = (name) => {
    // Synchronous, so the line is out before the process is gone: the campaign counts the hits.
    writeSync(2, `syncline: crash point ${name} hit\n`)
    process.kill(process.pid, 'SIGKILL')
  },
): CrashPoints {
  const points = parseCrashPoints(spec)
  return {
    hit(name) {
      const p = points.get(name)
      if (p !== undefined && random() < p) kill(name)
    },
  }
}

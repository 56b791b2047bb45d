// libfaketime for one hub process, with an offset the test changes while the hub runs.
//
// Measured with Node 20 and Debian's libfaketime 0.9.10 (docs/reliability-harness.md, "Clock
// faults"): Date.now() follows the timestamp file; with DONT_FAKE_MONOTONIC=1, performance.now()
// and timers do not move. Without it, a backward step makes CLOCK_MONOTONIC go backwards (it wraps
// around to ~2^64 ns) and setInterval stalls: a machine that cannot exist, since a real clock step
// (NTP, `date -s`, a VM resumed) moves CLOCK_REALTIME only. So monotonic time is left alone.
import { existsSync } from 'node:fs'
import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const MULTIARCH: Record<string, string> = { x64: 'x86_64', arm64: 'aarch64' }

/** Debian's path for this architecture; SYNCLINE_LIBFAKETIME overrides it. */
export function findLibfaketime(): string {
  const override = process.env.SYNCLINE_LIBFAKETIME
  const candidates = [
    ...(override ? [override] : []),
    `/usr/lib/${MULTIARCH[process.arch] ?? process.arch}-linux-gnu/faketime/libfaketime.so.1`,
    '/usr/lib/faketime/libfaketime.so.1',
  ]
  const found = candidates.find((path) => existsSync(path))
  // Fail, never skip: this test is part of tier 1, and a skipped clock test proves nothing.
  if (found === undefined) {
    throw new Error(
      `libfaketime is not installed (looked in ${candidates.join(', ')}). Install it with ` +
        '`apt-get install -y --no-install-recommends faketime` (.ci/run does), or point ' +
        'SYNCLINE_LIBFAKETIME at libfaketime.so.1.',
    )
  }
  return found
}

export interface FaketimeControl {
  /** Environment for the child process whose wall clock is faked. */
  readonly env: Record<string, string>
  /**
   * Sets the child's wall clock to real time plus `offset`, in libfaketime's relative syntax
   * (`+1h`, `-10m`, `+25h`, `+0`). The child sees it within FAKETIME_CACHE_DURATION (1 s).
   */
  set(offset: string): Promise<void>
  dispose(): Promise<void>
}

export async function createFaketimeControl(): Promise<FaketimeControl> {
  const library = findLibfaketime()
  const dir = await mkdtemp(join(tmpdir(), 'syncline-faketime-'))
  const file = join(dir, 'offset')
  const set = async (offset: string): Promise<void> => {
    // Written aside and renamed: libfaketime must never read a half-written file.
    await writeFile(`${file}.next`, `${offset}\n`)
    await rename(`${file}.next`, file)
  }
  await set('+0')
  return {
    env: {
      LD_PRELOAD: library,
      FAKETIME_TIMESTAMP_FILE: file,
      // Re-read the file at most once a second: FAKETIME_NO_CACHE=1 re-reads it on every
      // clock_gettime and made Date.now() 70 times slower (9 µs a call), which is not the hub.
      FAKETIME_CACHE_DURATION: '1',
      DONT_FAKE_MONOTONIC: '1',
    },
    set,
    dispose: () => rm(dir, { recursive: true, force: true }),
  }
}

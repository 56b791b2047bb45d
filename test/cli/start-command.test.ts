/** @module test/cli/start-command.test — `syncline start` in-process, with a stand-in hub. */
import { describe, expect, it } from 'vitest'
import { CliError } from '../../src/cli/cli-io.ts'
import { startCommand } from '../../src/cli/commands/start-command.ts'
import type { StartRuntime } from '../../src/cli/commands/start-command.ts'
import type { HubStartOptions, StartHub } from '../../src/cli/server-modules.ts'
import { capturedIo } from './captured-io.ts'

interface FakeRuntime extends StartRuntime {
  /** The options each start received, minus the `print` callback. */
  started: Omit<HubStartOptions, 'print'>[]
  stops: number
  exits: number[]
  exitCode: number | undefined
  signal(name: NodeJS.Signals): void
}

function fakeRuntime(startHub?: StartHub): FakeRuntime {
  const handlers = new Map<NodeJS.Signals, (signal: NodeJS.Signals) => void>()
  const runtime: FakeRuntime = {
    started: [],
    stops: 0,
    exits: [],
    exitCode: undefined,
    loadStartHub: () =>
      Promise.resolve(
        startHub ??
          (({ print, ...options }) => {
            runtime.started.push(options)
            print?.(`syncline hub        http://${options.host}:${options.port}`)
            return Promise.resolve({
              url: `http://${options.host}:${options.port}`,
              stop: () => {
                runtime.stops += 1
                return Promise.resolve()
              },
            })
          }),
      ),
    onSignal: (signal, handler) => void handlers.set(signal, handler),
    exit: (code) => void runtime.exits.push(code),
    setExitCode: (code) => {
      runtime.exitCode = code
    },
    signal: (name) => handlers.get(name)?.(name),
  }
  return runtime
}

async function start(
  args: string[],
  env: Record<string, string> = {},
  runtime = fakeRuntime(),
): Promise<{ runtime: FakeRuntime; io: ReturnType<typeof capturedIo> }> {
  const io = capturedIo(env)
  await startCommand(io, runtime).exitOverride().parseAsync(args, { from: 'user' })
  return { runtime, io }
}

describe('syncline start', () => {
  it('starts the hub with the documented defaults and says where it runs', async () => {
    const { runtime, io } = await start([])
    expect(runtime.started).toEqual([
      {
        port: 8080,
        host: '127.0.0.1',
        demo: true,
        sandbox: true,
        worker: true,
        dataDir: './.syncline/data',
        logLevel: 'info',
        allowUnsafeDurability: false,
        preparedStatements: true,
      },
    ])
    // The hub's own lines go through the CLI's stdout, then the CLI says how to stop.
    expect(io.out()).toBe(
      'syncline hub        http://127.0.0.1:8080\nhub running at http://127.0.0.1:8080; Ctrl+C to stop\n',
    )
  })

  it('maps every flag to the camelCase option startHub takes', async () => {
    const { runtime } = await start([
      ...['--port', '9090', '--host', '0.0.0.0', '--no-demo', '--no-sandbox', '--no-worker'],
      ...['--database-url', 'postgres://hub:pw@db/syncline', '--data-dir', '/var/lib/syncline'],
      ...['--config', 'connections.json', '--log-level', 'debug', '--allow-unsafe-durability'],
      '--no-prepared-statements',
    ])
    expect(runtime.started[0]).toEqual({
      port: 9090,
      host: '0.0.0.0',
      demo: false,
      sandbox: false,
      worker: false,
      databaseUrl: 'postgres://hub:pw@db/syncline',
      dataDir: '/var/lib/syncline',
      configPath: 'connections.json',
      logLevel: 'debug',
      allowUnsafeDurability: true,
      preparedStatements: false,
    })
  })

  it('reads DATABASE_URL and SYNCLINE_LOG_LEVEL from the environment, flags winning', async () => {
    const env = { DATABASE_URL: 'postgres://env/db', SYNCLINE_LOG_LEVEL: 'warn' }
    expect((await start([], env)).runtime.started[0]).toMatchObject({
      databaseUrl: 'postgres://env/db',
      logLevel: 'warn',
    })
    const flags = ['--database-url', 'postgres://flag/db', '--log-level', 'error']
    expect((await start(flags, env)).runtime.started[0]).toMatchObject({
      databaseUrl: 'postgres://flag/db',
      logLevel: 'error',
    })
    await expect(start([], { SYNCLINE_LOG_LEVEL: 'loud' })).rejects.toThrow(
      /SYNCLINE_LOG_LEVEL='loud' must be one of/,
    )
  })

  it('stops gracefully on SIGTERM, and exits at once on a second signal', async () => {
    const { runtime, io } = await start(['--port', '0'])
    runtime.signal('SIGTERM')
    await new Promise((resolve) => setImmediate(resolve))
    expect(runtime.stops).toBe(1)
    expect(runtime.exitCode).toBe(0)
    expect(io.err()).toBe(
      'syncline: SIGTERM received, stopping (finishing in-flight work)...\nsyncline: stopped\n',
    )
    runtime.signal('SIGINT')
    expect(runtime.stops).toBe(1)
    expect(runtime.exits).toEqual([1])
  })

  it('turns an operational start failure into one line, and keeps a bug as it is', async () => {
    const locked = Object.assign(new Error('./.syncline/data is held by process 4242'), {
      name: 'StoreLockedError',
    })
    const failing = start(
      [],
      {},
      fakeRuntime(() => Promise.reject(locked)),
    )
    await expect(failing).rejects.toEqual(
      new CliError('could not start the hub: ./.syncline/data is held by process 4242'),
    )
    const bug = new TypeError('x is undefined')
    await expect(
      start(
        [],
        {},
        fakeRuntime(() => Promise.reject(bug)),
      ),
    ).rejects.toBe(bug)
  })
})

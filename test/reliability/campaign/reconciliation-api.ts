// The operator's reconciliation API as campaign test 10 drives it: start a run, follow it to
// finished, and list its breaks, over the hub's HTTP.
import { waitFor } from '../../support/hub-harness.ts'
import type { CampaignEnv } from './campaign-kit.ts'

export interface RunView {
  run?: {
    id: string
    state: string
    startedAt: number
    finishedAt: number | null
    stats: Record<string, unknown>
  }
  breaks?: Record<string, number>
}

export interface BreakView {
  id: string
  entityKey: string
  breakClass: string
  cause: string
  state: string
}

export async function api<T>(
  url: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: T }> {
  const response = await fetch(`${url}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  return { status: response.status, json: (await response.json()) as T }
}

export async function breaksOf(env: CampaignEnv, runId: string): Promise<BreakView[]> {
  const all: BreakView[] = []
  for (let before = ''; ;) {
    const { json } = await api<{ breaks: BreakView[] }>(
      env.hub.url,
      `/api/v1/reconciliation/breaks?runId=${runId}&limit=500${before === '' ? '' : `&before=${before}`}`,
    )
    all.push(...json.breaks)
    const last = json.breaks.at(-1)
    if (json.breaks.length < 500 || last === undefined) return all
    before = last.id
  }
}

/** Polls the run until it is finished and `done` holds; the view as it last was. */
export async function follow(
  env: CampaignEnv,
  runId: string,
  done: (v: RunView) => boolean,
  timeoutMs: number,
) {
  let view: RunView = {}
  const settled = await waitFor(
    async () => {
      view = (await api<RunView>(env.hub.url, `/api/v1/reconciliation/runs/${runId}`)).json
      return view.run?.state !== 'running' && done(view)
    },
    timeoutMs,
    250,
  )
  return { settled, view }
}

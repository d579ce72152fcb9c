import type { Backend } from '../../run/frames.ts'

export type BackendState =
  { state: 'checking' } | { state: 'available' } | { state: 'unavailable'; reason: string }

export type BackendChoice = 'auto' | Backend

/**
 * The backend a run uses: the one chosen, or with "auto" a WebContainer when one is up, else the
 * relay's local runner when it is on and a token is known, else the browser (always there).
 */
export function chooseBackend(choice: BackendChoice, states: Record<Backend, BackendState>): Backend {
  if (choice !== 'auto') return choice
  if (states.webcontainer.state === 'available') return 'webcontainer'
  if (states.local.state === 'available') return 'local'
  return 'browser'
}

export const describeState = (state: BackendState): string =>
  state.state === 'checking'
    ? 'checking…'
    : state.state === 'available'
      ? 'available'
      : `unavailable — ${state.reason}`

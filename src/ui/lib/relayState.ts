import type { RelayStatus } from '../../sync/Relays.ts'

/** What the header shows: one line of text, and a kind for its colour. */
export interface OverallState {
  kind: 'none' | 'connected' | 'partial' | 'connecting' | 'refused' | 'reconnecting'
  text: string
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`

function pendingText(statuses: RelayStatus[]): string {
  const pending = Math.max(0, ...statuses.map((s) => s.pending))
  return pending > 0 ? plural(pending, 'change pending', 'changes pending') : ''
}

const retryAt = (s: RelayStatus) => (s.state.kind === 'reconnecting' ? s.state.retryAt : Infinity)

/** One relay's state in words, as the Relays dialog lists it. */
export function relayStateText(status: RelayStatus, now: number, online: boolean): string {
  switch (status.state.kind) {
    case 'connected':
      return 'connected'
    case 'connecting':
      return 'connecting…'
    case 'refused':
      return status.state.tokenSent ? 'refused the token' : 'needs a token'
    case 'reconnecting': {
      const seconds = Math.max(0, Math.ceil((status.state.retryAt - now) / 1000))
      return `${online ? 'unreachable' : 'offline'}, retrying in ${seconds} s`
    }
  }
}

/** The relays that are not connected, counted by what is wrong: "1 relay needs a token", … */
function problems(statuses: RelayStatus[]): string[] {
  const count = (kind: RelayStatus['state']['kind']) => statuses.filter((s) => s.state.kind === kind).length
  const refused = count('refused')
  const unreachable = count('reconnecting')
  const connecting = count('connecting')
  return [
    refused > 0 ? `${plural(refused, 'relay needs', 'relays need')} a token` : '',
    unreachable > 0 ? `${plural(unreachable, 'relay', 'relays')} unreachable` : '',
    connecting > 0 ? `${plural(connecting, 'relay', 'relays')} connecting` : '',
  ].filter(Boolean)
}

/**
 * The true overall state: connected when any relay syncs, with the problems of the others in the
 * same line (not only in a tooltip); otherwise the best of the rest, each problem counted.
 */
export function overallState(statuses: RelayStatus[], now: number, online: boolean): OverallState {
  if (statuses.length === 0) return { kind: 'none', text: 'Local only' }
  const connected = statuses.filter((s) => s.state.kind === 'connected')
  if (connected.length > 0) {
    const others = problems(statuses)
    return {
      kind: others.length > 0 ? 'partial' : 'connected',
      text: ['Connected', pendingText(connected) || 'all synced', ...others].join(' · '),
    }
  }
  const pending = pendingText(statuses)
  if (statuses.length === 1) {
    const [only] = statuses
    const state = only.state
    const text =
      state.kind === 'connecting'
        ? 'Connecting…'
        : state.kind === 'refused'
          ? state.tokenSent
            ? 'Relay refused the token'
            : 'Relay needs a token'
          : `${online ? 'Relay unreachable' : 'Offline'}, ${relayStateText(only, now, online).replace(/^\w+, /, '')}`
    return { kind: state.kind, text: [text, pending].filter(Boolean).join(' · ') }
  }
  const best = (['connecting', 'refused', 'reconnecting'] as const).find((kind) =>
    statuses.some((s) => s.state.kind === kind),
  )!
  const soonest = statuses
    .filter((s) => s.state.kind === 'reconnecting')
    .sort((a, b) => retryAt(a) - retryAt(b))[0]
  const retry = soonest && relayStateText(soonest, now, online).replace(/^\w+, /, '')
  return {
    kind: best,
    text: [
      `${online ? 'No relay connected' : 'Offline'}: ${problems(statuses).join(', ')}`,
      retry ?? '',
      pending,
    ]
      .filter(Boolean)
      .join(' · '),
  }
}

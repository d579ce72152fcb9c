/** Relay addresses: checked, normalised, and kept apart from their tokens. No dependencies, for the window too. */

function parseRelay(input: string): URL {
  let url: URL
  try {
    url = new URL(String(input).trim())
  } catch {
    throw new Error(`"${input}" is not a relay address; expected something like ws://127.0.0.1:8787.`)
  }
  const protocol = { 'http:': 'ws:', 'https:': 'wss:', 'ws:': 'ws:', 'wss:': 'wss:' }[url.protocol]
  if (!protocol || !url.host)
    throw new Error(
      `A relay address starts with ws://, wss://, http:// or https:// and names a host, not "${input}".`,
    )
  return new URL(`${protocol}//${url.host}/sync${url.search}`)
}

/**
 * Checks and normalises a relay address; accepts http(s) or ws(s) origins, with or without /sync.
 * A `?token=` is not part of the address (it is kept apart, see `relayToken`), so one relay is one
 * entry whatever token reached it, and the address can be shown without showing the token.
 */
export function relaySyncAddress(input: string): string {
  const url = parseRelay(input)
  url.searchParams.delete('token')
  return url.href
}

/** The token an address carries as `?token=`, if any. */
export function relayToken(input: string): string | undefined {
  return parseRelay(input).searchParams.get('token') || undefined
}

/** The address to connect to (or to put in a Share link): `url` with `token` as `?token=`. */
export function addressWithToken(url: string, token: string | undefined): string {
  const address = new URL(relaySyncAddress(url))
  if (token) address.searchParams.set('token', token)
  return address.href
}

import type { IncomingMessage } from 'node:http'
import { sameSecret } from './sameSecret.ts'

/**
 * The local runner's rules for who may talk to it, after Jupyter Server's and VS Code Server's
 * local-service rules: the Host must name this machine (or a name the operator allowed), so a
 * DNS-rebound page cannot reach it; an Origin, when the browser sends one, must be the relay's
 * own; and the runner token travels only in `Authorization: Bearer`, never in a URL.
 */

/** Host names a loopback relay answers to without being told. */
const LOOPBACK_NAMES = new Set(['127.0.0.1', 'localhost', '[::1]'])

/** `name[:port]` of a Host header, name lower-cased (IPv6 kept in brackets), or null when malformed. */
export function parseHost(value: string | undefined): { name: string; port: number | null } | null {
  const match = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(?::(\d{1,5}))?$/.exec(value ?? '')
  if (!match) return null
  return { name: match[1].toLowerCase(), port: match[2] === undefined ? null : Number(match[2]) }
}

/**
 * Why the request's Host is refused, or null. Loopback names must carry the port the request came
 * in on (`request.socket.localPort`); an allowed name (`--allow-host`) matches by name alone, or by
 * name and port when given as `NAME:PORT` — a reverse proxy in front of the relay has its own port.
 */
export function hostProblem(request: IncomingMessage, allowedHosts: readonly string[]): string | null {
  const raw = request.headers.host
  const host = parseHost(raw)
  const shown = JSON.stringify(String(raw ?? '').slice(0, 80))
  if (!host) return `The runner refuses a request whose Host header (${shown}) is missing or malformed.`
  const port = host.port ?? 80
  if (LOOPBACK_NAMES.has(host.name) && port === request.socket.localPort) return null
  for (const entry of allowedHosts) {
    const allowed = parseHost(entry)
    if (allowed && allowed.name === host.name && (allowed.port === null || allowed.port === port)) return null
  }
  return `The runner refuses Host ${shown}: it answers to 127.0.0.1, localhost and [::1] on port ${request.socket.localPort}, and to names the operator allows with --allow-host.`
}

/**
 * Why the request's Origin is refused, or null. Browsers send Origin with every cross-origin
 * request, every POST and every WebSocket; it must then be the origin the relay serves the app on,
 * which is the (already allowed) Host under http or https (https when a TLS proxy fronts it).
 * Tools that send no Origin (the CLI) are judged by Host and token alone.
 */
export function originProblem(request: IncomingMessage): string | null {
  const origin = request.headers.origin
  if (origin === undefined) return null
  const host = String(request.headers.host ?? '').toLowerCase()
  const lowered = origin.toLowerCase()
  if (lowered === `http://${host}` || lowered === `https://${host}`) return null
  return `The runner refuses requests from other origins (${JSON.stringify(origin.slice(0, 80))}): only the app this relay serves may use it.`
}

/** The runner token of `Authorization: Bearer`, or null; a `?token=` in the URL is never read. */
export function bearerToken(request: IncomingMessage): string | null {
  return /^Bearer ([^\s]+)$/.exec(request.headers.authorization ?? '')?.[1] ?? null
}

const isLoopback = (address: string | undefined) =>
  address !== undefined && (address === '::1' || /^(::ffff:)?127\./.test(address))

/**
 * Why this request may not reach the runner (status and message), or null: Host, then Origin,
 * then where it comes from, then (HTTP only) the runner token. One gate for every path.
 */
export function runsRefusal(
  request: IncomingMessage,
  settings: { token: string; allowedHosts?: readonly string[]; allowRemote?: boolean },
  needsToken: boolean,
): [number, string] | null {
  const host = hostProblem(request, settings.allowedHosts ?? [])
  if (host) return [403, host]
  const origin = originProblem(request)
  if (origin) return [403, origin]
  if (!settings.allowRemote && !isLoopback(request.socket.remoteAddress))
    return [
      403,
      'This relay runs commands for this machine only (start it with --runs-remote to allow others).',
    ]
  if (needsToken && !sameSecret(bearerToken(request), settings.token))
    return [
      401,
      'Missing or wrong runner token (send it as Authorization: Bearer; it is not the sync token).',
    ]
  return null
}

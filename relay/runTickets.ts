import type { IncomingMessage } from 'node:http'
import { randomBytes } from 'node:crypto'

/** The WebSocket subprotocol of run sockets; the ticket rides beside it as `weft-ticket.{ticket}`. */
export const RUN_PROTOCOL = 'weft-run'
export const TICKET_PROTOCOL_PREFIX = 'weft-ticket.'

interface Ticket {
  runId: string
  expires: number
}

/**
 * Single-use passes to open one socket on one run, issued to a holder of the runner token: a browser
 * cannot set headers on a socket, and a URL ends up in logs.
 */
export class RunTickets {
  readonly #tickets = new Map<string, Ticket>()

  constructor(private readonly validMs: number) {}

  /** A new ticket for one socket on `runId`. */
  issue(runId: string): string {
    const now = Date.now()
    for (const [key, ticket] of this.#tickets) if (ticket.expires <= now) this.#tickets.delete(key)
    const ticket = randomBytes(24).toString('base64url')
    this.#tickets.set(ticket, { runId, expires: now + this.validMs })
    return ticket
  }

  /** Uses up the ticket the socket request offers; true when it was valid for `runId`. */
  redeem(request: IncomingMessage, runId: string): boolean {
    const offered = String(request.headers['sec-websocket-protocol'] ?? '')
      .split(',')
      .map((p) => p.trim())
    const value = offered
      .find((p) => p.startsWith(TICKET_PROTOCOL_PREFIX))
      ?.slice(TICKET_PROTOCOL_PREFIX.length)
    const ticket = value ? this.#tickets.get(value) : undefined
    if (!ticket) return false
    this.#tickets.delete(value!)
    return ticket.runId === runId && ticket.expires > Date.now()
  }

  clear(): void {
    this.#tickets.clear()
  }
}

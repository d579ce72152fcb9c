/**
 * How a relay refuses a sync socket for its token. A browser cannot read the HTTP status of a
 * refused WebSocket upgrade (it sees only "closed, 1006", the same as an unreachable relay), so the
 * relay completes the upgrade and closes at once with this code: the app can then ask for the token.
 * The code says only that a token is needed; whether one was presented the client knows itself.
 */
export const TOKEN_REQUIRED = 4401
export const TOKEN_REQUIRED_REASON = 'token required'

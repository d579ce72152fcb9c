import { describe, expect, it } from 'vitest'
import { parseRoute, repoHref, shareLink } from '../../src/sync/links.ts'
import { relaySyncAddress } from '../../src/sync/Relays.ts'

describe('links', () => {
  it('round-trips a share link with branch and relay', () => {
    const link = shareLink(
      'http://127.0.0.1:8787/#/repo/x',
      'automerge:2fLCE3xxo8rnmi4NDnDFyHkzfhuk',
      'b-1',
      'ws://10.1.2.3:9000/sync',
    )
    expect(link.startsWith('http://127.0.0.1:8787/#/open/automerge%3A2fLCE3xxo8rnmi4NDnDFyHkzfhuk?')).toBe(
      true,
    )
    expect(parseRoute(new URL(link).hash)).toEqual({
      page: 'open',
      url: 'automerge:2fLCE3xxo8rnmi4NDnDFyHkzfhuk',
      branch: 'b-1',
      relay: 'ws://10.1.2.3:9000/sync',
    })
  })
  it('parses repository routes, with and without a branch', () => {
    expect(parseRoute(repoHref('r 1'))).toEqual({ page: 'repo', id: 'r 1', branch: undefined })
    expect(parseRoute(repoHref('r', 'main-id'))).toEqual({ page: 'repo', id: 'r', branch: 'main-id' })
    expect(parseRoute('')).toEqual({ page: 'list' })
    expect(parseRoute('#/nonsense')).toEqual({ page: 'list' })
  })
  it('normalises relay addresses and refuses others', () => {
    expect(relaySyncAddress('http://127.0.0.1:8787')).toBe('ws://127.0.0.1:8787/sync')
    expect(relaySyncAddress('https://relay.test/')).toBe('wss://relay.test/sync')
    expect(relaySyncAddress('ws://h:1/sync?token=t')).toBe('ws://h:1/sync?token=t')
    expect(() => relaySyncAddress('ftp://h')).toThrow('starts with ws://')
    expect(() => relaySyncAddress('not a url')).toThrow('not a relay address')
  })
})

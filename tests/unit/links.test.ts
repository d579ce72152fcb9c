import { describe, expect, it } from 'vitest'
import { branchOfLink, linkBranch, parseRoute, repoHref, shareLink } from '../../src/sync/links.ts'
import { addressWithToken, relaySyncAddress, relayToken } from '../../src/sync/Relays.ts'

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
    // The token is kept apart from the address: one relay, one entry, shown without its token.
    expect(relaySyncAddress('ws://h:1/sync?token=t')).toBe('ws://h:1/sync')
    expect(relayToken('ws://h:1/sync?token=t')).toBe('t')
    expect(relayToken('ws://h:1/sync')).toBeUndefined()
    expect(addressWithToken('http://h:1', 'a b&c')).toBe('ws://h:1/sync?token=a+b%26c')
    expect(relayToken(addressWithToken('ws://h:1/sync', 'a b&c'))).toBe('a b&c')
    expect(() => relaySyncAddress('ftp://h')).toThrow('starts with ws://')
    expect(() => relaySyncAddress('not a url')).toThrow('not a relay address')
  })
  it('names the branch by its name, readable, and reads it back', () => {
    const link = shareLink(
      'http://a/',
      'automerge:2fLCE3xxo8rnmi4NDnDFyHkzfhuk',
      'feature/login-2',
      'ws://h:1/sync?token=s',
    )
    expect(link).toBe(
      'http://a/#/open/automerge%3A2fLCE3xxo8rnmi4NDnDFyHkzfhuk?branch=feature/login-2&relay=ws%3A%2F%2Fh%3A1%2Fsync%3Ftoken%3Ds',
    )
    expect(parseRoute(new URL(link).hash)).toMatchObject({
      branch: 'feature/login-2',
      relay: 'ws://h:1/sync?token=s',
    })
  })
  it('a hostile branch in a link names no branch: the repository opens on its default one', () => {
    const open = (branch: string) =>
      parseRoute(`#/open/automerge%3A2fLCE3xxo8rnmi4NDnDFyHkzfhuk?branch=${encodeURIComponent(branch)}`)
    for (const bad of ['../x', '/x', 'x/', 'a b', '<script>', 'x'.repeat(101), 'é', 'a\nb', ''])
      expect(open(bad)).toMatchObject({ page: 'open', branch: undefined })
    expect(linkBranch('main')).toBe('main')
    expect(parseRoute('#/open/%E0%A4%A')).toEqual({ page: 'list' })
  })
  it('resolves a link branch by name first, then by id (links made before names), else none', () => {
    const branches = [
      { id: 'id-main', name: 'main' },
      { id: 'id-dev', name: 'dev' },
      { id: 'main', name: 'confusing' },
    ]
    expect(branchOfLink(branches, 'dev')).toBe('id-dev')
    expect(branchOfLink(branches, 'main')).toBe('id-main')
    expect(branchOfLink(branches, 'id-dev')).toBe('id-dev')
    expect(branchOfLink(branches, 'nope')).toBeUndefined()
    expect(branchOfLink(branches, undefined)).toBeUndefined()
  })
})

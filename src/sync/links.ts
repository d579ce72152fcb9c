/**
 * The hash route. Repository ids and document URLs live in the hash so they never reach a server log.
 * `#/` the repository list; `#/repo/<id>[/<branch>]` a workspace; `#/open/<url>?branch=&relay=` a
 * shared link, which adds the repository to this browser and then opens it.
 */
export type Route =
  | { page: 'list' }
  | { page: 'repo'; id: string; branch?: string }
  | { page: 'open'; url: string; branch?: string; relay?: string }

export function parseRoute(hash: string): Route {
  const [path, query = ''] = hash.replace(/^#/, '').split('?')
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent)
  const params = new URLSearchParams(query)
  if (parts[0] === 'repo' && parts[1]) return { page: 'repo', id: parts[1], branch: parts[2] }
  if (parts[0] === 'open' && parts[1])
    return {
      page: 'open',
      url: parts[1],
      branch: params.get('branch') ?? undefined,
      relay: params.get('relay') ?? undefined,
    }
  return { page: 'list' }
}

export const repoHref = (id: string, branch?: string) =>
  `#/repo/${encodeURIComponent(id)}${branch ? `/${encodeURIComponent(branch)}` : ''}`

/** The link that opens a repository (and branch) on another browser, through `relay`. */
export function shareLink(appUrl: string, url: string, branch: string, relay?: string): string {
  const params = new URLSearchParams({ branch })
  if (relay) params.set('relay', relay)
  return `${appUrl.split('#')[0]}#/open/${encodeURIComponent(url)}?${params}`
}

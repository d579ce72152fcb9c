/** The hash route: `#/` is the repository list, `#/repo/<id>` a repository's workspace. */
export type Route = { page: 'list' } | { page: 'repo'; id: string }

function parse(hash: string): Route {
  const match = /^#\/repo\/([^/?]+)/.exec(hash)
  return match ? { page: 'repo', id: decodeURIComponent(match[1]) } : { page: 'list' }
}

export const route = $state<{ current: Route }>({ current: parse(location.hash) })
addEventListener('hashchange', () => { route.current = parse(location.hash) })

export const repoHref = (id: string) => `#/repo/${encodeURIComponent(id)}`

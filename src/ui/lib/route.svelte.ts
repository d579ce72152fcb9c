import { parseRoute, type Route } from '../../sync/links.ts'

export { repoHref, shareLink } from '../../sync/links.ts'

/** The current route, following the location hash. */
export const route = $state<{ current: Route }>({ current: parseRoute(location.hash) })
addEventListener('hashchange', () => {
  route.current = parseRoute(location.hash)
})

/**
 * The hash route. Repository ids and document URLs live in the hash so they never reach a server log.
 * `#/` the repository list; `#/repo/<id>[/<branch>]` a workspace; `#/open/<url>?branch=&relay=` a
 * shared link, which adds the repository to this browser and then opens it.
 */
export type Route =
  | { page: 'list' }
  | { page: 'repo'; id: string; branch?: string }
  | { page: 'open'; url: string; branch?: string; relay?: string }

/** Longest branch name (as `VersionControl` allows) or id a link may name; anything longer is not one. */
const MAX_BRANCH = 100

/**
 * A link's branch, checked where the link is read: a link is a stranger's word. A branch is named
 * as `VersionControl` allows names (letters, digits, `-`, `_`, `.`, `/`; no `..`, no leading or
 * trailing `/`), which older links' branch ids also satisfy; anything else names no branch, and
 * the repository opens on its default branch.
 */
export function linkBranch(value: string | null | undefined): string | undefined {
  if (!value || value.length > MAX_BRANCH) return undefined
  if (!/^[\w./-]+$/.test(value) || value.includes('..') || value.startsWith('/') || value.endsWith('/'))
    return undefined
  return value
}

export function parseRoute(hash: string): Route {
  const [path, query = ''] = hash.replace(/^#/, '').split('?')
  let parts: string[]
  try {
    parts = path.split('/').filter(Boolean).map(decodeURIComponent)
  } catch {
    return { page: 'list' } // a malformed %-escape
  }
  const params = new URLSearchParams(query)
  if (parts[0] === 'repo' && parts[1]) return { page: 'repo', id: parts[1], branch: parts[2] }
  if (parts[0] === 'open' && parts[1])
    return {
      page: 'open',
      url: parts[1],
      branch: linkBranch(params.get('branch')),
      relay: params.get('relay') ?? undefined,
    }
  return { page: 'list' }
}

export const repoHref = (id: string, branch?: string) =>
  `#/repo/${encodeURIComponent(id)}${branch ? `/${encodeURIComponent(branch)}` : ''}`

/**
 * The link that opens a repository on another browser, on the branch named `branch` (its name, so
 * a person can read it), through `relay` (with its token, where the person lets links carry it).
 */
export function shareLink(appUrl: string, url: string, branch: string, relay?: string): string {
  // `/` needs no escape in a query; kept readable, as in `branch=feature/login`.
  let query = `branch=${encodeURIComponent(branch).replace(/%2F/gi, '/')}`
  if (relay) query += `&${new URLSearchParams({ relay })}`
  return `${appUrl.split('#')[0]}#/open/${encodeURIComponent(url)}?${query}`
}

/**
 * Which of a repository's branches a link's `branch` names: the branch of that name, else (a link
 * made before links named branches) the branch with that id; none, when neither matches.
 */
export function branchOfLink(
  branches: readonly { id: string; name: string }[],
  named: string | undefined,
): string | undefined {
  if (!named) return undefined
  return (branches.find((b) => b.name === named) ?? branches.find((b) => b.id === named))?.id
}

/**
 * What the workbench shows of a repository (open tabs, the active one, each tab's cursor and scroll,
 * the tree's open folders), kept in localStorage per repository as VS Code keeps it per workspace:
 * it outlives reloads, and a branch switch shows the same tabs on the other branch (tabs whose file
 * the branch lacks are dropped). Read back as untrusted: the storage may hold anything.
 */

/** One open tab: its file's path, selection, and the position of its first visible line. */
export interface TabState {
  path: string
  anchor: number
  head: number
  top: number
}

export interface WorkbenchState {
  tabs: TabState[]
  /** Path of the active tab. */
  active: string | null
  /** Paths of the tree's expanded folders. */
  expanded: string[]
}

const keyOf = (repoId: string) => `weft.workbench.${repoId}`
const empty = (): WorkbenchState => ({ tabs: [], active: null, expanded: [] })
/** Enough for any real session; a bound on what a corrupt entry can make the app open. */
const MAX_TABS = 50
const MAX_EXPANDED = 2_000

const position = (value: unknown) =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : 0

function tabOf(value: unknown): TabState | null {
  if (typeof value !== 'object' || value === null) return null
  const { path, anchor, head, top } = value as Record<string, unknown>
  if (typeof path !== 'string' || !path) return null
  return { path, anchor: position(anchor), head: position(head), top: position(top) }
}

export function loadWorkbench(repoId: string): WorkbenchState {
  let raw: unknown
  try {
    raw = JSON.parse(localStorage.getItem(keyOf(repoId)) ?? 'null')
  } catch {
    return empty()
  }
  if (typeof raw !== 'object' || raw === null) return empty()
  const { tabs, active, expanded } = raw as Record<string, unknown>
  return {
    tabs: Array.isArray(tabs)
      ? tabs
          .slice(0, MAX_TABS)
          .map(tabOf)
          .filter((t) => t !== null)
      : [],
    active: typeof active === 'string' ? active : null,
    expanded: Array.isArray(expanded)
      ? expanded.slice(0, MAX_EXPANDED).filter((p): p is string => typeof p === 'string')
      : [],
  }
}

/** Stores part of the state (the editor saves its tabs, the explorer its folders), keeping the rest. */
export function saveWorkbench(repoId: string, part: Partial<WorkbenchState>): void {
  try {
    localStorage.setItem(keyOf(repoId), JSON.stringify({ ...loadWorkbench(repoId), ...part }))
  } catch {
    // Storage full or denied: the workbench simply starts fresh next time.
  }
}

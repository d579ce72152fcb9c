import type { EntryId, ListedEntry } from '../../model/types.ts'
import { ancestorsOf, baseName } from '../../model/paths.ts'

/** A row of the file tree: folders first, then files, each level sorted by name. */
export interface TreeNode {
  path: string
  name: string
  kind: 'file' | 'dir'
  /** File id; folders implied by paths have none. */
  id?: EntryId
  binary?: boolean
  children: TreeNode[]
}

/** Builds the nested tree from flat entries; folders are implied by paths or kept explicitly. */
export function buildTree(entries: ListedEntry[]): TreeNode[] {
  const root: TreeNode = { path: '', name: '', kind: 'dir', children: [] }
  const folders = new Map<string, TreeNode>([['', root]])
  const folder = (path: string): TreeNode => {
    let node = folders.get(path)
    if (!node) {
      node = { path, name: baseName(path), kind: 'dir', children: [] }
      folders.set(path, node)
      const parent = ancestorsOf(path).at(-1) ?? ''
      folder(parent).children.push(node)
    }
    return node
  }
  for (const entry of entries) {
    if (entry.type === 'dir') {
      folder(entry.path)
      continue
    }
    const parent = folder(ancestorsOf(entry.path).at(-1) ?? '')
    parent.children.push({
      path: entry.path,
      name: baseName(entry.path),
      kind: 'file',
      id: entry.id,
      binary: entry.binary,
      children: [],
    })
  }
  const sort = (nodes: TreeNode[]) => {
    nodes.sort((a, b) => (a.kind === b.kind ? a.name.localeCompare(b.name) : a.kind === 'dir' ? -1 : 1))
    for (const n of nodes) sort(n.children)
  }
  sort(root.children)
  return root.children
}

/** The rows a person sees, in order, given which folders are expanded. */
export function visibleRows(
  nodes: TreeNode[],
  expanded: Set<string>,
  depth = 1,
): { node: TreeNode; depth: number }[] {
  const rows: { node: TreeNode; depth: number }[] = []
  for (const node of nodes) {
    rows.push({ node, depth })
    if (node.kind === 'dir' && expanded.has(node.path))
      rows.push(...visibleRows(node.children, expanded, depth + 1))
  }
  return rows
}

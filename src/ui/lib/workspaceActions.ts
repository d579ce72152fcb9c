import type { Action } from './actions.ts'

export type SidebarView = 'files' | 'search' | 'changes' | 'history' | 'agents' | 'repl'
export type WorkspaceDialog =
  'new-file' | 'new-folder' | 'rename' | 'move' | 'delete' | 'share' | 'run' | 'quick-open'

/** What the workspace lets its actions do. */
export interface WorkspaceCommands {
  open: (dialog: WorkspaceDialog) => void
  /** Whether a file or folder is selected in the tree (rename, move and delete act on it). */
  hasSelection: () => boolean
  show: (view: SidebarView) => void
  importFolder: () => void
  importZip: () => void
  exportZip: () => void
  downloadGit: () => void
  commit: () => void
  allRepositories: () => void
  branch: {
    create: () => void
    rename: () => void
    remove: () => void
    merge: () => void
    canMerge: () => boolean
    pick: () => void
  }
  editor: {
    /** Closes the file shown in the editor. */
    close: () => void
    hasOpen: () => boolean
  }
}

/** Every action of a repository's workspace, in the order the palette lists them; the one place they are declared. */
export function workspaceActions(c: WorkspaceCommands): Action[] {
  const selected = { enabled: c.hasSelection }
  return [
    { category: 'Go', label: 'Go to file or symbol…', shortcut: 'Ctrl+P', run: () => c.open('quick-open') },
    { category: 'Go', label: 'All repositories', run: c.allRepositories },
    { category: 'File', label: 'New file…', run: () => c.open('new-file') },
    { category: 'File', label: 'New folder…', run: () => c.open('new-folder') },
    { category: 'File', label: 'Rename…', run: () => c.open('rename'), ...selected },
    { category: 'File', label: 'Move…', run: () => c.open('move'), ...selected },
    { category: 'File', label: 'Delete…', run: () => c.open('delete'), ...selected },
    { category: 'File', label: 'Import folder…', run: c.importFolder },
    { category: 'File', label: 'Import .zip…', run: c.importZip },
    { category: 'File', label: 'Export .zip', run: c.exportZip },
    { category: 'File', label: 'Download as git', run: c.downloadGit },
    { category: 'View', label: 'Close editor', run: c.editor.close, enabled: c.editor.hasOpen },
    { category: 'View', label: 'Show files', run: () => c.show('files') },
    { category: 'View', label: 'Show search', shortcut: 'Ctrl+Shift+F', run: () => c.show('search') },
    { category: 'View', label: 'Show changes', run: () => c.show('changes') },
    { category: 'View', label: 'Show history', run: () => c.show('history') },
    { category: 'View', label: 'Show agents', run: () => c.show('agents') },
    { category: 'View', label: 'Show REPL', run: () => c.show('repl') },
    { category: 'Branch', label: 'Switch branch…', run: c.branch.pick },
    { category: 'Branch', label: 'New branch…', run: c.branch.create },
    { category: 'Branch', label: 'Rename branch…', run: c.branch.rename },
    { category: 'Branch', label: 'Delete branch…', run: c.branch.remove },
    { category: 'Branch', label: 'Merge…', run: c.branch.merge, enabled: c.branch.canMerge },
    { category: 'Changes', label: 'Commit…', run: c.commit },
    { category: 'Repository', label: 'Run…', run: () => c.open('run') },
    { category: 'Repository', label: 'Share…', run: () => c.open('share') },
  ]
}

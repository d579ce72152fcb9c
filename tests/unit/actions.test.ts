import { describe, expect, it, vi } from 'vitest'
import { actionForKey, actionTitle, matchesShortcut, type KeyPress } from '../../src/ui/lib/actions.ts'
import { workspaceActions, type WorkspaceCommands } from '../../src/ui/lib/workspaceActions.ts'

const press = (key: string, mods: Partial<KeyPress> = {}): KeyPress => ({
  key,
  ctrlKey: false,
  metaKey: false,
  shiftKey: false,
  altKey: false,
  ...mods,
})

describe('action shortcuts', () => {
  it('match their keys and exactly their modifiers; Ctrl is also ⌘', () => {
    expect(matchesShortcut('Ctrl+P', press('p', { ctrlKey: true }))).toBe(true)
    expect(matchesShortcut('Ctrl+P', press('p', { metaKey: true }))).toBe(true)
    expect(matchesShortcut('Ctrl+P', press('P', { ctrlKey: true, shiftKey: true }))).toBe(false)
    expect(matchesShortcut('Ctrl+Shift+F', press('F', { ctrlKey: true, shiftKey: true }))).toBe(true)
    expect(matchesShortcut('Ctrl+Shift+F', press('f', { shiftKey: true }))).toBe(false)
    expect(matchesShortcut('Ctrl+P', press('p', { ctrlKey: true, altKey: true }))).toBe(false)
  })
})

describe('workspace actions', () => {
  function commands(selection: boolean) {
    const c: WorkspaceCommands = {
      open: vi.fn(),
      hasSelection: () => selection,
      show: vi.fn(),
      importFolder: vi.fn(),
      importZip: vi.fn(),
      downloadGit: vi.fn(),
      exportZip: vi.fn(),
      commit: vi.fn(),
      allRepositories: vi.fn(),
      branch: {
        create: vi.fn(),
        rename: vi.fn(),
        remove: vi.fn(),
        merge: vi.fn(),
        canMerge: () => false,
        pick: vi.fn(),
      },
      editor: { close: vi.fn(), hasOpen: () => selection },
    }
    return c
  }

  it('have one title each, and shortcuts that run the right one', () => {
    const c = commands(false)
    const actions = workspaceActions(c)
    expect(new Set(actions.map(actionTitle)).size).toBe(actions.length)
    actionForKey(actions, press('p', { ctrlKey: true }))!.run()
    expect(c.open).toHaveBeenCalledWith('quick-open')
    actionForKey(actions, press('F', { ctrlKey: true, shiftKey: true }))!.run()
    expect(c.show).toHaveBeenCalledWith('search')
    expect(actionForKey(actions, press('x', { ctrlKey: true }))).toBeUndefined()
  })

  it('that act on the selection, or on another branch, are enabled only when there is one', () => {
    const enabled = (selection: boolean) =>
      workspaceActions(commands(selection))
        .filter((a) => a.enabled?.() ?? true)
        .map((a) => a.label)
    expect(enabled(false)).not.toContain('Rename…')
    expect(enabled(false)).not.toContain('Merge…')
    expect(enabled(true)).toEqual(expect.arrayContaining(['Rename…', 'Move…', 'Delete…']))
    expect(enabled(false)).not.toContain('Close editor')
  })
})

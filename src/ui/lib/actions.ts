/** One thing the workbench can do: the command palette lists it, and its shortcut runs it. */
export interface Action {
  /** Groups actions as VS Code does ("View", "Branch", …); shown before the label. */
  category: string
  label: string
  /** As shown, e.g. "Ctrl+Shift+F"; Ctrl also matches ⌘ on a Mac. */
  shortcut?: string
  /** False while the action cannot run (e.g. Rename with nothing selected): the palette leaves it out. */
  enabled?: () => boolean
  run: () => void
}

/** The name the palette shows and matches: "Category: Label". */
export const actionTitle = (action: Action): string => `${action.category}: ${action.label}`

/** The parts of a key press a shortcut looks at. */
export type KeyPress = Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'shiftKey' | 'altKey'>

/** Whether `press` is the shortcut written as "Ctrl+Shift+P" (modifiers must match exactly). */
export function matchesShortcut(shortcut: string, press: KeyPress): boolean {
  const parts = shortcut.split('+')
  const key = parts.pop()!.toLowerCase()
  const wants = new Set(parts.map((p) => p.toLowerCase()))
  return (
    press.key.toLowerCase() === key &&
    (press.ctrlKey || press.metaKey) === wants.has('ctrl') &&
    press.shiftKey === wants.has('shift') &&
    press.altKey === wants.has('alt')
  )
}

/** The enabled action whose shortcut is `press`, if any. */
export function actionForKey(actions: readonly Action[], press: KeyPress): Action | undefined {
  return actions.find((a) => a.shortcut && matchesShortcut(a.shortcut, press) && (a.enabled?.() ?? true))
}

/**
 * The context key under which the app shell offers its own actions (your name, the theme, relays) to
 * the palette of whatever view is open, as a function giving them.
 */
export const APP_ACTIONS = Symbol('app actions')

import { getContext, onDestroy, setContext } from 'svelte'
import type { Action } from './actions.ts'

/** One panel's actions, and whether they belong to a modal dialog (the only ones offered while it is open). */
interface Provider {
  actions: () => Action[]
  inDialog: boolean
}

/**
 * The actions of the panels on screen (the Run dialog's run and stop, a diff's next change, the
 * resolver's choices, search options, …), for the command palette. Each panel registers its own where
 * its controls live, for as long as it is mounted; each action's `enabled` says when it can run.
 */
export class PanelActions {
  readonly #providers = new Set<Provider>()

  register(provider: Provider): () => void {
    this.#providers.add(provider)
    return () => this.#providers.delete(provider)
  }

  /** While a modal dialog is open only its actions can run (what lies behind it cannot be reached). */
  list(dialogOpen: boolean): Action[] {
    return [...this.#providers].filter((p) => p.inDialog || !dialogOpen).flatMap((p) => p.actions())
  }

  /** Whether a dialog on screen offers an action that can run now (then the palette opens over it). */
  offersInDialog(): boolean {
    return [...this.#providers]
      .filter((p) => p.inDialog)
      .some((p) => p.actions().some((a) => a.enabled?.() ?? true))
  }
}

const PANEL_ACTIONS = Symbol('panel actions')

/** Makes the registry for the components below (the app shell calls this once). */
export function providePanelActions(): PanelActions {
  return setContext(PANEL_ACTIONS, new PanelActions())
}

/** The registry the palette reads, if the app shell made one. */
export const panelActionsRegistry = (): PanelActions | undefined =>
  getContext<PanelActions | undefined>(PANEL_ACTIONS)

/**
 * Offers a panel's actions to the command palette while the calling component is mounted (call it
 * during component set-up). `inDialog` for actions of a modal dialog.
 */
export function panelActions(actions: () => Action[], { inDialog = false } = {}): void {
  const registry = panelActionsRegistry()
  if (registry) onDestroy(registry.register({ actions, inDialog }))
}

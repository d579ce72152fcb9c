import { describe, expect, it } from 'vitest'
import type { Action } from '../../src/ui/lib/actions.ts'
import { PanelActions } from '../../src/ui/lib/panelActions.ts'

const action = (label: string, enabled = true): Action => ({
  category: 'Test',
  label,
  enabled: () => enabled,
  run: () => {},
})

describe('panel actions', () => {
  it("lists every panel's actions, only a dialog's while a dialog is open, and forgets a panel that goes", () => {
    const registry = new PanelActions()
    const dropSearch = registry.register({
      actions: () => [action('Toggle exact substring')],
      inDialog: false,
    })
    registry.register({ actions: () => [action('Next change')], inDialog: true })
    const labels = (dialogOpen: boolean) => registry.list(dialogOpen).map((a) => a.label)
    expect(labels(false)).toEqual(['Toggle exact substring', 'Next change'])
    expect(labels(true)).toEqual(['Next change'])
    dropSearch()
    expect(labels(false)).toEqual(['Next change'])
  })

  it('says a dialog offers actions only when one of them can run now', () => {
    const registry = new PanelActions()
    registry.register({ actions: () => [action('Search option')], inDialog: false })
    expect(registry.offersInDialog()).toBe(false)
    let canRun = false
    registry.register({ actions: () => [action('Revert commit', canRun)], inDialog: true })
    expect(registry.offersInDialog()).toBe(false)
    canRun = true
    expect(registry.offersInDialog()).toBe(true)
  })
})

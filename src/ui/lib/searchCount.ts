import { getSearchQuery, searchPanelOpen, type SearchQuery } from '@codemirror/search'
import type { EditorState } from '@codemirror/state'
import { ViewPlugin, type EditorView, type ViewUpdate } from '@codemirror/view'

/** Past this many matches the count says "10000+": counting stays quick in a huge file. */
const MAX_COUNTED = 10_000

/** How many matches the search panel's query has, and which one is selected (1-based), if any. */
export function countMatches(state: EditorState): { total: number; current: number | null; capped: boolean } {
  const query = getSearchQuery(state)
  if (!query.search || !query.valid) return { total: 0, current: null, capped: false }
  const { from, to } = state.selection.main
  const cursor = query.getCursor(state)
  let total = 0
  let current: number | null = null
  for (let step = cursor.next(); !step.done; step = cursor.next()) {
    total++
    if (step.value.from === from && step.value.to === to) current = total
    if (total >= MAX_COUNTED) return { total, current, capped: true }
  }
  return { total, current, capped: false }
}

/** The count as the panel shows it: "3 of 12", "12 matches", "No results". */
export function describeMatches({ total, current, capped }: ReturnType<typeof countMatches>): string {
  const shownTotal = capped ? `${total}+` : String(total)
  if (total === 0) return 'No results'
  if (current !== null) return `${current} of ${shownTotal}`
  return `${shownTotal} match${total === 1 && !capped ? '' : 'es'}`
}

/**
 * Adds a match count ("3 of 12") beside the find field of CodeMirror's search panel, as a status
 * that updates as the query is typed and as the selection moves between matches. The panel is
 * CodeMirror's own; its DOM stays while the panel is open, so the count is placed in it once.
 */
export const searchMatchCount = ViewPlugin.fromClass(
  class {
    readonly #status: HTMLElement
    #query: SearchQuery | null = null

    constructor(readonly view: EditorView) {
      this.#status = document.createElement('span')
      this.#status.className = 'cm-search-count'
      this.#status.setAttribute('role', 'status')
      this.#status.setAttribute('aria-label', 'Search matches')
      this.#show(true)
    }

    update(update: ViewUpdate) {
      this.#show(update.docChanged || update.selectionSet)
    }

    #show(changed: boolean, retried = false) {
      const { state } = this.view
      if (!searchPanelOpen(state)) {
        this.#query = null
        return
      }
      const field = this.view.dom.querySelector('.cm-search input[name=search]')
      // Just opened: the panel's DOM comes with the same update, after this plugin may have run.
      if (!field) return retried ? undefined : queueMicrotask(() => this.#show(true, true))
      if (this.#status.previousElementSibling !== field) field.after(this.#status)
      const query = getSearchQuery(state)
      if (!changed && this.#query?.eq(query)) return
      this.#query = query
      const text = query.search ? describeMatches(countMatches(state)) : ''
      if (this.#status.textContent !== text) this.#status.textContent = text
    }

    destroy() {
      this.#status.remove()
    }
  },
)

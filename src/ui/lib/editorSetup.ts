import { basicSetup } from 'codemirror'
import { HighlightStyle, syntaxHighlighting } from '@codemirror/language'
import { EditorView } from '@codemirror/view'
import type { Extension } from '@codemirror/state'
import { tags as t } from '@lezer/highlight'
import { languageEntryForPath } from '../../syntax/languages.ts'
import { searchMatchCount } from './searchCount.ts'

/** Editor chrome from the Catppuccin CSS variables, so it follows the theme switch live. */
const chrome = EditorView.theme({
  '&': { height: '100%', backgroundColor: 'var(--ctp-base)', color: 'var(--ctp-text)' },
  '.cm-scroller': {
    fontFamily: 'ui-monospace, "JetBrains Mono", Menlo, Consolas, monospace',
    fontSize: '13px',
  },
  '.cm-content': { caretColor: 'var(--ctp-rosewater)' },
  '.cm-cursor, .cm-dropCursor': { borderLeftColor: 'var(--ctp-rosewater)' },
  '&.cm-focused .cm-selectionBackground, .cm-selectionBackground, ::selection': {
    backgroundColor: 'color-mix(in srgb, var(--ctp-overlay2) 30%, transparent)',
  },
  '.cm-gutters': { backgroundColor: 'var(--ctp-mantle)', color: 'var(--ctp-overlay0)', border: 'none' },
  '.cm-activeLine': { backgroundColor: 'color-mix(in srgb, var(--ctp-surface0) 50%, transparent)' },
  '.cm-activeLineGutter': { backgroundColor: 'var(--ctp-surface0)', color: 'var(--ctp-lavender)' },
  '.cm-searchMatch': { backgroundColor: 'color-mix(in srgb, var(--ctp-yellow) 30%, transparent)' },
  '.cm-panels': { backgroundColor: 'var(--ctp-mantle)', color: 'var(--ctp-text)' },
  '.cm-tooltip': { backgroundColor: 'var(--ctp-mantle)', border: '1px solid var(--ctp-surface1)' },
  '.cm-panel input, .cm-panel button': { color: 'var(--ctp-text)' },
  '.cm-search-count': { margin: '0 6px', fontSize: '12px', color: 'var(--ctp-subtext0)' },
})

const highlighting = HighlightStyle.define([
  { tag: [t.keyword, t.modifier, t.controlKeyword, t.operatorKeyword], color: 'var(--ctp-mauve)' },
  { tag: [t.string, t.special(t.string), t.regexp], color: 'var(--ctp-green)' },
  { tag: [t.number, t.bool, t.null, t.atom], color: 'var(--ctp-peach)' },
  { tag: [t.comment, t.lineComment, t.blockComment], color: 'var(--ctp-overlay1)', fontStyle: 'italic' },
  { tag: [t.function(t.variableName), t.function(t.propertyName)], color: 'var(--ctp-blue)' },
  { tag: [t.typeName, t.className, t.namespace], color: 'var(--ctp-yellow)' },
  { tag: [t.propertyName, t.attributeName], color: 'var(--ctp-lavender)' },
  { tag: [t.tagName, t.heading], color: 'var(--ctp-red)', fontWeight: 'bold' },
  { tag: [t.operator, t.punctuation], color: 'var(--ctp-sky)' },
  { tag: [t.definition(t.variableName)], color: 'var(--ctp-text)' },
  { tag: [t.link, t.url], color: 'var(--ctp-rosewater)', textDecoration: 'underline' },
  { tag: t.emphasis, fontStyle: 'italic' },
  { tag: t.strong, fontWeight: 'bold' },
  { tag: t.invalid, color: 'var(--ctp-red)' },
])

/**
 * Line wrapping for prose: Markdown and plain text (no language of ours) read as paragraphs, so
 * their long lines wrap in the editor; code keeps one line per line.
 */
export function proseWrapping(path: string): Extension {
  const language = languageEntryForPath(path)
  return language === undefined || language.index === 'markdown' ? EditorView.lineWrapping : []
}

/** Everything an open file's editor state carries besides its language and live binding. */
export function editorExtensions(path: string, language: Extension | null): Extension[] {
  return [
    basicSetup,
    chrome,
    syntaxHighlighting(highlighting),
    EditorView.contentAttributes.of({ 'aria-label': `Editor: ${path}` }),
    language ?? [],
    searchMatchCount,
  ]
}

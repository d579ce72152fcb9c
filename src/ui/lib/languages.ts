import type { Extension } from '@codemirror/state'
import { StreamLanguage } from '@codemirror/language'
import { LANGUAGES, languageOfPath, type EditorMode } from '../../syntax/languages.ts'

/** Each editor mode the registry (syntax/languages.ts) names, loaded on demand. */
const MODES: Record<EditorMode, () => Promise<Extension>> = {
  typescript: async () => (await import('@codemirror/lang-javascript')).javascript({ typescript: true }),
  tsx: async () => (await import('@codemirror/lang-javascript')).javascript({ typescript: true, jsx: true }),
  javascript: async () => (await import('@codemirror/lang-javascript')).javascript(),
  jsx: async () => (await import('@codemirror/lang-javascript')).javascript({ jsx: true }),
  json: async () => (await import('@codemirror/lang-json')).json(),
  python: async () => (await import('@codemirror/lang-python')).python(),
  go: async () => (await import('@codemirror/lang-go')).go(),
  rust: async () => (await import('@codemirror/lang-rust')).rust(),
  css: async () => (await import('@codemirror/lang-css')).css(),
  html: async () => (await import('@codemirror/lang-html')).html(),
  markdown: async () => (await import('@codemirror/lang-markdown')).markdown(),
  yaml: async () => (await import('@codemirror/lang-yaml')).yaml(),
  toml: async () => StreamLanguage.define((await import('@codemirror/legacy-modes/mode/toml')).toml),
}

/** Loads the syntax mode for a file name, or null for plain text. Modes load on demand. */
export async function languageFor(path: string): Promise<Extension | null> {
  const id = languageOfPath(path)
  const mode = id === undefined ? null : LANGUAGES[id].editor
  return mode === null ? null : MODES[mode]()
}

import type { Extension } from '@codemirror/state'
import { StreamLanguage } from '@codemirror/language'

/** Loads the syntax mode for a file name, or null for plain text. Modes load on demand. */
export async function languageFor(path: string): Promise<Extension | null> {
  const name = path.slice(path.lastIndexOf('/') + 1).toLowerCase()
  const ext = name.includes('.') ? name.slice(name.lastIndexOf('.') + 1) : name
  switch (ext) {
    case 'ts':
    case 'mts':
    case 'cts':
      return (await import('@codemirror/lang-javascript')).javascript({ typescript: true })
    case 'tsx':
      return (await import('@codemirror/lang-javascript')).javascript({ typescript: true, jsx: true })
    case 'js':
    case 'mjs':
    case 'cjs':
      return (await import('@codemirror/lang-javascript')).javascript()
    case 'jsx':
      return (await import('@codemirror/lang-javascript')).javascript({ jsx: true })
    case 'json':
    case 'jsonc':
    case 'webmanifest':
      return (await import('@codemirror/lang-json')).json()
    case 'py':
    case 'pyi':
      return (await import('@codemirror/lang-python')).python()
    case 'go':
      return (await import('@codemirror/lang-go')).go()
    case 'rs':
      return (await import('@codemirror/lang-rust')).rust()
    case 'css':
      return (await import('@codemirror/lang-css')).css()
    case 'html':
    case 'htm':
    case 'svelte':
    case 'vue':
      return (await import('@codemirror/lang-html')).html()
    case 'md':
    case 'markdown':
      return (await import('@codemirror/lang-markdown')).markdown()
    case 'yaml':
    case 'yml':
      return (await import('@codemirror/lang-yaml')).yaml()
    case 'toml':
      return StreamLanguage.define((await import('@codemirror/legacy-modes/mode/toml')).toml)
    default:
      return null
  }
}

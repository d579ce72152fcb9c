import { flavors } from '@catppuccin/palette'

export type ThemeChoice = 'system' | 'mocha' | 'latte'
const STORAGE_KEY = 'weft-theme'

/** Catppuccin Mocha and Latte as CSS custom properties (`--ctp-base`, `--ctp-mauve`, …). */
export function installPalette(): void {
  const block = (flavor: 'mocha' | 'latte') =>
    Object.entries(flavors[flavor].colors)
      .map(([name, colour]) => `--ctp-${name}: ${colour.hex};`)
      .join(' ') + ` color-scheme: ${flavor === 'mocha' ? 'dark' : 'light'};`
  const style = document.createElement('style')
  style.textContent = [
    `:root, :root[data-theme='latte'] { ${block('latte')} }`,
    `@media (prefers-color-scheme: dark) { :root:not([data-theme='latte']) { ${block('mocha')} } }`,
    `:root[data-theme='mocha'] { ${block('mocha')} }`,
  ].join('\n')
  document.head.append(style)
}

export function savedTheme(): ThemeChoice {
  const saved = localStorage.getItem(STORAGE_KEY)
  return saved === 'mocha' || saved === 'latte' ? saved : 'system'
}

/** Applies a choice; 'system' follows `prefers-color-scheme`. */
export function applyTheme(choice: ThemeChoice): void {
  if (choice === 'system') {
    delete document.documentElement.dataset.theme
    localStorage.removeItem(STORAGE_KEY)
  } else {
    document.documentElement.dataset.theme = choice
    localStorage.setItem(STORAGE_KEY, choice)
  }
}

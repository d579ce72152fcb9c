import type { Identity } from '../../live/protocol.ts'

export type { Identity }

const KEY = 'weft-identity'
/** Catppuccin accents that read on both Mocha and Latte. */
const COLOURS = ['#f38ba8', '#fab387', '#a6e3a1', '#89b4fa', '#cba6f7', '#94e2d5', '#f9e2af', '#74c7ec']

export function identity(): Identity {
  try {
    const saved = JSON.parse(localStorage.getItem(KEY) ?? 'null') as Identity | null
    if (saved?.name && saved.colour) return saved
  } catch {
    /* a damaged entry is replaced below */
  }
  const fresh = {
    name: `Guest ${Math.floor(1000 + Math.random() * 9000)}`,
    colour: COLOURS[Math.floor(Math.random() * COLOURS.length)],
  }
  localStorage.setItem(KEY, JSON.stringify(fresh))
  return fresh
}

export function rename(name: string): Identity {
  const trimmed = name.trim().slice(0, 40)
  if (!trimmed) throw new Error('A name is required.')
  const next = { ...identity(), name: trimmed }
  localStorage.setItem(KEY, JSON.stringify(next))
  return next
}

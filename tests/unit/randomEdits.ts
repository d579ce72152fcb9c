import { ChangeSet } from '@codemirror/state'

/** A deterministic generator, so a failure can be replayed. */
export function random(seed: number) {
  return () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31
}

/** Moves a position off the middle of a surrogate pair: the editor never splits a character. */
function clampToCharacter(text: string, pos: number): number {
  const code = text.charCodeAt(pos)
  return code >= 0xdc00 && code <= 0xdfff ? pos + 1 : pos
}

/** A change set of 1–4 random edits (insertions, deletions, replacements, emoji) over `text`. */
export function randomChanges(text: string, rand: () => number): ChangeSet {
  const specs: { from: number; to: number; insert: string }[] = []
  let at = 0
  for (let i = 0; i < 1 + Math.floor(rand() * 4) && at <= text.length; i++) {
    const from = clampToCharacter(text, at + Math.floor(rand() * (text.length - at + 1)))
    const to = clampToCharacter(text, Math.min(text.length, from + Math.floor(rand() * 4)))
    const insert = ['', 'x', 'héllo\n', '🙂', 'ab'][Math.floor(rand() * 5)]
    specs.push({ from, to, insert })
    at = to + 1
  }
  return ChangeSet.of(specs, text.length)
}

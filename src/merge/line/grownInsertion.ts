/**
 * Both sides inserted code at one place, one side the other's code word for word and more after
 * or before it (both added the same helper, one side a second one too): the longer insertion, in
 * which the shared code appears once. Only where the shorter stands as whole words of the longer
 * and has a word in it; undefined otherwise.
 */
export function grownInsertion(base: string, left: string, right: string): string | undefined {
  if (base.trim() !== '') return undefined
  const [short, long] = left.length < right.length ? [left, right] : [right, left]
  if (!/\w/.test(short)) return undefined
  const apart = (char: string | undefined) => char === undefined || /\s/.test(char)
  const leads = long.startsWith(short) && (short.endsWith('\n') || apart(long[short.length]))
  const trails =
    long.endsWith(short) && (short.startsWith('\n') || apart(long[long.length - short.length - 1]))
  return leads || trails ? long : undefined
}

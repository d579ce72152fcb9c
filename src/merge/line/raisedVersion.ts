/** `major.minor.patch`, nothing more: two parts are as often a decimal, four an address. */
const VERSION = /^(\d+)\.(\d+)\.(\d+)$/
const VERSION_CHAR = /[\d.]/

/**
 * Both sides raised the same version number, each to its own (a release branch's `1.51.4`
 * merged into a main line already at `1.52.3`, both sides bumping a dependency): the higher,
 * as the people who merge such branches take it. Only where the three versions are one text
 * but for one `major.minor.patch` number and both sides raised it; undefined otherwise.
 */
export function raisedVersion(base: string, left: string, right: string): string | undefined {
  const shortest = Math.min(base.length, left.length, right.length)
  let head = 0
  while (head < shortest && base[head] === left[head] && base[head] === right[head]) head++
  let tail = 0
  const at = (text: string, fromEnd: number) => text[text.length - 1 - fromEnd]
  while (tail < shortest - head && at(base, tail) === at(left, tail) && at(base, tail) === at(right, tail))
    tail++
  // Widen the difference to the whole number it sits in (`1.5[1.3]` → `1.51.3`).
  while (head > 0 && VERSION_CHAR.test(base[head - 1])) head--
  while (tail > 0 && VERSION_CHAR.test(at(base, tail - 1))) tail--
  const [b, l, r] = [base, left, right].map((text) => parts(text.slice(head, text.length - tail)))
  if (!b || !l || !r || compare(l, b) <= 0 || compare(r, b) <= 0) return undefined
  return compare(l, r) >= 0 ? left : right
}

const parts = (token: string): number[] | undefined => VERSION.exec(token)?.slice(1).map(Number)

const compare = (a: number[], b: number[]): number => {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] - b[i]
  return 0
}

/**
 * For files without a grammar, what a clean line merge may have duplicated: a `key = value` (or
 * `key: value`) line both sides added for the same new key with different values, or a
 * declaration header (`class TypeC {`) both sides added at different places. Config files and
 * code then declare the same name twice, so such a merge must not be trusted.
 */
export function duplicatesAddedName(base: string, left: string, right: string, merged: string): boolean {
  return addsSameKeyTwice(base, left, right) || repeatsDeclaration(left, right, merged)
}

const keyOf = (line: string) => line.match(/^([^=:\s][^=:]{0,79}?)\s*[=:]/)?.[1]

function addsSameKeyTwice(base: string, left: string, right: string): boolean {
  const baseLines = new Set(trimmedLines(base))
  const baseKeys = new Set([...baseLines].map(keyOf))
  const added = (text: string) =>
    new Map(
      trimmedLines(text)
        .filter((line) => !baseLines.has(line))
        .flatMap((line) => {
          const key = keyOf(line)
          return key !== undefined && /\w/.test(key) && !baseKeys.has(key) ? [[key, line] as const] : []
        }),
    )
  const fromLeft = added(left)
  for (const [key, line] of added(right)) {
    const other = fromLeft.get(key)
    if (other !== undefined && other !== line) return true
  }
  return false
}

const DECLARATION =
  /^(?:(?:export|public|private|abstract|final|sealed|data|pub)\s+)*(?:class|struct|interface|enum|trait|fn|func|def|function|type|module|object|record|mixin|extension)\s+\w+/

function repeatsDeclaration(left: string, right: string, merged: string): boolean {
  const count = (text: string) => {
    const counts = new Map<string, number>()
    for (const line of trimmedLines(text))
      if (DECLARATION.test(line)) counts.set(line, (counts.get(line) ?? 0) + 1)
    return counts
  }
  const [l, r] = [count(left), count(right)]
  return [...count(merged)].some(([line, n]) => n > Math.max(l.get(line) ?? 0, r.get(line) ?? 0))
}

const trimmedLines = (text: string) => text.split('\n').map((line) => line.trim())

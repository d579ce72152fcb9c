import type { LanguageProfile } from '../profiles/profile.ts'
import type { SyntaxTree } from '../tree/syntaxTree.ts'
import { duplicatesAddedName } from './addedNames.ts'
import { keepsSharedLines } from './keptLines.ts'
import { contentLines, countLines, lineAccounts, type LineAccounts } from './lineAccounts.ts'
import { declaresNoNameTwice, parsesAsWellAsTheSides } from './soundness.ts'

/**
 * The checks every clean merge passes before it is returned as clean (fail closed): a result
 * failing one is replaced by the line merge's conflicts. Each is named by what it guards.
 */
export type CleanCheck =
  | 'keeps-added-lines'
  | 'brings-back-no-deleted-line'
  | 'duplicates-nothing'
  | 'declares-no-name-twice'
  | 'parses'

export interface Versions {
  base: string
  left: string
  right: string
}

const get = (counts: Map<string, number>, line: string) => counts.get(line) ?? 0

/**
 * Lines that are a whole named element (an import, a `key = value` or `key: value` entry): a
 * structured merge keeps one of two equal ones, so their copies are not counted. Comments are
 * never such a line.
 */
const NAMED_LINE =
  /^(?:(?:import|use|using|require|package|from\s+\S+\s+import)\b|#(?:include|import)\b|["']?[\w.-]+["']?\s*[=:]\s*[^=\s])/
const COMMENT = /^(?:\/\/|\/\*|\*|#(?!include|import)|--|<!--|;)/
const isNamedLine = (line: string) => !COMMENT.test(line) && NAMED_LINE.test(line)

/** The most copies of a line the sides' counts explain: either side's, or both sides' additions. */
function counted(accounts: LineAccounts, line: string): number {
  const { counts } = accounts
  const [b, l, r] = [get(counts.base, line), get(counts.left, line), get(counts.right, line)]
  return Math.max(l, r, l + r - b)
}

/** The most times a line may occur in a result: as counted, or kept by both plus added by either. */
const most = (accounts: LineAccounts, line: string): number =>
  Math.max(
    counted(accounts, line),
    get(accounts.keptByBoth, line) + get(accounts.added.left, line) + get(accounts.added.right, line),
  )

/**
 * (1) Every line both sides kept is there, and every line one side added where the other side
 * changed nothing and deleted no occurrence of it (never more than the sides hold, `counted`); so is
 * every line the three versions share (`keepsSharedLines`). A block both sides inserted word for
 * word, at different places, is one addition when the result holds it whole (the same helper
 * added twice is kept once).
 */
export function keepsAddedLines(
  accounts: LineAccounts,
  merged: Map<string, number>,
  mergedLines: string[],
): boolean {
  const { counts, keptByBoth, addedUntouched } = accounts
  const required = new Map(keptByBoth)
  for (const [side, other] of [
    ['left', 'right'],
    ['right', 'left'],
  ] as const) {
    for (const [line, n] of addedUntouched[side])
      if (get(counts[other], line) >= get(counts.base, line)) required.set(line, get(required, line) + n)
  }
  for (const block of blocksBothInserted(accounts)) {
    if (occurrences(mergedLines, block) === 0) continue
    for (const line of block) required.set(line, get(required, line) - 1)
  }
  for (const [line, n] of required) {
    const floor = isNamedLine(line) ? Math.min(n, 1) : Math.min(n, counted(accounts, line))
    if (get(merged, line) < floor) return false
  }
  return true
}

/**
 * (2) A line is in the result no more often than the base had it, less what a side deleted
 * where the other side changed nothing, plus what either side added.
 */
export function bringsBackNoDeletedLine(accounts: LineAccounts, merged: Map<string, number>): boolean {
  const { counts, added, deletedUntouched } = accounts
  for (const [line, b] of counts.base) {
    const deleted = get(deletedUntouched.left, line) + get(deletedUntouched.right, line)
    if (deleted === 0) continue
    if (get(merged, line) > b - deleted + get(added.left, line) + get(added.right, line)) return false
  }
  return true
}

/** Hunks shorter than this, in non-blank lines, may well be inserted by both sides at two places. */
const BLOCK_LINES = 3

/** The hunks of at least `BLOCK_LINES` lines both sides inserted word for word (right's copies). */
function blocksBothInserted({ hunks }: LineAccounts): string[][] {
  const long = (hunk: string[]) => hunk.length >= BLOCK_LINES
  const leftHunks = new Set(hunks.left.filter(long).map((hunk) => hunk.join('\n')))
  return hunks.right.filter((hunk) => long(hunk) && leftHunks.has(hunk.join('\n')))
}

/** How many times `block` occurs in `lines` as consecutive lines. */
function occurrences(lines: string[], block: string[]): number {
  let count = 0
  for (let i = 0; i + block.length <= lines.length; i++) {
    let k = 0
    while (k < block.length && lines[i + k] === block[k]) k++
    if (k === block.length) count++
  }
  return count
}

/**
 * (3) Nothing is duplicated that no side duplicated: a line occurs at most `most` times, and a
 * block of lines both
 * sides inserted word for word occurs no more often than in the side that has it most (both
 * sides adding the same block is one addition).
 */
export function duplicatesNothing(
  accounts: LineAccounts,
  merged: Map<string, number>,
  mergedLines: string[],
): boolean {
  const { counts } = accounts
  for (const [line, m] of merged) {
    const inSomeVersion = counts.base.has(line) || counts.left.has(line) || counts.right.has(line)
    if (inSomeVersion && m > most(accounts, line)) return false
  }
  for (const hunk of blocksBothInserted(accounts)) {
    const { left, right } = accounts.lines
    if (occurrences(mergedLines, hunk) > Math.max(occurrences(left, hunk), occurrences(right, hunk)))
      return false
  }
  return true
}

/** The line checks (1–3) of a clean result, the first that fails, if any. */
export function failedLineCheck({ base, left, right }: Versions, merged: string): CleanCheck | undefined {
  if (!keepsSharedLines(base, left, right, merged)) return 'keeps-added-lines'
  const accounts = lineAccounts(base, left, right)
  const mergedLines = contentLines(merged)
  const mergedCounts = countLines(mergedLines)
  if (!keepsAddedLines(accounts, mergedCounts, mergedLines)) return 'keeps-added-lines'
  if (!bringsBackNoDeletedLine(accounts, mergedCounts)) return 'brings-back-no-deleted-line'
  if (!duplicatesNothing(accounts, mergedCounts, mergedLines)) return 'duplicates-nothing'
  return undefined
}

/** The syntax checks (4–5) of a clean result parsed as `merged`, the first that fails, if any. */
export function failedTreeCheck(
  merged: SyntaxTree,
  base: SyntaxTree,
  left: SyntaxTree,
  right: SyntaxTree,
  profile: LanguageProfile,
): CleanCheck | undefined {
  if (!parsesAsWellAsTheSides(merged, left, right)) return 'parses'
  if (!declaresNoNameTwice(merged, base, left, right, profile)) return 'declares-no-name-twice'
  return undefined
}

/** (4) for files merged without a grammar: no key or declaration header added twice. */
export function failedTextCheck({ base, left, right }: Versions, merged: string): CleanCheck | undefined {
  return duplicatesAddedName(base, left, right, merged) ? 'declares-no-name-twice' : undefined
}

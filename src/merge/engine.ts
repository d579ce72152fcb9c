import type { Grammars } from '../syntax/grammars.ts'
import { LANGUAGES, structuredGrammarForPath, type StructuredGrammar } from '../syntax/languages.ts'
import { failedLineCheck, failedTextCheck, failedTreeCheck } from './checks/cleanResult.ts'
import { reconcileRenames, type MergeWarning } from './checks/renames.ts'
import { matchLines } from './line/diff3.ts'
import { lines, linePieces } from './line/linePieces.ts'
import { renderPieces, type MergeConflict } from './line/mergedText.ts'
import type { Piece } from './line/pieces.ts'
import { profileFor } from './profiles/languages.ts'
import type { LanguageProfile } from './profiles/profile.ts'
import { mergeParsed, MergeTimeout } from './structured/parsedMerge.ts'
import { Parses } from './tree/syntaxTree.ts'

export type { MergeConflict } from './line/mergedText.ts'
export type { MergeWarning } from './checks/renames.ts'

export interface MergeInput {
  base: string
  left: string
  right: string
  /** File path; its extension picks the language. */
  path: string
  /** Time budget in milliseconds for the structured merge; past it the line merge is returned. */
  budgetMs?: number
}

export interface MergeResult {
  text: string
  clean: boolean
  conflicts: MergeConflict[]
  /**
   * `line`: the line merge, kept because it was clean and sound or no grammar applies;
   * `structured`: the syntax-aware merge; `fallback`: the line merge after the structured merge
   * was impossible (unparseable side, timeout) or did worse.
   */
  method: 'line' | 'structured' | 'fallback'
  /** Clean merges that may still be broken, and renames carried across. */
  warnings: MergeWarning[]
}

export interface MergeEngine {
  /** Loads the grammar a path needs, so `merge` on such paths is fully structured. */
  prepare(path: string): Promise<void>
  /** Synchronous merge; files whose grammar is not loaded yet get the line merge. */
  merge(input: MergeInput): MergeResult
  /** `prepare` then `merge`. */
  mergeAsync(input: MergeInput): Promise<MergeResult>
}

const DEFAULT_BUDGET_MS = 2_000
/** Beyond this the structured merge is not attempted: parse and match costs grow with size. */
const MAX_STRUCTURED_CHARS = 2_000_000

const result = (pieces: Piece[], method: MergeResult['method']): MergeResult => {
  const { text, conflicts } = renderPieces(pieces)
  return { text, clean: conflicts.length === 0, conflicts, method, warnings: [] }
}

/**
 * The line merge as a fallback for a merge not to be trusted: its conflicts, or, when the line
 * merge is clean (and so known to be wrong too), the whole disagreement as one conflict of `kind`.
 */
const lineFallback = ({ base, left, right }: MergeInput, line: MergeResult, kind: string): MergeResult =>
  line.clean ? result([{ kind, path: [], base, left, right }], 'fallback') : { ...line, method: 'fallback' }

const withNewline = (text: string): string => (text === '' || text.endsWith('\n') ? text : text + '\n')

/**
 * Characters of the sides inside conflicts: the smaller, the more of the merge was decided. (The
 * base is left out: a merge that shows in it what both sides agreed on would count as worse.)
 */
const conflictMass = (merge: MergeResult): number =>
  merge.conflicts.reduce((sum, conflict) => sum + conflict.left.length + conflict.right.length, 0)

/**
 * The syntax-aware merge: the line merge when it is clean and structurally sound, otherwise a
 * structured merge of the three syntax trees, falling back to the line merge for files without
 * a grammar, files that do not parse, binary or huge input, and a spent time budget.
 */
export function createMergeEngine(grammars: Grammars): MergeEngine {
  const prepare = async (path: string): Promise<void> => {
    const grammar = structuredGrammarForPath(path)
    // A grammar that cannot be loaded (fetched offline before its first use) leaves the file to
    // the line merge, as for a file without one.
    if (grammar) await grammars.parser(grammar).catch(() => undefined)
  }
  const merge = (input: MergeInput): MergeResult => mergeFile(input, grammars)
  return {
    prepare,
    merge,
    async mergeAsync(input) {
      await prepare(input.path)
      return merge(input)
    },
  }
}

/** One file's merge, with the final newline each side chose. */
function mergeFile(input: MergeInput, grammars: Grammars): MergeResult {
  const { base, left, right } = input
  if (left === right || right === base) return result([left], 'line')
  if (left === base) return result([right], 'line')
  const endings = [base, left, right].map((text) => text === '' || text.endsWith('\n'))
  if (endings.every(Boolean)) return mergeTexts(input, grammars)
  // A missing final newline would make the last line differ on its own and conflict with
  // edits next to it: merge with newlines, then keep the side's choice about the last one.
  const merged = mergeTexts(
    {
      ...input,
      base: withNewline(base),
      left: withNewline(left),
      right: withNewline(right),
    },
    grammars,
  )
  const [b, l, r] = endings
  const ending = l === b ? r : l
  const last = merged.conflicts[merged.conflicts.length - 1]
  const conflictAtEnd = last !== undefined && last.resultRange.to === merged.text.length
  return ending || conflictAtEnd || !merged.text.endsWith('\n')
    ? merged
    : { ...merged, text: merged.text.slice(0, -1) }
}

/**
 * Texts ending in newlines: the line merge, else the structured merge where a grammar is loaded.
 * Whichever merge is chosen, a clean result is checked here, the one way out (fail closed): one
 * that loses a side's line, brings back a deleted one or duplicates one (`failedLineCheck`; the
 * syntax checks ran when the structured path accepted it, the name check for files without a
 * grammar in `chooseMerge`) is not returned: the line merge's conflicts are, or the whole
 * disagreement as one conflict.
 */
function mergeTexts(input: MergeInput, grammars: Grammars): MergeResult {
  const { base, left, right, budgetMs = DEFAULT_BUDGET_MS } = input
  const deadline = Date.now() + budgetMs
  const line = result(linePieces(base, left, right), 'line')
  const { unrenamed, linesChecked, ...merged } = chooseMerge(input, line, grammars, deadline)
  if (!merged.clean || linesChecked || failedLineCheck(input, unrenamed ?? merged.text) === undefined)
    return merged
  return lineFallback(input, line, 'line')
}

/**
 * A merge with, when renames were carried across, its text before: what the checks judge (a
 * rename carried to the other side's new lines changes lines no side wrote); `linesChecked` when
 * the structured path already ran the line checks on it.
 */
type Chosen = MergeResult & { unrenamed?: string; linesChecked?: boolean }

/** The line merge, or the structured merge where a grammar is loaded and the line merge falls short. */
function chooseMerge(input: MergeInput, line: MergeResult, grammars: Grammars, deadline: number): Chosen {
  const { base, left, right, path } = input
  const grammar = structuredGrammarForPath(path)
  const parser = grammar && grammars.loadedParser(grammar)
  if (
    !grammar ||
    !parser ||
    [base, left, right].some((text) => text.length > MAX_STRUCTURED_CHARS || text.includes('\0'))
  ) {
    return line.clean && failedTextCheck(input, line.text) !== undefined
      ? result([{ kind: 'line', path: [], base, left, right }], 'line')
      : line
  }
  const profile = profileFor(grammar)
  // The sides are parsed incrementally from the base, a merged text from the side nearest it.
  const parses = new Parses(parser, profile.chains ?? [], profile.lenientTrailingCommas)
  try {
    return structuredMerge(input, line, parses, profile, deadline)
  } finally {
    parses.delete()
  }
}

/**
 * The structured merge, or the line merge (`fallback`) where a side does not parse, the budget is
 * spent, a clean result is not sound, or the line merge leaves less in conflict.
 */
function structuredMerge(
  input: MergeInput,
  line: MergeResult,
  parses: Parses,
  profile: LanguageProfile,
  deadline: number,
): Chosen {
  const { base, left, right } = input
  const pb = parses.parse(base)
  const [pl, pr] = pb ? [parses.parse(left, pb), parses.parse(right, pb)] : []
  if (!pb || !pl || !pr) return { ...line, method: 'fallback' }
  const [tb, tl, tr] = [pb.tree, pl.tree, pr.tree]
  // A merged text holds both sides' changes, so it is nearest the side that changed more: parsed
  // from that side's tree, its line diff (the incremental parse's edits) is the other side's few
  // changes, not the many of the side that rewrote the file.
  const nearest = changedLines(base, right) > changedLines(base, left) ? pr : pl

  /**
   * A clean merge is kept only if it parses as well as the sides, declares nothing twice and
   * passes the line checks (a clean line merge failing them may be bettered by the structured one).
   */
  const accept = (merge: MergeResult): Chosen | undefined => {
    let merged = parses.parse(merge.text, nearest)?.tree
    // Error recovery can differ with the tree reused: a text with errors is judged by a fresh
    // parse, so the verdict does not depend on which side is the left.
    if (merged && merged.errors > 0) merged = parses.parse(merge.text)?.tree
    if (!merged || failedTreeCheck(merged, tb, tl, tr, profile) !== undefined) return undefined
    if (failedLineCheck(input, merge.text) !== undefined) return undefined
    const { text, warnings } = reconcileRenames(tb, tl, tr, merged)
    return { ...merge, text, warnings, unrenamed: merge.text, linesChecked: true }
  }

  if (line.clean) {
    const accepted = accept(line)
    if (accepted) return accepted
  }
  // From here a clean line merge is known to be broken: falling back to it means showing the
  // whole disagreement as one conflict rather than returning a broken file as clean.
  const fallback = (): MergeResult => lineFallback(input, line, tl.root.kind)
  if (tb.errors + tl.errors + tr.errors > 0) return fallback()
  let structured: MergeResult
  try {
    structured = result(mergeParsed(tb, tl, tr, profile, deadline), 'structured')
  } catch (error) {
    if (error instanceof MergeTimeout) return fallback()
    throw error
  }
  if (structured.clean) return accept(structured) ?? fallback()
  return !line.clean && conflictMass(line) < conflictMass(structured) ? fallback() : structured
}

/** Lines `side` deleted from `base` or inserted (the line diff is cached: the line merge made it). */
function changedLines(base: string, side: string): number {
  const [from, to] = [lines(base), lines(side)]
  let kept = 0
  for (const at of matchLines(from, to)) if (at >= 0) kept++
  return from.length + to.length - 2 * kept
}

/** Every grammar merged by its syntax tree, for preparing an engine up front. */
export const STRUCTURED_GRAMMARS: readonly StructuredGrammar[] = [
  ...new Set(
    Object.values(LANGUAGES).flatMap((language) =>
      language.merge === 'structured' ? [language.grammar] : [],
    ),
  ),
]

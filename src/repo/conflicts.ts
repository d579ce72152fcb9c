/**
 * Conflicts as data. A merge may be recorded with its conflicts instead of stopping on them: each
 * conflicted file is kept as a record (its kind, each side's version, and for text each conflicted
 * region's base, ours and theirs with where ours sits and the enclosing declaration), on the merge
 * commit and on the branch until a commit settles them. The stored files hold ours in each region,
 * never marker text, so merging or reverting across such a commit cannot nest markers; markers are
 * written only where files are materialised for people (checkout and sync folders, zip export, the
 * resolver). Records come from documents any peer writes: they are read only through `readConflicts`.
 */
import { conflictRegions } from '../merge/conflictMarkers.ts'
import type { ConflictPlace } from '../model/fileMerge.ts'
import { WeftError } from '../model/errors.ts'
import { pathProblem, quotePath } from '../model/paths.ts'
import { readScalar, scalar } from '../model/scalar.ts'
import type {
  BranchId,
  CommitId,
  ConflictRecord,
  ConflictRegionRecord,
  ConflictSideRecord,
  EntryId,
  RepositoryDoc,
} from '../model/types.ts'
import type { ConflictKind, MergeSide, TreeConflict, TreeMerge } from './mergeTrees.ts'
import { textLines } from '../model/textLines.ts'

/** How a conflict (or one region) was settled: one side, the base, ours then theirs, or a text of its own. */
export type Settlement = 'ours' | 'theirs' | 'base' | 'both' | 'text'
export const SETTLEMENTS: readonly Settlement[] = ['ours', 'theirs', 'base', 'both', 'text']

const KINDS: readonly ConflictKind[] = ['content', 'binary', 'delete/modify', 'rename/rename', 'add/add']

/** One conflicted region of a file. */
export interface RecordedRegion {
  /** First line (1-based) of ours in the stored file, and how many lines ours has there. */
  line: number
  lines: number
  /** Null when the merge wrote the region without a base section. */
  base: string | null
  ours: string
  theirs: string
  /** The enclosing declaration, when the merge engine named it (`class Cart › method total`). */
  place?: string
  settled?: Settlement
}

/** One conflicted file of a merge recorded with its conflicts. */
export interface RecordedConflict {
  /** The file's entry id (ours where both sides have it). */
  id: EntryId
  path: string
  kind: ConflictKind
  message: string
  /** The merge commit that recorded it. */
  commit: CommitId
  sides: TreeConflict['sides']
  /** Content conflicts: the regions in file order; empty for conflicts over the whole file. */
  regions: RecordedRegion[]
  settled?: Settlement
}

/** Markers written around an unsettled region when a file is materialised for people (diff3 style, size 7). */
export const MARKER_LINES = {
  ours: '<<<<<<< ours',
  base: '||||||| base',
  separator: '=======',
  theirs: '>>>>>>> theirs',
}

const lineCount = (text: string): number =>
  text === '' ? 0 : text.split('\n').length - (text.endsWith('\n') ? 1 : 0)
const withNewline = (text: string): string => (text === '' || text.endsWith('\n') ? text : text + '\n')

/**
 * A merged text with markers as the text stored for it (ours in each region) and its regions; the
 * engine's `places`, when it named one per region, say where each sits.
 */
export function withoutMarkers(
  merged: string,
  places?: readonly ConflictPlace[],
): { text: string; regions: RecordedRegion[] } {
  const found = conflictRegions(merged)
  const named = places && places.length === found.length ? places : undefined
  let text = ''
  let lines = 0
  let at = 0
  const regions: RecordedRegion[] = found.map((region, i) => {
    const before = merged.slice(at, region.from)
    text += before
    lines += lineCount(before)
    const recorded: RecordedRegion = {
      line: lines + 1,
      lines: lineCount(region.ours),
      base: region.base,
      ours: region.ours,
      theirs: region.theirs,
    }
    if (named?.[i]?.path) recorded.place = named[i].path
    text += region.ours
    lines += recorded.lines
    at = region.to
    return recorded
  })
  return { text: text + merged.slice(at), regions }
}

/**
 * Keeps a tree merge's conflicts as records of merge commit `commit`, and turns each conflicted text
 * in `result.files` into the text stored for it: ours in each region, the merged text elsewhere.
 */
export function recordConflicts(result: TreeMerge, commit: CommitId): RecordedConflict[] {
  const byId = new Map<string, TreeConflict[]>()
  for (const conflict of result.conflicts) byId.set(conflict.id, [...(byId.get(conflict.id) ?? []), conflict])
  return [...byId].map(([id, group]) => {
    const content = group.find((c) => c.merged !== undefined)
    let regions: RecordedRegion[] = []
    if (content?.merged !== undefined) {
      const stored = withoutMarkers(content.merged, content.places)
      result.files[id] = { path: result.files[id]?.path ?? content.path, text: stored.text, binary: false }
      regions = stored.regions
    }
    const first = content ?? group[0]
    return {
      id,
      path: group[0].path,
      kind: first.kind,
      message: group.map((c) => c.message).join(' '),
      commit,
      sides: group[0].sides,
      regions,
    }
  })
}

/** Whether region `region` still sits where it was recorded in `lines` (nobody edited it by hand). */
const inPlace = (lines: readonly string[], region: RecordedRegion): boolean =>
  region.line - 1 + region.lines <= lines.length &&
  lines.slice(region.line - 1, region.line - 1 + region.lines).join('') === region.ours

/**
 * The file as people read it: markers around each unsettled region still where it was recorded
 * (a region someone already edited by hand is theirs: left as it is).
 */
export function withMarkers(text: string, regions: readonly RecordedRegion[]): string {
  return markRegions(text, regions).text
}

/** `withMarkers`, with the regions that got markers, in order (the resolver names them). */
export function markRegions(
  text: string,
  regions: readonly RecordedRegion[],
): { text: string; marked: RecordedRegion[] } {
  const lines = textLines(text)
  const out: string[] = []
  const marked: RecordedRegion[] = []
  let next = 0
  for (const region of [...regions].sort((a, b) => a.line - b.line)) {
    const start = region.line - 1
    if (region.settled || start < next || !inPlace(lines, region)) continue
    marked.push(region)
    out.push(...lines.slice(next, start))
    out.push(
      `${MARKER_LINES.ours}\n`,
      withNewline(region.ours),
      `${MARKER_LINES.base}\n`,
      withNewline(region.base ?? ''),
      `${MARKER_LINES.separator}\n`,
      withNewline(region.theirs),
      `${MARKER_LINES.theirs}\n`,
    )
    next = start + region.lines
  }
  return { text: out.join('') + lines.slice(next).join(''), marked }
}

/** The text a settlement puts in place of a region. */
export function regionText(region: RecordedRegion, how: Exclude<Settlement, 'text'>): string {
  if (how === 'ours') return region.ours
  if (how === 'theirs') return region.theirs
  if (how === 'base') return region.base ?? ''
  return withNewline(region.ours) + region.theirs
}

/**
 * Settles region `index` of a file's text (its current text; the region must still sit where it was
 * recorded) with `how`, or with `own` for 'text'; later regions move with the lines added or removed.
 */
export function settleRegion(
  conflict: RecordedConflict,
  text: string,
  index: number,
  how: Settlement,
  own?: string,
): { text: string; regions: RecordedRegion[] } {
  const region = conflict.regions[index]
  const named = quotePath(conflict.path)
  if (!region)
    throw new WeftError(
      'bad-input',
      `${named} has no conflict region ${index + 1}; it has ${conflict.regions.length}.`,
    )
  if (region.settled)
    throw new WeftError('exists', `Region ${index + 1} of ${named} is already settled (${region.settled}).`)
  const lines = textLines(text)
  if (!inPlace(lines, region))
    throw new WeftError(
      'exists',
      `Region ${index + 1} of ${named} was edited since the merge; settle the whole file with --file F.`,
    )
  if (how === 'text' && own === undefined)
    throw new WeftError('bad-input', 'A text settlement needs the text.')
  const start = region.line - 1
  let chosen = how === 'text' ? own! : regionText(region, how)
  if (start + region.lines < lines.length) chosen = withNewline(chosen)
  const count = lineCount(chosen)
  const delta = count - region.lines
  return {
    text: lines.slice(0, start).join('') + chosen + lines.slice(start + region.lines).join(''),
    regions: conflict.regions.map((r, i) =>
      i === index
        ? { ...r, lines: count, settled: how }
        : r.line > region.line
          ? { ...r, line: r.line + delta }
          : r,
    ),
  }
}

/** How a file whose regions are all settled counts as settled: their common settlement, else 'text'. */
export function fileSettlement(regions: readonly RecordedRegion[]): Settlement | undefined {
  if (regions.length === 0 || regions.some((r) => !r.settled)) return undefined
  return regions.every((r) => r.settled === regions[0].settled) ? regions[0].settled : 'text'
}

/** A record as the document stores it: immutable scalars, no undefined fields (Automerge refuses them). */
export function toRecord(conflict: RecordedConflict): ConflictRecord {
  const side = (s: MergeSide): ConflictSideRecord | null =>
    s && { path: scalar(s.path), blob: scalar(s.blob) }
  const record: ConflictRecord = {
    path: scalar(conflict.path),
    kind: scalar(conflict.kind),
    message: scalar(conflict.message),
    commit: scalar(conflict.commit),
    sides: {
      base: side(conflict.sides.base),
      ours: side(conflict.sides.ours),
      theirs: side(conflict.sides.theirs),
    },
    regions: conflict.regions.map((r) => {
      const region: ConflictRegionRecord = {
        line: r.line,
        lines: r.lines,
        base: r.base === null ? null : scalar(r.base),
        ours: scalar(r.ours),
        theirs: scalar(r.theirs),
      }
      if (r.place !== undefined) region.place = scalar(r.place)
      if (r.settled !== undefined) region.settled = scalar(r.settled)
      return region
    }),
  }
  if (conflict.settled !== undefined) record.settled = scalar(conflict.settled)
  return record
}

export const toRecords = (conflicts: readonly RecordedConflict[]): Record<EntryId, ConflictRecord> =>
  Object.fromEntries(conflicts.map((c) => [c.id, toRecord(c)]))

/** Most regions one file's record may hold, and longest id: bounds what a peer's document can make us walk. */
const MAX_REGIONS = 10_000
const MAX_ID = 200

/** Why a value read from a document is not what a record needs. */
class Malformed extends Error {}

const text = (value: unknown, field: string): string => {
  const read = readScalar(value)
  if (read === null) throw new Malformed(`${field} is not text`)
  return read
}
const optionalText = (value: unknown, field: string): string | undefined =>
  value === undefined ? undefined : text(value, field)
const count = (value: unknown, field: string, min: number): number => {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min)
    throw new Malformed(`${field} is not a whole number of at least ${min}`)
  return value
}
const object = (value: unknown, field: string): Record<string, unknown> => {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new Malformed(`${field} is not a record`)
  return value as Record<string, unknown>
}
const settlement = (value: unknown, field: string): Settlement | undefined => {
  const read = optionalText(value, field)
  if (read !== undefined && !SETTLEMENTS.includes(read as Settlement))
    throw new Malformed(`${field} is not one of ${SETTLEMENTS.join(', ')}`)
  return read as Settlement | undefined
}
const path = (value: unknown, field: string): string => {
  const read = text(value, field)
  const problem = pathProblem(read)
  if (problem) throw new Malformed(`${field} ${quotePath(read)} is refused: ${problem}`)
  return read
}
const side = (value: unknown, field: string): MergeSide => {
  if (value === null) return null
  const s = object(value, field)
  const blob = text(s.blob, `${field}.blob`)
  if (!/^[0-9a-f]{64}$/.test(blob)) throw new Malformed(`${field}.blob is not a content hash`)
  return { path: path(s.path, `${field}.path`), blob }
}

function readRegion(value: unknown, field: string): RecordedRegion {
  const r = object(value, field)
  const region: RecordedRegion = {
    line: count(r.line, `${field}.line`, 1),
    lines: count(r.lines, `${field}.lines`, 0),
    base: r.base === null ? null : text(r.base, `${field}.base`),
    ours: text(r.ours, `${field}.ours`),
    theirs: text(r.theirs, `${field}.theirs`),
  }
  const place = optionalText(r.place, `${field}.place`)
  if (place !== undefined) region.place = place
  const settled = settlement(r.settled, `${field}.settled`)
  if (settled !== undefined) region.settled = settled
  // A settled region keeps the line count of its settlement; an open one's is its ours text's.
  if (!region.settled && lineCount(region.ours) !== region.lines)
    throw new Malformed(`${field}.lines does not match its ours text`)
  return region
}

function readRecord(id: string, value: unknown): RecordedConflict {
  if (id.length > MAX_ID) throw new Malformed('its entry id is too long')
  const r = object(value, 'the record')
  const kind = text(r.kind, 'kind')
  if (!KINDS.includes(kind as ConflictKind)) throw new Malformed(`kind "${kind.slice(0, 40)}" is unknown`)
  const sides = object(r.sides, 'sides')
  if (!Array.isArray(r.regions)) throw new Malformed('regions is not a list')
  if (r.regions.length > MAX_REGIONS) throw new Malformed(`it has more than ${MAX_REGIONS} regions`)
  const regions = r.regions.map((region, i) => readRegion(region, `region ${i + 1}`))
  const open = regions.filter((region) => !region.settled).sort((a, b) => a.line - b.line)
  if (open.some((region, i) => i > 0 && region.line < open[i - 1].line + open[i - 1].lines))
    throw new Malformed('its regions overlap')
  const conflict: RecordedConflict = {
    id,
    path: path(r.path, 'path'),
    kind: kind as ConflictKind,
    message: text(r.message, 'message').slice(0, 2_000),
    commit: text(r.commit, 'commit'),
    sides: {
      base: side(sides.base, 'sides.base'),
      ours: side(sides.ours, 'sides.ours'),
      theirs: side(sides.theirs, 'sides.theirs'),
    },
    regions,
  }
  const settled = settlement(r.settled, 'settled')
  if (settled !== undefined) conflict.settled = settled
  return conflict
}

/**
 * The conflict records a document holds (a branch's or a commit's), checked: any peer may have
 * written them, so one that is not what a record must be throws a `bad-input` WeftError naming where
 * and what — never a crash, and nothing is written from it.
 */
export function readConflicts(records: unknown, where: string): RecordedConflict[] {
  if (records === undefined || records === null) return []
  if (typeof records !== 'object' || Array.isArray(records))
    throw new WeftError('bad-input', `${where} has malformed conflict records: not a record of files.`)
  return Object.entries(records as Record<string, unknown>)
    .map(([id, value]) => {
      try {
        return readRecord(id, value)
      } catch (error) {
        if (!(error instanceof Malformed)) throw error
        const named = readScalar((value as { path?: unknown } | null)?.path)
        throw new WeftError(
          'bad-input',
          `${where} has a malformed conflict record for ${named !== null ? quotePath(named) : `entry ${quotePath(id.slice(0, 40))}`}: ${error.message}. It was written by a peer; nothing was read from it.`,
        )
      }
    })
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
}

/** The conflicts a branch carries (settled or not), checked. */
export function branchConflicts(doc: RepositoryDoc, branchId: BranchId): RecordedConflict[] {
  const branch = doc.branches[branchId]
  if (!branch) return []
  return readConflicts(branch.conflicts, `Branch ${quotePath(String(branch.name))}`)
}

/** The conflicts a commit recorded, checked. */
export function commitConflicts(doc: RepositoryDoc, commitId: CommitId): RecordedConflict[] {
  return readConflicts(doc.commits[commitId]?.conflicts, `Commit ${commitId.slice(0, 8)}`)
}

/** Refuses while branch `branchId` carries conflicts (settled ones await their commit): `doing` says what waits. */
export function refuseWhileConflicted(doc: RepositoryDoc, branchId: BranchId, doing: string): void {
  const recorded = branchConflicts(doc, branchId)
  if (recorded.length === 0) return
  const name = String(doc.branches[branchId].name)
  const open = recorded.filter((c) => !c.settled)
  throw new WeftError(
    'exists',
    open.length
      ? `"${name}" has unsettled conflicts (${listPaths(open)}); settle them (weft resolve) and commit before ${doing}.`
      : `"${name}" has settled conflicts not yet committed; commit them before ${doing}.`,
  )
}

/** At most three paths, then how many more. */
export const listPaths = (conflicts: readonly { path: string }[]): string =>
  conflicts
    .slice(0, 3)
    .map((c) => c.path)
    .join(', ') + (conflicts.length > 3 ? ` and ${conflicts.length - 3} more` : '')

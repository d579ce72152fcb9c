import type { ImmutableString } from '@automerge/automerge/slim'
import type { AutomergeUrl } from '@automerge/automerge-repo/slim'

/**
 * Paths, hashes and URLs are stored as immutable scalars, not collaborative text: measured on 5,000
 * entries, loading the repository document takes 115 ms instead of 480 ms. Nobody co-edits a path.
 */
export type Scalar = ImmutableString

/** Hex SHA-256 of a file's bytes: the address of an immutable blob. */
export type Sha256 = string
/** Random id of a file or folder within a branch's tree; stable across renames and moves. */
export type EntryId = string
export type BranchId = string
export type CommitId = string

/**
 * How git would check a file out, when not as a plain file: an executable, or a symbolic link whose
 * content is the link's target. Kept so that a git history comes back out unchanged.
 */
export type FileMode = 'executable' | 'symlink'

/** A file in a branch's working tree. Content is the blob, or the live document once edited. */
export interface FileEntry {
  type: 'file'
  path: Scalar
  blob: Scalar
  size: number
  binary: boolean
  mode?: FileMode
  /** Set on first edit: the hot, collaboratively edited copy of the content. */
  live?: Scalar
}

/** A folder kept explicitly so that empty folders survive. */
export interface DirEntry {
  type: 'dir'
  path: Scalar
}

export type TreeEntry = FileEntry | DirEntry

export interface Branch {
  name: string
  head: CommitId | null
  /** Keyed by entry id, never by path: Automerge map keys with `/` break text paths. */
  tree: Record<EntryId, TreeEntry>
  /**
   * Who changed each entry since it was last committed: author id → the name they go by. Shown
   * beside uncommitted changes; any peer can write it, so it names, it never decides whose a change is.
   */
  changedBy?: Record<EntryId, Record<string, string>>
  /**
   * Conflicts of a merge recorded with them (see src/repo/conflicts.ts), by entry id, until the commit
   * that settles them. Written by any peer: read only through `readConflicts`.
   */
  conflicts?: Record<EntryId, ConflictRecord>
}

/** One conflicted region of a file, as data: its three versions and where ours sits in the stored file. */
export interface ConflictRegionRecord {
  /** First line (1-based) of ours in the stored file, and how many lines ours has there. */
  line: number
  lines: number
  base: Scalar | null
  ours: Scalar
  theirs: Scalar
  /** The enclosing declaration, when the merge engine named it (`class Cart › method total`). */
  place?: Scalar
  /** How the region was settled; absent while unsettled. */
  settled?: Scalar
}

/** One conflicted file of a merge recorded with its conflicts; the stored file holds ours in each region. */
export interface ConflictRecord {
  path: Scalar
  kind: Scalar
  message: Scalar
  /** The merge commit that recorded the conflict. */
  commit: Scalar
  /** Each side's version of the file (null where that side has none). */
  sides: {
    base: ConflictSideRecord | null
    ours: ConflictSideRecord | null
    theirs: ConflictSideRecord | null
  }
  /** Content conflicts: the regions, in file order (empty for whole-file conflicts). */
  regions: ConflictRegionRecord[]
  /** How the file was settled; absent while unsettled. */
  settled?: Scalar
}

export interface ConflictSideRecord {
  path: Scalar
  blob: Scalar
}

/** A file as a commit records it. */
export interface CommittedFile {
  path: Scalar
  blob: Scalar
  size: number
  binary: boolean
  mode?: FileMode
}

/**
 * Where an imported commit came from: its git id, and what of the git commit object Weft does not
 * model (the author and committer lines with their time zones, signatures, the exact message), so
 * that exporting the untouched commit writes the very same object and so the same id.
 */
export interface GitOrigin {
  id: Scalar
  /** The object's header lines other than `tree` and `parent`, as git wrote them. */
  headers: string
  /** The message as git stored it, when it differs from the commit's message. */
  message?: string
}

/** A git tag brought in by an import: a read-only name for a commit. */
export interface GitTag {
  name: string
  commit: CommitId
  /** An annotated tag's object as git stored it, so an export writes the same tag. */
  object?: string
}

/**
 * A commit stores what changed against its first parent (`changes`, null for a deleted file), and
 * every CHECKPOINT_INTERVAL commits a full `tree`, so a commit costs storage in proportion to what
 * changed and any snapshot is rebuilt from at most that many deltas.
 */
export interface Commit {
  parents: CommitId[]
  message: string
  author: string
  time: number
  tree?: Record<EntryId, CommittedFile>
  changes?: Record<EntryId, CommittedFile | null>
  /** Commits since the last full tree along first parents (0 for a commit with a tree). */
  depth: number
  /** A merge recorded with conflicts: what was left unsettled in it (its files hold ours there). */
  conflicts?: Record<EntryId, ConflictRecord>
  /** Set on commits imported from git (`src/git/`). */
  git?: GitOrigin
}

/** One Automerge document per repository: the small, hot-ish metadata. */
export interface RepositoryDoc {
  weft: 1
  name: string
  created: number
  defaultBranch: BranchId
  branches: Record<BranchId, Branch>
  commits: Record<CommitId, Commit>
  /** Which blob pack holds each blob. */
  blobs: Record<Sha256, Scalar>
  /** URL of the repository's REPL session document (`src/repl/`), set when the first realm opens. */
  repl?: Scalar
  /** URL of the repository's run history (`src/run/RunHistory.ts`), set by the first run. */
  runs?: Scalar
  /** Landing attempts by id, each one JSON text (`src/repo/landings.ts` reads them, checked). */
  landings?: Record<string, Scalar>
  /** Tags of an imported git repository (`weft import-git`), by name. */
  gitTags?: GitTag[]
}

/** Immutable file contents, many to one document, written once. */
export interface BlobPackDoc {
  blobs: Record<Sha256, Uint8Array>
}

/** A file being edited: Automerge text, spliced by the editor. */
export interface LiveFileDoc {
  content: string
}

/** The list of repositories this profile knows. */
export interface CatalogDoc {
  repositories: Record<string, { url: Scalar; name: string; added: number }>
}

/** A tree entry as the UI and CLI see it: plain strings, with its id. */
export type ListedEntry =
  | {
      id: EntryId
      type: 'file'
      path: string
      blob: Sha256
      size: number
      binary: boolean
      mode?: FileMode
      live?: AutomergeUrl
    }
  | { id: EntryId; type: 'dir'; path: string }

/** A repository as the repository list shows it. */
export interface RepositorySummary {
  id: string
  url: AutomergeUrl
  name: string
  added: number
}

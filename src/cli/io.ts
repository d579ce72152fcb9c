/** Where a CLI command writes and reads: the process's streams in `bin/weft.js`, strings in tests. */
export interface Io {
  out: (text: string) => void
  err: (line: string) => void
  stdin: () => Promise<Uint8Array>
  /** Stdin line by line as it comes, for a command that answers each line (git's remote helper). */
  lines?: () => AsyncIterable<string>
}

/** One CLI command: its arguments after the command's name in, its exit code out. */
export type Command = (argv: string[], io: Io) => Promise<number>

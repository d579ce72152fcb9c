import type { SyntaxNode } from '../tree/syntaxTree.ts'

/** The indentation of the line a node starts on. */
export function lineIndent(node: SyntaxNode): string {
  const lineStart = node.source.lastIndexOf('\n', node.start - 1) + 1
  return node.source.slice(lineStart, node.start).match(/^\s*/)![0]
}

/** `text` with the lines after its first moved from indentation `from` to `to` (empty lines stay empty). */
export function reindent(text: string, from: string, to: string): string {
  if (from === to) return text
  return text
    .split('\n')
    .map((line, i) => (i > 0 && line !== '' && line.startsWith(from) ? to + line.slice(from.length) : line))
    .join('\n')
}

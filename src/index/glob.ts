/**
 * Path globs for search filters: `*` and `?` stay within one folder, `**` crosses folders,
 * `{a,b}` is either; a glob without `/` matches a file name in any folder (`*.ts`).
 */
export function globToRegExp(pattern: string): RegExp {
  // A folder (`src/`) means everything under it.
  const glob = pattern.endsWith('/') ? `${pattern}**` : pattern
  let out = ''
  let braces = 0
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]
    if (c === '*' && glob[i + 1] === '*') {
      const slash = glob[i + 2] === '/'
      out += slash ? '(?:.*/)?' : '.*'
      i += slash ? 2 : 1
    } else if (c === '*') out += '[^/]*'
    else if (c === '?') out += '[^/]'
    else if (c === '{') {
      braces++
      out += '(?:'
    } else if (c === '}' && braces > 0) {
      braces--
      out += ')'
    } else if (c === ',' && braces > 0) out += '|'
    else out += c.replace(/[.+^$()|[\]\\{}]/g, '\\$&')
  }
  if (braces > 0) throw new Error(`Unclosed "{" in path filter "${pattern}".`)
  const anywhere = glob.includes('/') ? '' : '(?:.*/)?'
  return new RegExp(`^${anywhere}${out.replace(/^\//, '')}$`)
}

import { describe, expect, it } from 'vitest'
import { merge, useMergeEngine } from './mergeHarness.ts'

useMergeEngine()

/** Merged both ways round: a rule must not depend on which side is the left. */
const bothWays = (path: string, base: string, left: string, right: string) => [
  merge(path, base, left, right),
  merge(path, base, right, left),
]

const method = (body: string) =>
  `class Client {\n  connect(peerId: string) {\n${body}    this.socket = open(peerId)\n  }\n}\n`

const impl = (methods: string) =>
  `impl Command {\n    pub fn new() -> Self {\n        Command {}\n    }\n${methods}}\n`

const asMut =
  '\n    /// Borrows the inner command.\n    pub fn as_std_mut(&mut self) -> &mut Std {\n        &mut self.std\n    }\n'
const intoStd =
  '\n    /// Converts into the inner command.\n    pub fn into_std(self) -> Std {\n        self.std\n    }\n'

describe("merge engine: one side already made the other side's edit, and more", () => {
  it('both only deleted, one side everything the other did: that side (git conflicts)', () => {
    const timer =
      '    if (!this.timer) {\n      this.timer = setInterval(() => this.connect(peerId), 5000)\n    }\n'
    const removeAll = '    this.socket?.removeAllListeners()\n'
    for (const result of bothWays('client.ts', method(removeAll + timer), method(''), method(timer)))
      expect(result).toMatchObject({ clean: true, text: method('') })
    const yaml = (steps: string[]) => `steps:\n${steps.map((step) => `  - run: ${step}\n`).join('')}`
    for (const result of bothWays(
      'ci.yml',
      yaml(['lint', 'test', 'docs']),
      yaml(['lint']),
      yaml(['lint', 'docs']),
    ))
      expect(result).toMatchObject({ clean: true, text: yaml(['lint']) })
  })

  it('both only deleted, each a line the other kept, side by side: still a conflict', () => {
    const body = (lines: string[]) => lines.map((line) => `    ${line}\n`).join('')
    for (const result of bothWays(
      'client.ts',
      method(body(['a()', 'b()', 'c()'])),
      method(body(['a()', 'b()'])),
      method(body(['a()', 'c()'])),
    ))
      expect(result.clean).toBe(false)
  })

  it('both inserted the same method, one side a second after it: both methods, the shared one once', () => {
    for (const result of bothWays('command.rs', impl(''), impl(asMut + intoStd), impl(asMut)))
      expect(result).toMatchObject({ clean: true, text: impl(asMut + intoStd) })
    const exports = (names: string[]) =>
      `export const base = 1\n${names.map((n) => `export const ${n} = 2\n`).join('')}`
    for (const result of bothWays('a.txt', exports([]), exports(['shared', 'extra']), exports(['extra'])))
      expect(result).toMatchObject({ clean: true, text: exports(['shared', 'extra']) })
  })

  it('different insertions at one place still conflict, even when one begins like the other', () => {
    const lines = (text: string) => `start\n${text}end\n`
    for (const result of bothWays('notes.txt', lines(''), lines('retry\n'), lines('retrying later\n')))
      expect(result.clean).toBe(false)
    for (const result of bothWays('notes.txt', lines(''), lines('retry\nnow\n'), lines('wait\nretry\n')))
      expect(result.clean).toBe(false)
  })

  it('the same word changed on both sides, one side another word too: that side', () => {
    const ci = (command: string) =>
      `jobs:\n  build:\n    steps:\n      - run: |\n          ${command}\n          npm test\n`
    for (const result of bothWays(
      'ci.yml',
      ci('yarn install --no-lockfile'),
      ci('pnpm install --no-lockfile'),
      ci('pnpm install'),
    ))
      expect(result).toMatchObject({ clean: true, text: ci('pnpm install') })
    const call = (args: string) => `const client = connect(${args})\n`
    for (const result of bothWays(
      'a.txt',
      call('host, 80, tls'),
      call('host, 8080, tls'),
      call('host, 8080, tls, retry'),
    ))
      expect(result).toMatchObject({ clean: true, text: call('host, 8080, tls, retry') })
  })

  it('words each side changed differently still conflict', () => {
    const ci = (command: string) => `steps:\n  - run: ${command}\n`
    for (const result of bothWays('ci.yml', ci('yarn install'), ci('pnpm install'), ci('npm install')))
      expect(result.clean).toBe(false)
  })
})

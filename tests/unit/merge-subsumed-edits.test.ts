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

  it('the same rename on both sides, one side also re-wrapping around it: that side (TS, Python, Rust)', () => {
    // Prettier wrapped the destructured parameters one per line on one side.
    const component = (head: string) =>
      `export function mount() {\n${head}    url: string\n  }) => render(url)\n  return Component\n}\n`
    const ts = [
      '  const Component = ({ url, onRender }: {\n',
      '  const Component = ({ url, onDoc }: {\n',
      '  const Component = ({\n    url,\n    onDoc,\n  }: {\n',
    ].map(component)
    for (const result of bothWays('hooks.test.tsx', ts[0], ts[1], ts[2]))
      expect(result).toMatchObject({ clean: true, text: ts[2] })
    // A word the other side kept, apart from the edit (past a comma both kept), may change too.
    const renamed = component('  const Component = ({\n    href,\n    onDoc,\n  }: {\n')
    for (const result of bothWays('hooks.test.tsx', ts[0], ts[1], renamed))
      expect(result).toMatchObject({ clean: true, text: renamed })
    // Black exploded a call one argument per line, with its magic trailing comma.
    const py = (call: string) => `def run(client):\n${call}    return client\n`
    const python = [
      '    client.connect(host, port, timeout=5)\n',
      '    client.connect(host, port, timeout=30)\n',
      '    client.connect(\n        host,\n        port,\n        timeout=30,\n    )\n',
    ].map(py)
    for (const result of bothWays('client.py', python[0], python[1], python[2]))
      expect(result).toMatchObject({ clean: true, text: python[2] })
    // rustfmt wrapped a signature whose parameter type both sides changed.
    const rs = (signature: string) => `impl Pool {\n${signature}        self.spawn(task)\n    }\n}\n`
    const rust = [
      '    pub fn submit(&self, task: Box<dyn Task>) -> Handle {\n',
      '    pub fn submit(&self, task: Arc<dyn Task>) -> Handle {\n',
      '    pub fn submit(\n        &self,\n        task: Arc<dyn Task>,\n    ) -> Handle {\n',
    ].map(rs)
    for (const result of bothWays('pool.rs', rust[0], rust[1], rust[2]))
      expect(result).toMatchObject({ clean: true, text: rust[2] })
  })

  it('a re-wrapped side that changed a word the other side did not, or wrote the edit otherwise: still a conflict', () => {
    const component = (head: string) =>
      `export function mount() {\n${head}    url: string\n  }) => render(url)\n  return Component\n}\n`
    const base = component('  const Component = ({ url, onRender }: {\n')
    const left = component('  const Component = ({ url, onDoc }: {\n')
    // The wrapping side renamed to another name: two different edits.
    const otherName = component('  const Component = ({\n    url,\n    onData,\n  }: {\n')
    // The wrapping side also added a parameter right after the shared edit: more than layout.
    const moreWords = component('  const Component = ({\n    url,\n    onDoc,\n    debug,\n  }: {\n')
    for (const right of [otherName, moreWords])
      for (const result of bothWays('hooks.test.tsx', base, left, right)) expect(result.clean).toBe(false)
    // A replaced word next to the other side's insertion (`1.2.3` → `1.2.4` against `1.2.3-rc1`)
    // is two edits git cannot order, not one edit re-laid.
    const version = (text: string) => `[package]\nname = "pool"\nversion = "${text}"\n`
    for (const result of bothWays('Cargo.toml', version('1.2.3'), version('1.2.4'), version('1.2.3-rc1')))
      expect(result.clean).toBe(false)
  })
})

import { describe, expect, it } from 'vitest'
import { merge, useMergeEngine } from './mergeHarness.ts'

useMergeEngine()

/** A manifest whose own version and one dependency's version are the two given. */
const cargo = (own: string, macros: string) =>
  `[package]\nname = "tokio"\nversion = "${own}"\nedition = "2021"\n\n[dependencies]\n` +
  `tokio-macros = { version = "~${macros}", path = "../tokio-macros", optional = true }\n`

const packageJson = (own: string) => `{\n  "name": "app",\n  "version": "${own}",\n  "type": "module"\n}\n`

/** Merged both ways round: the rule must not depend on which side is the left. */
const bothWays = (path: string, base: string, left: string, right: string) => [
  merge(path, base, left, right),
  merge(path, base, right, left),
]

describe('merge engine: both sides raised the same version number', () => {
  it('Cargo.toml: a release branch merged into a main line already ahead takes the higher version', () => {
    for (const result of bothWays(
      'Cargo.toml',
      cargo('1.51.3', '2.3.0'),
      cargo('1.52.3', '2.5.0'),
      cargo('1.51.4', '2.4.0'),
    ))
      expect(result).toMatchObject({ clean: true, text: cargo('1.52.3', '2.5.0') })
  })

  it('package.json, and a file merged by lines only', () => {
    for (const result of bothWays(
      'package.json',
      packageJson('1.0.9'),
      packageJson('1.0.10'),
      packageJson('1.1.0'),
    ))
      expect(result).toMatchObject({ clean: true, text: packageJson('1.1.0') })
    const notes = (version: string) => `# Release notes\n\nCurrent: v${version}\n`
    for (const result of bothWays('NOTES.txt', notes('0.9.2'), notes('0.10.0'), notes('0.9.3')))
      expect(result).toMatchObject({ clean: true, text: notes('0.10.0') })
  })

  it('still conflicts where a side lowered it, where more than the number differs, or where it is no version', () => {
    const conflicts = [
      ['Cargo.toml', cargo('1.5.0', '2.0.0'), cargo('1.6.0', '2.0.0'), cargo('1.4.9', '2.0.0')],
      ['Cargo.toml', cargo('1.5.0', '2.0.0'), cargo('1.6.0-rc.1', '2.0.0'), cargo('1.5.1', '2.0.0')],
      ['a.ts', 'const ratio = 0.5\n', 'const ratio = 0.75\n', 'const ratio = 0.6\n'],
      ['a.ts', 'const host = "10.0.0.1"\n', 'const host = "10.0.0.3"\n', 'const host = "10.0.0.2"\n'],
      ['a.txt', 'pin 1.2.3 of a\n', 'pin 1.2.4 of b\n', 'pin 1.2.5 of a\n'],
    ]
    for (const [path, base, left, right] of conflicts)
      for (const result of bothWays(path, base, left, right))
        expect(result.clean, `${path}: ${left}`).toBe(false)
  })
})

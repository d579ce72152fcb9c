import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { decodeText, sha256 } from '../../src/model/content.ts'

describe('content', () => {
  it('hashes like sha256sum', async () => {
    const bytes = new TextEncoder().encode('hello\n')
    expect(await sha256(bytes)).toBe(createHash('sha256').update(bytes).digest('hex'))
  })
  it('classifies text and binary', () => {
    expect(decodeText(new TextEncoder().encode('héllo'))).toBe('héllo')
    expect(decodeText(new Uint8Array([104, 0, 105]))).toBeNull()
    expect(decodeText(new Uint8Array([0xff, 0xfe, 0x41]))).toBeNull()
  })
})

import { describe, expect, it } from 'vitest'
import { MAX_INDEX_BYTES } from '../../src/index/documents.ts'
import { IndexService } from '../../src/index/IndexService.ts'
import { SearchIndex } from '../../src/index/SearchIndex.ts'
import { readNodeModel } from '../../src/index/semantic/nodeModel.ts'
import { sha256 } from '../../src/model/content.ts'
import { openMemoryDatabase } from '../../src/index/sqlite.ts'
import { nodeGrammars } from '../../src/syntax/nodeGrammars.ts'

/** A minimal valid PDF with one line of Helvetica text per page. */
function pdf(pages: string[]): Uint8Array {
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    `<< /Type /Pages /Kids [${pages.map((_, i) => `${4 + i * 2} 0 R`).join(' ')}] /Count ${pages.length} >>`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ]
  pages.forEach((text, i) => {
    const stream = `BT /F1 12 Tf 72 720 Td (${text}) Tj ET`
    objects.push(
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents ${5 + i * 2} 0 R /Resources << /Font << /F1 3 0 R >> >> >>`,
    )
    objects.push(`<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`)
  })
  let out = '%PDF-1.4\n'
  const offsets = objects.map((body, i) => {
    const at = out.length
    out += `${i + 1} 0 obj\n${body}\nendobj\n`
    return at
  })
  const xref = out.length
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`
  return new TextEncoder().encode(out)
}

async function openIndex() {
  return SearchIndex.open(await openMemoryDatabase(), await nodeGrammars())
}

describe('documents and malformed files', () => {
  it('indexes PDFs page by page through text extraction', async () => {
    const index = await openIndex()
    const outcome = await index.indexFile(
      'docs/report.pdf',
      pdf(['Quarterly revenue grew', 'Budget for the lighthouse']),
    )
    expect(outcome).toMatchObject({ status: 'indexed', chunks: 2 })
    const [hit] = await index.search('lighthouse')
    expect(hit).toMatchObject({
      path: 'docs/report.pdf',
      language: 'pdf',
      kind: 'page',
      name: 'page 2',
      line: 2,
    })
  })

  it('indexes HTML by its text, not its markup', async () => {
    const index = await openIndex()
    await index.indexFile(
      'site/index.html',
      '<html><head><script>const hiddenToken = 1</script></head>\n<body><h1>Welcome aboard</h1></body></html>',
    )
    expect((await index.search('aboard')).map((h) => `${h.path}:${h.line}`)).toEqual(['site/index.html:2'])
    expect(await index.search('hiddenToken')).toEqual([])
    expect(await index.search('h1')).toEqual([])
  })

  it('skips binary, invalid UTF-8, oversize files and damaged PDFs with a reason, and keeps going', async () => {
    const index = await openIndex()
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0x0d, 0x49, 0x48])
    const latin1 = new Uint8Array([0x63, 0x61, 0x66, 0xe9, 0x0a]) // "café" in Latin-1
    const big = new TextEncoder().encode('a'.repeat(MAX_INDEX_BYTES + 1))
    const brokenPdf = new TextEncoder().encode('%PDF-1.4\nthis is not really a pdf')
    expect(await index.indexFile('logo.png', png)).toMatchObject({ status: 'skipped', reason: 'binary file' })
    expect(await index.indexFile('notes.txt', latin1)).toMatchObject({
      status: 'skipped',
      reason: 'not valid UTF-8 text',
    })
    expect(await index.indexFile('dump.sql', big)).toMatchObject({
      status: 'skipped',
      reason: '4.0 MiB is over the 4.0 MiB indexing limit',
    })
    expect((await index.indexFile('broken.pdf', brokenPdf)).reason).toMatch(/^unreadable PDF: /)
    await index.indexFile('ok.ts', 'export const fine = 1\n')
    expect((await index.skipped()).map((s) => s.path)).toEqual([
      'broken.pdf',
      'dump.sql',
      'logo.png',
      'notes.txt',
    ])
    expect(await index.stats()).toMatchObject({ files: 1, skipped: 4 })
    // A skipped file is remembered by hash, so a sync does not retry it every time.
    expect((await index.indexFile('logo.png', png)).status).toBe('unchanged')
  })

  it('indexes a 1 MB single-line file in windows, searchable, without parsing it', async () => {
    const index = await openIndex()
    const line =
      Array.from({ length: 80_000 }, (_, i) => `v${i}=${i};`).join('') + 'function needleInHaystack(){}'
    expect(line.length).toBeGreaterThan(1_000_000)
    const started = performance.now()
    const outcome = await index.indexFile('dist/bundle.min.js', line)
    expect(outcome.status).toBe('indexed')
    expect(outcome.symbols).toBe(0)
    expect(performance.now() - started).toBeLessThan(10_000)
    expect((await index.search('needleInHaystack')).map((h) => `${h.path}:${h.line}`)).toEqual([
      'dist/bundle.min.js:1',
    ])
    expect((await index.search('leInHay', { substring: true })).map((h) => h.path)).toEqual([
      'dist/bundle.min.js',
    ])
    // Windows are cut between tokens: every `vN=N;` is whole in some window.
    expect((await index.search('v54321')).length).toBe(1)
  })

  it('indexes a syntactically broken source file as far as the parser gets', async () => {
    const index = await openIndex()
    await index.indexFile('broken.ts', 'export function good() {}\nclass {{{ ((( \nfunction alsoGood() {}\n')
    expect((await index.symbols('good')).map((s) => s.name)).toContain('good')
    expect((await index.search('alsoGood')).length).toBe(1)
  })
})

describe('documents in search by meaning, through the index worker’s service', () => {
  it('embeds Markdown, HTML and PDF text, and skips a damaged PDF and a huge generated file with reasons', async () => {
    const service = new IndexService(() => openMemoryDatabase(), nodeGrammars, readNodeModel)
    await service.open('docs')
    const files: Record<string, Uint8Array | string> = {
      'docs/security.md': '# Passwords\n\nPasswords are hashed with a salt before they are stored.\n',
      'site/weather.html':
        '<html><body><h1>Forecast</h1><p>Rain and wind expected tomorrow.</p></body></html>',
      'docs/budget.pdf': pdf(['Quarterly revenue and expenses of the company']),
      'docs/broken.pdf': new TextEncoder().encode('%PDF-1.4\nthis is not really a PDF'),
      'dist/bundle.js': `/* generated */ var a=${'1+'.repeat(MAX_INDEX_BYTES / 2)}1`,
    }
    const manifest = await Promise.all(
      Object.entries(files).map(async ([path, content]) => ({
        path,
        hash: await sha256(typeof content === 'string' ? new TextEncoder().encode(content) : content),
      })),
    )
    const report = await service.sync(manifest, async (paths) =>
      paths.map((path) => ({ path, content: files[path] })),
    )
    expect(report.skipped.map((s) => s.path).sort()).toEqual(['dist/bundle.js', 'docs/broken.pdf'])
    expect(await service.skipped()).toEqual([
      { path: 'dist/bundle.js', reason: expect.stringMatching(/MiB is over the 4\.0 MiB indexing limit/) },
      { path: 'docs/broken.pdf', reason: expect.stringMatching(/^unreadable PDF: /) },
    ])
    // Vectors alone, questions sharing no word with the documents: each finds its document first.
    const first = async (q: string) => (await service.search(q, { semantic: 'vectors' }))[0]?.path
    expect(await first('cryptographic hash of a secret')).toBe('docs/security.md')
    expect(await first('storm clouds')).toBe('site/weather.html')
    expect(await first('money spent and earned')).toBe('docs/budget.pdf')
    expect(await service.search('storm clouds')).toEqual([])
    expect(await service.stats()).toMatchObject({ files: 3, skipped: 2 })
    // Kept current: a file indexed after the model loaded is embedded as it is stored.
    await service.indexFile('docs/travel.md', '# Trains\n\nThe railway timetable lists each departure.\n')
    expect(await first('train schedule')).toBe('docs/travel.md')
    expect(await service.stats()).toMatchObject({ files: 4, vectors: 4 })
  })
})

/**
 * The text of a PDF, page by page, through pdfjs-dist. pdfjs runs in the calling thread (its worker
 * module is imported, which registers it in-process), so this works in Node and inside the index
 * worker alike without a nested worker.
 */

/** Pages beyond this are not indexed: a 2,000-page scan dump is not worth its cost. */
export const MAX_PDF_PAGES = 500

type PdfJs = typeof import('pdfjs-dist/legacy/build/pdf.mjs')
let loading: Promise<PdfJs> | undefined

/** Loads pdfjs on first use only: most repositories hold no PDF. */
function pdfjs(): Promise<PdfJs> {
  loading ??= (async () => {
    await import('pdfjs-dist/legacy/build/pdf.worker.mjs')
    return import('pdfjs-dist/legacy/build/pdf.mjs')
  })()
  return loading
}

/** One string per page (up to MAX_PDF_PAGES); throws with pdfjs's reason on a damaged file. */
export async function pdfPages(bytes: Uint8Array): Promise<string[]> {
  const { getDocument, VerbosityLevel } = await pdfjs()
  // pdfjs takes ownership of the buffer it is given; hand it a copy.
  const task = getDocument({
    data: bytes.slice(),
    verbosity: VerbosityLevel.ERRORS,
    isEvalSupported: false,
    useSystemFonts: false,
  })
  const doc = await task.promise
  try {
    const pages: string[] = []
    for (let n = 1; n <= Math.min(doc.numPages, MAX_PDF_PAGES); n++) {
      const page = await doc.getPage(n)
      const content = await page.getTextContent()
      pages.push(
        content.items.map((item) => ('str' in item ? item.str + (item.hasEOL ? '\n' : ' ') : '')).join(''),
      )
      page.cleanup()
    }
    return pages
  } finally {
    await task.destroy()
  }
}

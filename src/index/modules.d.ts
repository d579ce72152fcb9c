/** Module declarations the packages do not ship. */

/** pdfjs's worker, imported for its side effect: it registers itself so pdfjs runs in-thread. */
declare module 'pdfjs-dist/legacy/build/pdf.worker.mjs' {}

/** wa-sqlite's OPFS VFS for a worker's synchronous build (the package ships no typings for it). */
declare module '@journeyapps/wa-sqlite/src/examples/OPFSCoopSyncVFS.js' {
  export class OPFSCoopSyncVFS {
    static create(name: string, module: unknown): Promise<OPFSCoopSyncVFS & SQLiteVFS>
  }
}

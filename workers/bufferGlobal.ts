/**
 * isomorphic-git (the app's git import and download) uses Node's `Buffer`, which a browser lacks:
 * the `buffer` package's, made global before any module of git's runs. Imported first by the worker.
 */
import { Buffer } from 'buffer/'

const scope = globalThis as unknown as { Buffer?: typeof Buffer }
scope.Buffer ??= Buffer

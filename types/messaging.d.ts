/**
 * Web messaging is part of Node's globals as well as the browser's, but @types/node types `MessagePort`
 * only as a value. The cores carry ports between windows and workers (and hand them to comlink), so
 * the core project names the type here. This is the HTML standard's messaging, not the DOM.
 */
interface MessagePort extends EventTarget {
  onmessage: ((event: MessageEvent) => void) | null
  postMessage(message: unknown, transfer?: readonly unknown[]): void
  start(): void
  close(): void
}

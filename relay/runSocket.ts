import { WebSocket } from 'ws'
import { parseClientFrame, type RunFrame } from '../src/run/frames.ts'
import type { LocalProcess } from './localProcess.ts'

/** Owner output waiting in its socket beyond this pauses the process; below LOW it resumes. */
const HIGH_WATER = 4 * 1024 * 1024
const LOW_WATER = 512 * 1024
/** A viewer this far behind is dropped rather than slowing the run. */
const VIEWER_LIMIT = 16 * 1024 * 1024

/**
 * One socket on a run: the run's frames so far and then live go out; the owner's stdin and kill
 * frames come in (a viewer's are ignored). The owner's backlog pauses the process; a viewer too far
 * behind is dropped. When the owner's socket closes the run is stopped. `onClose` runs once, first.
 */
export function serveRunSocket(
  socket: WebSocket,
  run: LocalProcess,
  isOwner: boolean,
  onClose: () => void,
): void {
  socket.on('error', () => socket.terminate())
  let paused = false
  const send = (frame: RunFrame) => {
    if (socket.readyState !== WebSocket.OPEN) return
    socket.send(JSON.stringify(frame), () => {
      if (paused && socket.bufferedAmount < LOW_WATER) {
        paused = false
        run.resume()
      }
    })
    if (frame.type === 'exit') socket.close(1000, 'run ended')
    else if (isOwner && !paused && socket.bufferedAmount > HIGH_WATER) {
      paused = true
      run.pause()
    } else if (!isOwner && socket.bufferedAmount > VIEWER_LIMIT) {
      socket.close(1008, 'too far behind this run')
      setTimeout(() => socket.terminate(), 2_000).unref()
    }
  }
  const unsubscribe = run.log.subscribe(send)
  socket.on('message', (data, isBinary) => {
    let frame
    try {
      frame = parseClientFrame(isBinary ? '' : String(data))
    } catch (error) {
      socket.close(1007, (error as Error).message.slice(0, 120))
      return
    }
    if (!isOwner) return // viewers watch; only the owner types or stops
    if (frame.type === 'kill') run.stop('killed')
    else run.write(frame.data)
  })
  socket.on('close', () => {
    unsubscribe()
    onClose()
    if (isOwner) {
      if (paused) run.resume()
      run.stop('disconnected')
    }
  })
}

import { parseArgs } from 'node:util'
import { fileURLToPath } from 'node:url'
import { startRelay } from './server.ts'

const usage = `Usage: weft relay [--host 127.0.0.1] [--port 8787] [--data ./data] [--static ./dist] [--token SECRET] [--max-message-mb 64] [--max-messages-per-second 500] [--runs [--runs-remote]]
  --runs         enable the local runner at /runs (runs commands on this machine; needs --token)
  --runs-remote  let other machines start runs too (default: this machine only)`

/** Runs the relay until SIGTERM or SIGINT, then flushes storage and exits. */
export async function main(argv: string[]): Promise<void> {
  const root = fileURLToPath(new URL('..', import.meta.url))
  let values
  try {
    ;({ values } = parseArgs({
      args: argv,
      options: {
        host: { type: 'string', default: process.env.WEFT_HOST ?? '127.0.0.1' },
        port: { type: 'string', default: process.env.WEFT_PORT ?? '8787' },
        data: { type: 'string', default: process.env.WEFT_DATA ?? `${root}data` },
        static: { type: 'string', default: `${root}dist` },
        token: { type: 'string', default: process.env.WEFT_TOKEN },
        'max-message-mb': { type: 'string', default: '64' },
        'max-messages-per-second': { type: 'string', default: '500' },
        runs: { type: 'boolean', default: false },
        'runs-remote': { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    }))
  } catch (error) {
    console.error(`${(error as Error).message}\n${usage}`)
    process.exit(2)
  }
  if (values.help) { console.log(usage); return }
  const port = Number(values.port)
  const maxMb = Number(values['max-message-mb'])
  const rate = Number(values['max-messages-per-second'])
  if (!Number.isInteger(port) || port < 0 || port > 65535 || !(maxMb > 0) || !(rate > 0)) {
    console.error(`Bad --port, --max-message-mb or --max-messages-per-second.\n${usage}`)
    process.exit(2)
  }
  if (values.runs && !values.token) {
    console.error(`--runs needs --token (or WEFT_TOKEN): the local runner runs commands for whoever asks.\n${usage}`)
    process.exit(2)
  }
  const relay = await startRelay({
    host: values.host!, port, dataDir: values.data!, staticDir: values.static, token: values.token,
    maxMessageBytes: Math.round(maxMb * 1024 * 1024), messagesPerSecond: rate,
    runs: values.runs ? { allowRemote: values['runs-remote'] } : undefined,
  })
  console.log(`Weft relay on ${relay.url}  (data: ${values.data}${values.token ? ', token required' : ''}${values.runs ? ', local runner on /runs' : ''})`)
  let stopping = false
  const stop = async (signal: string) => {
    if (stopping) return
    stopping = true
    console.log(`${signal}: flushing storage and stopping`)
    await relay.close()
    process.exit(0)
  }
  process.on('SIGTERM', () => void stop('SIGTERM'))
  process.on('SIGINT', () => void stop('SIGINT'))
  // automerge-repo leaves some promises unhandled (its DocSynchronizer awaits a handle that a peer
  // announced but never sent, and rejects after 60 s): Node would end the relay for every client.
  // Log it and go on.
  process.on('unhandledRejection', (reason) => console.error(`Unhandled rejection (relay keeps running): ${(reason as Error)?.message ?? String(reason)}`))
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main(process.argv.slice(2))

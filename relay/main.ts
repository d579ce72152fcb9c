import { parseArgs } from 'node:util'
import { fileURLToPath } from 'node:url'
import { join, sep } from 'node:path'
import { packageRoot } from './packageRoot.ts'
import { startRelay } from './server.ts'
import { loadRunnerToken, RunnerTokenError } from './runnerToken.ts'

const usage = `Usage: weft relay [--host 127.0.0.1] [--port 8787] [--data ./data] [--static ./dist] [--token SECRET] [--max-message-mb 64] [--max-messages-per-second 500] [--runs [--runs-token-file F] [--allow-host NAME]… [--runs-remote]]
  --runs             enable the local runner at /runs (runs commands on this machine) with its own token,
                     not the sync --token: $WEFT_RUNS_TOKEN, or the file below (created, mode 0600, when missing)
  --runs-token-file  where the runner token is kept (default DATA/runs-token)
  --allow-host       a Host name (NAME or NAME:PORT) the runner answers to besides 127.0.0.1, localhost, [::1]
  --runs-remote      let other machines start runs too (default: this machine only; add --allow-host for the name they use)`

/** Runs the relay until SIGTERM or SIGINT, then flushes storage and exits. */
export async function main(argv: string[]): Promise<void> {
  const root = packageRoot() + sep
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
        'runs-token-file': { type: 'string' },
        'allow-host': { type: 'string', multiple: true, default: [] },
        help: { type: 'boolean', default: false },
      },
    }))
  } catch (error) {
    console.error(`${(error as Error).message}\n${usage}`)
    process.exit(2)
  }
  if (values.help) {
    console.log(usage)
    return
  }
  const port = Number(values.port)
  const maxMb = Number(values['max-message-mb'])
  const rate = Number(values['max-messages-per-second'])
  if (!Number.isInteger(port) || port < 0 || port > 65535 || !(maxMb > 0) || !(rate > 0)) {
    console.error(`Bad --port, --max-message-mb or --max-messages-per-second.\n${usage}`)
    process.exit(2)
  }
  let runner = null
  if (values.runs) {
    try {
      runner = loadRunnerToken(
        values['runs-token-file'] ?? join(values.data!, 'runs-token'),
        process.env.WEFT_RUNS_TOKEN,
      )
    } catch (error) {
      if (!(error instanceof RunnerTokenError)) throw error
      console.error(error.message)
      process.exit(2)
    }
    if (runner.token === values.token) {
      console.error(
        'The runner token must differ from the sync token: everyone with a Share link has the sync token.',
      )
      process.exit(2)
    }
  }
  const relay = await startRelay({
    host: values.host!,
    port,
    dataDir: values.data!,
    staticDir: values.static,
    token: values.token,
    maxMessageBytes: Math.round(maxMb * 1024 * 1024),
    messagesPerSecond: rate,
    runs: runner
      ? { token: runner.token, allowedHosts: values['allow-host'], allowRemote: values['runs-remote'] }
      : undefined,
  })
  console.log(
    `Weft relay on ${relay.url}  (data: ${values.data}${values.token ? ', token required' : ''}${runner ? ', local runner on /runs' : ''})`,
  )
  // The path, never the token: this line may end up in a shared log.
  if (runner)
    console.log(
      `Runner token ${runner.file ? `${runner.created ? 'written to' : 'in'} ${runner.file} (mode 0600)` : 'from $WEFT_RUNS_TOKEN'}; the Run dialog and \`weft run\` ask for it.`,
    )
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
  process.on('unhandledRejection', (reason) =>
    console.error(
      `Unhandled rejection (relay keeps running): ${(reason as Error)?.message ?? String(reason)}`,
    ),
  )
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main(process.argv.slice(2))

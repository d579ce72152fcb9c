import { readFileSync } from 'node:fs'
import { spawnSync } from 'node:child_process'

/** Clock ticks per second of /proc's CPU times (almost always 100 on Linux). */
const TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100

/** Resident memory of a process in bytes (VmRSS), or 0 once it has gone. */
export function rssBytes(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return match ? Number(match[1]) * 1024 : 0
  } catch {
    return 0
  }
}

/** User plus system CPU time of a process so far, in ms (fields 14 and 15 of /proc/<pid>/stat). */
export function cpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // The command name (field 2) may hold spaces: count fields after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return ((Number(fields[11]) + Number(fields[12])) / TICKS) * 1000
  } catch {
    return 0
  }
}

/** CPU use of some processes between two moments, as a share of one core. */
export class CpuMeter {
  readonly #start: Map<number, number>
  readonly #started = performance.now()
  constructor(readonly pids: number[]) {
    this.#start = new Map(pids.map((pid) => [pid, cpuMs(pid)]))
  }
  /** Percent of one core per pid (200 % = both cores of a 2-core machine). */
  read(): Map<number, number> {
    const elapsed = performance.now() - this.#started
    return new Map(this.pids.map((pid) => [pid, (100 * (cpuMs(pid) - this.#start.get(pid)!)) / elapsed]))
  }
}

/** User plus system CPU time, in ms, of this process's children that have exited and been waited for (fields 16 and 17 of /proc/self/stat). */
export function childrenCpuMs(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return ((Number(fields[13]) + Number(fields[14])) / TICKS) * 1000
}

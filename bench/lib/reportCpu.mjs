// `node --import bench/lib/reportCpu.mjs …`: the last line on stderr is the process's CPU time (user
// + system, every thread, in microseconds), for benchmarks that time whole CLI processes.
process.on('exit', () => {
  const { userCPUTime, systemCPUTime } = process.resourceUsage()
  process.stderr.write(`weft-bench-cpu-us ${userCPUTime + systemCPUTime}\n`)
})

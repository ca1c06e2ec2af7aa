// Preloaded with --import into a benchmarked process: prints its peak RSS and the CPU time it
// used on exit, so the benchmark needs no external `time` binary. CPU time is what the process
// itself cost; on a loaded machine wall time also holds the wait for a core.
process.on("exit", () => {
  const usage = process.resourceUsage();
  process.stderr.write(
    `\nBENCH_MAX_RSS_KB=${usage.maxRSS}\nBENCH_CPU_US=${usage.userCPUTime + usage.systemCPUTime}\n`,
  );
});

// Preloaded with --import into a benchmarked process: prints its peak RSS on exit, so the
// benchmark needs no external `time` binary.
process.on("exit", () => {
  process.stderr.write(`\nBENCH_MAX_RSS_KB=${process.resourceUsage().maxRSS}\n`);
});

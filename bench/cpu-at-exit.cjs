// Preloaded (`node -r bench/cpu-at-exit.cjs script …`) by bench/guard.mjs: prints the process's CPU time
// (user + system, all its threads) as the last line of stderr when it exits, so that a peer such as
// `tsc --noEmit` is measured by the CPU it used and not by the wall time a busy machine stretches.
'use strict';
process.on('exit', () => {
  const { user, system } = process.cpuUsage();
  process.stderr.write(`\nCPU_AT_EXIT_US ${user + system}\n`);
});

/**
 * The V8 heap settings every Bazaar server process starts with: `npm start`, `npm run bazaar`,
 * the `bazaar` command (its shebang) and the bench's server (bench/run.ts). They must be given on
 * the node command line (V8 sizes its heap when the process starts, and NODE_OPTIONS refuses
 * --heap-growing-percent); src/platform/node-flags.unit.test.ts checks that each of those places
 * passes exactly these.
 *
 * Why (issue 23, peak RSS ≤ 300 MB under the bench): the server's live heap is about 70 MB idle
 * and 80–100 MB under load, but with V8's defaults on a machine with a lot of memory the old
 * generation may grow to about four times what the last full collection kept before the next one
 * runs (350+ MB of mostly garbage), and the young generation takes 32 MB. Measured with the
 * recommendation scenarios: a peak of 458–551 MB with the defaults, about 260 MB with these.
 */
export const SERVER_NODE_FLAGS = [
  // Young generation: two semi-spaces of 8 MB instead of 16 (scavenges twice as often; each costs
  // what survives it, so the CPU per request did not move measurably).
  '--max-semi-space-size=8',
  // Next full collection when the old generation has grown 30% past what the last one kept,
  // instead of up to 300%: more full collections (incremental and mostly concurrent, a few ms of
  // pause each), and no hard cap, so a process that needs a larger heap still gets it.
  '--heap-growing-percent=30',
] as const;

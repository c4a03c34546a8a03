/**
 * Scenarios that drive their own load instead of handing autocannon a list of requests to cycle
 * through: loads run in the bench process with no HTTP (the raw limits a route is compared to),
 * bursts of a fixed number of requests, and HTTP loads where every request takes a different seeded
 * buyer. bench/run.ts measures them in the same interleaved rounds as the autocannon scenarios.
 */
import http from 'node:http';
import autocannon from 'autocannon';
import type { BenchContext, Comparison } from './scenarios.js';

export interface DriveSetup {
  context: BenchContext;
  /** The bench server under load. */
  serverUrl: string;
  /** The bench database, for drivers that open a pool of their own. */
  databaseUrl: string;
  /** Seconds of the warm-up round (0: none) and of all measured rounds together; bursts ignore them. */
  warmupSeconds: number;
  measuredSeconds: number;
}

/** One warm-up or measured round of a driven load. */
export interface DrivenRound {
  /** Requests (or in-process transactions) answered. */
  completed: number;
  /** Wall-clock seconds from the first request sent to the last answer (or the deadline). */
  seconds: number;
  /** Latency of each answered request, in milliseconds. */
  latenciesMs: number[];
  /** Answers by HTTP status, or by outcome for in-process loads. */
  outcomes: Record<string, number>;
  /** Answers the scenario did not expect: the run fails on any. */
  unexpected: number;
  /** Connection errors, timeouts included, and timeouts alone (HTTP only), as autocannon counts them. */
  errors: number;
  timeouts: number;
}

export interface Driver {
  /** Concurrent connections (or in-process loops) the load keeps busy. */
  concurrency: number;
  /** How many of the run's measured rounds the load takes part in (a burst: one); unset, all. */
  measuredRounds?: number;
  /** Before each round, outside its measurement: reopens what idled out (a pool's connections). */
  ready?(): Promise<void>;
  /** One round: `seconds` long for timed loads, a single burst for burst loads. */
  run(seconds: number, measured: boolean): Promise<DrivenRound>;
  /**
   * After the last round, given the measured rounds merged: figures for the report line, and what
   * went wrong (the run fails on any).
   */
  finish(measured: DrivenRound): Promise<{ figures: Record<string, unknown>; problems: string[] }>;
}

export interface DrivenScenario {
  name: string;
  summary: string;
  compareTo?: Comparison[];
  /** Seeds everything every run will need (before any load starts) and answers the driver. */
  drive(setup: DriveSetup): Promise<Driver>;
}

export const isDriven = (scenario: { name: string }): scenario is DrivenScenario => 'drive' in scenario;

/** Sums rounds; latencies are kept whole so that percentiles are exact. */
export function mergeRounds(rounds: readonly DrivenRound[]): DrivenRound {
  const outcomes: Record<string, number> = {};
  for (const round of rounds) {
    for (const [outcome, count] of Object.entries(round.outcomes)) {
      outcomes[outcome] = (outcomes[outcome] ?? 0) + count;
    }
  }
  const sum = (pick: (round: DrivenRound) => number) => rounds.reduce((total, r) => total + pick(r), 0);
  return {
    completed: sum((r) => r.completed),
    seconds: sum((r) => r.seconds),
    latenciesMs: rounds.flatMap((r) => r.latenciesMs),
    outcomes,
    unexpected: sum((r) => r.unexpected),
    errors: sum((r) => r.errors),
    timeouts: sum((r) => r.timeouts),
  };
}

/** The p-th percentile (nearest rank) of latencies, in ms to a tenth. */
export function percentileMs(latenciesMs: readonly number[], p: number): number {
  if (latenciesMs.length === 0) return 0;
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return Number(sorted[rank - 1]!.toFixed(1));
}

/** Counts the answers of a round: outcomes, the unexpected ones, and latencies. */
export class Tally {
  readonly latenciesMs: number[] = [];
  readonly outcomes: Record<string, number> = {};
  unexpected = 0;

  count(outcome: string, expected: boolean): void {
    this.outcomes[outcome] = (this.outcomes[outcome] ?? 0) + 1;
    if (!expected) this.unexpected++;
  }

  round(seconds: number, errors = 0, timeouts = 0): DrivenRound {
    const { latenciesMs, outcomes, unexpected } = this;
    const completed = Object.values(outcomes).reduce((sum, count) => sum + count, 0);
    return { completed, seconds, latenciesMs, outcomes, unexpected, errors, timeouts };
  }
}

/** What one unit of in-process work ended with; an exception counts as the outcome `error`. */
export interface InProcessOutcome {
  outcome: string;
  expected: boolean;
}

/** `concurrency` loops each running `once` back to back until `seconds` have passed. */
export async function loopFor(
  concurrency: number,
  seconds: number,
  once: () => Promise<InProcessOutcome>,
): Promise<DrivenRound> {
  const tally = new Tally();
  const started = performance.now();
  const deadline = started + seconds * 1000;
  const loop = async () => {
    while (performance.now() < deadline) await timed(tally, once);
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  return tally.round((performance.now() - started) / 1000);
}

/** `count` runs of `once` all started at once: one burst. */
export async function burst(count: number, once: () => Promise<InProcessOutcome>): Promise<DrivenRound> {
  const tally = new Tally();
  const started = performance.now();
  await Promise.all(Array.from({ length: count }, () => timed(tally, once)));
  return tally.round((performance.now() - started) / 1000);
}

async function timed(tally: Tally, once: () => Promise<InProcessOutcome>): Promise<void> {
  const started = performance.now();
  let result: InProcessOutcome;
  try {
    result = await once();
  } catch {
    result = { outcome: 'error', expected: false };
  }
  tally.latenciesMs.push(performance.now() - started);
  tally.count(result.outcome, result.expected);
}

/** A timed load of `seconds`, or a burst of exactly `amount` requests (one per connection when equal). */
export type HttpLoadOptions = ({ seconds: number } | { amount: number }) & {
  url: string;
  connections: number;
  timeoutSeconds?: number;
  /** The next request to send; called once per request, just before it is sent. */
  next(): Pick<autocannon.Request, 'method' | 'path' | 'headers' | 'body'>;
  /** Whether an answer is one the scenario expects. */
  expected(status: number, body: string): boolean;
};

/**
 * An autocannon load whose every request is built fresh by `next`. autocannon builds the first
 * request of its `requests` into the shared request object, so every connection would send the
 * last one built as its first request: each connection gets a request object of its own instead.
 *
 * A burst lasts until its last answer. autocannon reports a run's duration at its next one-second
 * sample tick after the last answer, which would add up to a second to a burst of a few seconds.
 */
export function httpLoad(options: HttpLoadOptions): Promise<DrivenRound> {
  const tally = new Tally();
  const started = performance.now();
  let lastAnswered = started;
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: options.url,
        connections: options.connections,
        ...('amount' in options ? { amount: options.amount } : { duration: options.seconds }),
        timeout: options.timeoutSeconds ?? 10,
        // Never sent: each connection replaces it before its first request.
        requests: [{ method: 'GET', path: '/' }],
        setupClient: (client) =>
          client.setRequests([
            {
              setupRequest: (request) => ({ ...request, ...options.next() }),
              onResponse: (status, body) => tally.count(String(status), options.expected(status, body)),
            },
          ]),
      },
      (error, result) => {
        if (error) reject(error);
        else {
          const seconds = 'amount' in options ? (lastAnswered - started) / 1000 : result.duration;
          resolve(tally.round(seconds, result.errors, result.timeouts));
        }
      },
    );
    // onResponse has no latency: autocannon gives it to the instance's response listeners.
    instance.on('response', (_client, _status, _bytes, responseTime) => {
      tally.latenciesMs.push(responseTime);
      lastAnswered = performance.now();
    });
  });
}

/** The pace of the paced scenarios: a load the 2-core machine the figures come from sustains. */
export const PACE_PER_SECOND = 500;

/** A request of a paced load: a GET, as the read routes it measures are. */
export interface PacedRequest {
  path: string;
  headers?: Record<string, string>;
}

/** A GET that both an autocannon scenario and a paced one can send. */
export type GetRequest = autocannon.Request & PacedRequest;

/**
 * Requests sent at a steady rate whatever the answers' pace (an open loop), each on a free
 * keep-alive connection of `agent` or a new one. Each latency counts from when the request was
 * due, so a server that stalls is charged for every request due meanwhile, not only for the one it
 * held (a closed loop waits instead, and hides the stall).
 */
export async function pacedHttpLoad(options: {
  url: string;
  agent: http.Agent;
  ratePerSecond: number;
  seconds: number;
  /** The request due next, in turn. */
  next(): PacedRequest;
  /** Raised to the most requests this load had in flight at once. */
  peak: { inFlight: number };
}): Promise<DrivenRound> {
  const tally = new Tally();
  const total = Math.round(options.ratePerSecond * options.seconds);
  const answers: Promise<void>[] = [];
  let errors = 0;
  let inFlight = 0;
  const send = (dueAt: number) =>
    new Promise<void>((resolve) => {
      options.peak.inFlight = Math.max(options.peak.inFlight, ++inFlight);
      // Once per request, whichever comes first: the whole answer, or an error on either side.
      let settled = false;
      const settle = (answered: number | undefined) => {
        if (settled) return;
        settled = true;
        inFlight--;
        if (answered === undefined) errors++;
        else {
          tally.latenciesMs.push(performance.now() - dueAt);
          tally.count(String(answered), answered === 200);
        }
        resolve();
      };
      const { path, headers } = options.next();
      const request = http.get(new URL(path, options.url), { agent: options.agent, headers }, (response) => {
        response.resume();
        response.on('end', () => settle(response.statusCode));
        response.on('error', () => settle(undefined));
      });
      request.setTimeout(10_000, () => request.destroy(new Error('timed out')));
      request.on('error', () => settle(undefined));
    });
  const started = performance.now();
  let sent = 0;
  await new Promise<void>((resolve) => {
    const sendWhatIsDue = () => {
      const due = Math.min(
        total,
        Math.floor(((performance.now() - started) / 1000) * options.ratePerSecond) + 1,
      );
      for (; sent < due; sent++) answers.push(send(started + (sent * 1000) / options.ratePerSecond));
      if (sent < total) setTimeout(sendWhatIsDue, 1);
      else resolve();
    };
    sendWhatIsDue();
  });
  await Promise.all(answers);
  return tally.round((performance.now() - started) / 1000, errors);
}

/**
 * A scenario of GETs paced at `ratePerSecond` (see pacedHttpLoad): the latency a route gives at a
 * load the server sustains, where a closed loop of many connections measures a queue instead.
 */
export function pacedScenario(scenario: {
  name: string;
  summary: string;
  ratePerSecond: number;
  compareTo?: Comparison[];
  requests(context: BenchContext): Promise<PacedRequest[]>;
}): DrivenScenario {
  return {
    name: scenario.name,
    summary: scenario.summary,
    ...(scenario.compareTo ? { compareTo: scenario.compareTo } : {}),
    async drive(setup) {
      const requests = await scenario.requests(setup.context);
      const agent = new http.Agent({ keepAlive: true });
      const peak = { inFlight: 0 };
      let next = 0;
      return {
        // Connections open when most requests were in flight: as many as the pace needed.
        get concurrency() {
          return peak.inFlight;
        },
        run: (seconds, measured) =>
          pacedHttpLoad({
            url: setup.serverUrl,
            agent,
            ratePerSecond: scenario.ratePerSecond,
            seconds,
            next: () => requests[next++ % requests.length]!,
            // The warm-up's first visits fill caches: their backlog is no measure of the pace.
            peak: measured ? peak : { inFlight: 0 },
          }),
        async finish() {
          agent.destroy();
          return { figures: { paced_req_per_s: scenario.ratePerSecond }, problems: [] };
        },
      };
    },
  };
}

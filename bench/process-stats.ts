/**
 * What the kernel says about the processes under load (Linux /proc; elsewhere the figures are
 * null). CPU time per request moves much less than req/s when neighbours load the machine, so it
 * is the figure to read when asking what a request costs.
 */
import { readFile } from 'node:fs/promises';

/** USER_HZ: the unit of /proc/<pid>/stat times; 100 on every mainstream Linux build. */
const CLOCK_TICKS_PER_SECOND = 100;

/** The high-water mark of the process's resident memory, in MB. */
export async function peakRssMb(pid: number): Promise<number | null> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => undefined);
  const match = status && /^VmHWM:\s+(\d+) kB$/m.exec(status);
  return match ? Math.round(Number(match[1]) / 1024) : null;
}

/** User plus system CPU seconds each process has used so far; processes that are gone are left out. */
export async function cpuSecondsByPid(pids: number[]): Promise<Map<number, number>> {
  const seconds = new Map<number, number>();
  for (const pid of pids) {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
    // Fields after the command name, which is in parentheses and may hold spaces: utime is the 12th.
    const fields = stat?.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields && fields.length >= 13) {
      seconds.set(pid, (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND);
    }
  }
  return seconds;
}

/** CPU seconds the processes used between two readings; null when none could be read twice. */
export function cpuSecondsBetween(before: Map<number, number>, after: Map<number, number>): number | null {
  let total: number | null = null;
  for (const [pid, end] of after) {
    const start = before.get(pid);
    if (start !== undefined) total = (total ?? 0) + end - start;
  }
  return total;
}

// What a process costs, read from /proc (Linux): CPU time and resident memory, and which children a process has.
import { readFileSync, readdirSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // USER_HZ: 100 on every Linux this runs on.

export function cpuMs(pid: number): number {
  const stat = readStat(pid);
  return stat ? ((stat.utime + stat.stime) * 1000) / TICKS_PER_SECOND : NaN;
}

export function rssBytes(pid: number): number {
  try {
    const pages = Number(readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]);
    return pages * 4096;
  } catch {
    return NaN;
  }
}

/** Child processes of `pid` whose command name is `comm` (e.g. the temporal dev server the SDK spawned). */
export function childrenNamed(pid: number, comm: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry));
    if (stat && stat.ppid === pid && stat.comm === comm) found.push(Number(entry));
  }
  return found;
}

/** Samples the resident memory of some processes every 100 ms and keeps the peak of each. */
export function rssSampler(pids: number[]): { stop(): number[] } {
  const peaks = pids.map(rssBytes);
  const timer = setInterval(() => pids.forEach((pid, i) => (peaks[i] = Math.max(peaks[i], rssBytes(pid)))), 100);
  return {
    stop() {
      clearInterval(timer);
      return peaks;
    },
  };
}

function readStat(pid: number): { comm: string; ppid: number; utime: number; stime: number } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // comm is in parentheses and may itself hold spaces or parentheses: split after the last ')'.
    const close = text.lastIndexOf(')');
    const comm = text.slice(text.indexOf('(') + 1, close);
    const fields = text.slice(close + 2).split(' ');
    return { comm, ppid: Number(fields[1]), utime: Number(fields[11]), stime: Number(fields[12]) };
  } catch {
    return undefined;
  }
}

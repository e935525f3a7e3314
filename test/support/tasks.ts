// The threads of a process as Linux lists them, for tests of what runs at which priority.
import { readdirSync, readFileSync } from 'node:fs';

/** A task's nice value and CPU ticks, from /proc/PID/task/TID/stat (fields after the parenthesised name). */
export function taskStats(pid: number): { tid: number; nice: number; ticks: number }[] {
  return readdirSync(`/proc/${pid}/task`).map((tid) => {
    const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state): utime is field 14, stime 15, nice 19.
    return { tid: Number(tid), nice: Number(fields[16]), ticks: Number(fields[11]) + Number(fields[12]) };
  });
}

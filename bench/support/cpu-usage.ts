import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { type EventLoopUtilization, performance } from 'node:perf_hooks';

/**
 * Who used the CPU during a benchmark phase: this Node process (all its threads), its main thread's event loop,
 * a worker thread's event loop, another process (DynamoDB Local's JVM) and the whole machine. The last two
 * come from /proc (Linux); elsewhere they are left out.
 */
export interface CpuSnapshot {
  at: number;
  process: NodeJS.CpuUsage;
  mainLoop: EventLoopUtilization;
  workerLoop?: EventLoopUtilization;
  /** utime + stime of the other process, in clock ticks. */
  otherTicks?: number;
  /** All CPUs together, in clock ticks. */
  machine?: { busy: number; total: number };
}

export interface CpuUse {
  /** This process, in cores (1 = one core busy for the whole interval). */
  processCores: number;
  /** Event-loop utilisation, 0–1: the fraction of the interval the loop was running code. */
  mainLoop: number;
  workerLoop?: number;
  /** The other process, in cores. */
  otherCores?: number;
  /** The whole machine, in cores busy (out of `cores`). */
  machineCores?: number;
  cores: number;
}

export function cpuSnapshot(options: { otherPid?: number; workerLoop?: () => EventLoopUtilization } = {}): CpuSnapshot {
  const snapshot: CpuSnapshot = {
    at: performance.now(),
    process: process.cpuUsage(),
    mainLoop: performance.eventLoopUtilization(),
  };
  if (options.workerLoop) snapshot.workerLoop = options.workerLoop();
  const otherTicks = options.otherPid === undefined ? undefined : processTicks(options.otherPid);
  if (otherTicks !== undefined) snapshot.otherTicks = otherTicks;
  const machine = machineTicks();
  if (machine) snapshot.machine = machine;
  return snapshot;
}

export function cpuBetween(from: CpuSnapshot, to: CpuSnapshot): CpuUse {
  const cores = cpus().length;
  const wallMicros = (to.at - from.at) * 1000;
  const use: CpuUse = {
    processCores: (to.process.user - from.process.user + to.process.system - from.process.system) / wallMicros,
    mainLoop: performance.eventLoopUtilization(to.mainLoop, from.mainLoop).utilization,
    cores,
  };
  if (from.workerLoop && to.workerLoop) {
    use.workerLoop = performance.eventLoopUtilization(to.workerLoop, from.workerLoop).utilization;
  }
  if (from.machine && to.machine && to.machine.total > from.machine.total) {
    // Ticks per core over the interval, from the machine's own counter: no need to know the tick rate.
    const ticksPerCore = (to.machine.total - from.machine.total) / cores;
    use.machineCores = (to.machine.busy - from.machine.busy) / ticksPerCore;
    if (from.otherTicks !== undefined && to.otherTicks !== undefined) {
      use.otherCores = (to.otherTicks - from.otherTicks) / ticksPerCore;
    }
  }
  return use;
}

/** utime + stime of every thread of a process (fields 14 and 15 of /proc/<pid>/stat). */
function processTicks(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces; the fields after it start with the state (field 3).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return undefined;
  }
}

/**
 * The aggregate "cpu" line of /proc/stat. Busy = user, nice, system, irq, softirq (guest time is inside user);
 * idle, iowait and steal (time the hypervisor gave to someone else) count only towards the total.
 */
function machineTicks(): { busy: number; total: number } | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
    const [label, ...values] = line.trim().split(/\s+/);
    if (label !== 'cpu') return undefined;
    const [user, nice, system, idle, iowait, irq, softirq, steal] = values.slice(0, 8).map(Number) as number[];
    const busy = (user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0);
    return { busy, total: busy + (idle ?? 0) + (iowait ?? 0) + (steal ?? 0) };
  } catch {
    return undefined;
  }
}

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
  workerLoops: EventLoopUtilization[];
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
  /** The worker threads' event loops, in the order they were given. */
  workerLoops: number[];
  /** The other process, in cores. */
  otherCores?: number;
  /** The whole machine, in cores busy (out of `cores`). */
  machineCores?: number;
  cores: number;
}

export interface CpuSources {
  /** DynamoDB Local's JVM. */
  otherPid?: number | undefined;
  workerLoops?: Array<() => EventLoopUtilization>;
}

export function cpuSnapshot(sources: CpuSources = {}): CpuSnapshot {
  const snapshot: CpuSnapshot = {
    at: performance.now(),
    process: process.cpuUsage(),
    mainLoop: performance.eventLoopUtilization(),
    workerLoops: (sources.workerLoops ?? []).map((loop) => loop()),
  };
  const otherTicks = sources.otherPid === undefined ? undefined : processTicks(sources.otherPid);
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
    workerLoops: to.workerLoops.map(
      (loop, index) => performance.eventLoopUtilization(loop, from.workerLoops[index]).utilization,
    ),
    cores,
  };
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

/**
 * CPU use over a window that opens `startMs` from now and lasts `durationMs`, sampled by timers on this (busy)
 * thread: close to the window, not exactly on it. `finish()` stops the timers and returns the use, if both fired.
 */
export function cpuOverWindow(startMs: number, durationMs: number, sources: CpuSources) {
  const snapshots: CpuSnapshot[] = [];
  const timers = [startMs, startMs + durationMs].map((delay) =>
    setTimeout(() => snapshots.push(cpuSnapshot(sources)), delay),
  );
  return {
    finish(): CpuUse | undefined {
      for (const timer of timers) clearTimeout(timer);
      const [from, to] = snapshots;
      return from && to ? cpuBetween(from, to) : undefined;
    },
  };
}

/** The table cells of one window: cores busy to two decimals, event loops in per cent, `—` where unknown. */
export function cpuCells(cpu: CpuUse | undefined) {
  const cores = (value: number | undefined) => (value === undefined ? '—' : value.toFixed(2));
  const percent = (value: number | undefined) => (value === undefined ? '—' : `${Math.round(value * 100)} %`);
  const others =
    cpu?.machineCores === undefined || cpu.otherCores === undefined
      ? undefined
      : cpu.machineCores - cpu.processCores - cpu.otherCores;
  return {
    machine: cpu?.machineCores === undefined ? '—' : `${cores(cpu.machineCores)} of ${cpu.cores}`,
    process: cores(cpu?.processCores),
    mainLoop: percent(cpu?.mainLoop),
    workerLoops: (cpu?.workerLoops ?? []).map(percent),
    jvm: cores(cpu?.otherCores),
    others: cores(others),
  };
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

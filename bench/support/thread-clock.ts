/**
 * A worker thread's performance.now() counts from its own timeOrigin, so times cross threads as epoch
 * milliseconds: the sending thread converts with toEpochMs, the receiving one with fromEpochMs.
 */
export const toEpochMs = (time: number): number => performance.timeOrigin + time;
export const fromEpochMs = (epochMs: number): number => epochMs - performance.timeOrigin;
export const epochNow = (): number => toEpochMs(performance.now());

interface RequestTimes {
  sentAt: number;
  firstByteAt: number;
  endAt: number;
}

/** The same record with its request's three instants moved onto another clock (toEpochMs or fromEpochMs). */
export function convertRequestTimes<Times extends RequestTimes>(
  times: Times,
  convert: (time: number) => number,
): Times {
  return {
    ...times,
    sentAt: convert(times.sentAt),
    firstByteAt: convert(times.firstByteAt),
    endAt: convert(times.endAt),
  };
}

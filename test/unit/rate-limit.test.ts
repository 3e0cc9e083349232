import { describe, expect, test } from '@jest/globals';
import { rateWindow } from '../../functions/domain/access/rate-limit.ts';

describe('rate windows', () => {
  test('a window is the UTC minute; Retry-After counts whole seconds to the next one', () => {
    expect(rateWindow(new Date('2026-11-27T08:15:00.000Z'))).toEqual({
      window: '2026-11-27T08:15',
      retryAfterSeconds: 60,
    });
    expect(rateWindow(new Date('2026-11-27T08:15:42.300Z'))).toMatchObject({
      window: '2026-11-27T08:15',
      retryAfterSeconds: 18,
    });
  });

  test('Retry-After is never 0, even in the window’s last millisecond', () => {
    expect(rateWindow(new Date('2026-11-27T23:59:59.999Z'))).toMatchObject({
      window: '2026-11-27T23:59',
      retryAfterSeconds: 1,
    });
  });
});

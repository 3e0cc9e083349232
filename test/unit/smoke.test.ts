import { expect, test } from '@jest/globals';
import { streamText } from 'ai';
import { z } from 'zod';

test('esm deps load', () => {
  expect(z.string().parse('a')).toBe('a');
  expect(typeof streamText).toBe('function');
});

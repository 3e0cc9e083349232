import { experimental_useObject as useObject } from '@ai-sdk/react';
import { useState } from 'react';
import type { z } from 'zod';
import type { StreamPhase } from './ProfileFields.tsx';

/** The phase a useObject stream ends in: a complete object, an invalid one, or none (stopped). */
const finishedPhase = (result: unknown, invalid: unknown): StreamPhase =>
  result ? 'done' : invalid ? 'error' : 'stopped';

/**
 * useObject with the phase the panels show: streaming once started, then done, error or stopped.
 * `onFinish` gets the complete object, or undefined when the stream was stopped or did not match the schema.
 */
export function useStreamingObject<Result>(options: {
  api: string;
  schema: z.ZodType<Result>;
  headers: () => Record<string, string>;
  onFinish(result: Result | undefined): void;
}) {
  const [phase, setPhase] = useState<StreamPhase>('idle');
  const { object, submit, isLoading, error, stop } = useObject({
    api: options.api,
    schema: options.schema,
    headers: options.headers,
    onFinish: ({ object: result, error: invalid }) => {
      setPhase(finishedPhase(result, invalid));
      options.onFinish(result);
    },
    onError: () => setPhase('error'),
  });
  return {
    object,
    isLoading,
    error,
    phase,
    start: (body: unknown) => {
      setPhase('streaming');
      submit(body);
    },
    stop: () => {
      stop();
      setPhase('stopped');
    },
  };
}

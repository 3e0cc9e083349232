import { experimental_useObject as useObject } from '@ai-sdk/react';
import { type FormEvent, useState } from 'react';
import type { IcpResult } from '../../functions/domain/strategy/icp.ts';
import { ippResultSchema } from '../../functions/domain/strategy/ipp.ts';
import { describeError } from './connection.ts';
import { fieldsOf, PhaseBadge, ProfileFields, type StreamPhase } from './ProfileFields.tsx';

const ippFields = fieldsOf(ippResultSchema);

/** POST /api/ai/ipp with useObject, from the last ICP (this session's, or the organisation's current one). */
export function IppPanel(props: {
  baseUrl: string;
  headers: () => Record<string, string>;
  disabled: boolean;
  icp: IcpResult | undefined;
  defaultDomain: string;
  onFinished(): void;
}) {
  const [domain, setDomain] = useState('');
  const [phase, setPhase] = useState<StreamPhase>('idle');
  const { object, submit, isLoading, error, stop } = useObject({
    api: `${props.baseUrl}/api/ai/ipp`,
    schema: ippResultSchema,
    headers: props.headers,
    onFinish: ({ object: result, error: invalid }) => {
      setPhase(result ? 'done' : invalid ? 'error' : 'stopped');
      props.onFinished();
    },
    onError: () => setPhase('error'),
  });

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (!props.icp) return;
    setPhase('streaming');
    submit({ icp: props.icp, ...(domain.trim() ? { domain: domain.trim() } : {}) });
  };

  return (
    <section className="panel" data-testid="ipp-panel" aria-busy={isLoading}>
      <header>
        <h2>Ideal Partner Profile</h2>
        <PhaseBadge phase={phase} testId="ipp-phase" />
      </header>
      <form onSubmit={onSubmit} className="row">
        <label>
          Domain
          <input
            value={domain}
            onChange={(event) => setDomain(event.target.value)}
            placeholder={props.defaultDomain || 'your key’s email domain'}
            name="domain"
          />
        </label>
        {isLoading ? (
          <button
            type="button"
            onClick={() => {
              stop();
              setPhase('stopped');
            }}
          >
            Stop
          </button>
        ) : (
          <button type="submit" disabled={props.disabled || !props.icp}>
            Generate IPP
          </button>
        )}
      </form>
      {props.icp ? null : <p className="hint">Generate an ICP first: the IPP is built from it.</p>}
      {error ? <p className="error">{describeError(error)}</p> : null}
      <ProfileFields fields={ippFields} value={object} />
    </section>
  );
}

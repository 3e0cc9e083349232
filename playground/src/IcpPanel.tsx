import { experimental_useObject as useObject } from '@ai-sdk/react';
import { type FormEvent, useState } from 'react';
import { type IcpResult, icpResultSchema } from '../../functions/domain/strategy/icp.ts';
import { describeError } from './connection.ts';
import { fieldsOf, PhaseBadge, ProfileFields, type StreamPhase } from './ProfileFields.tsx';

const icpFields = fieldsOf(icpResultSchema);

/** POST /api/ai/icp with useObject: the profile renders field by field while the text stream arrives. */
export function IcpPanel(props: {
  baseUrl: string;
  headers: () => Record<string, string>;
  disabled: boolean;
  onResult(icp: IcpResult): void;
}) {
  const [company, setCompany] = useState('example.com');
  const [phase, setPhase] = useState<StreamPhase>('idle');
  const { object, submit, isLoading, error, stop } = useObject({
    api: `${props.baseUrl}/api/ai/icp`,
    schema: icpResultSchema,
    headers: props.headers,
    onFinish: ({ object: result, error: invalid }) => {
      if (result) {
        setPhase('done');
        props.onResult(result);
      } else {
        setPhase(invalid ? 'error' : 'stopped');
      }
    },
    onError: () => setPhase('error'),
  });

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    setPhase('streaming');
    submit({ company });
  };

  return (
    <section className="panel" data-testid="icp-panel" aria-busy={isLoading}>
      <header>
        <h2>Ideal Customer Profile</h2>
        <PhaseBadge phase={phase} testId="icp-phase" />
      </header>
      <form onSubmit={onSubmit} className="row">
        <label>
          Company
          <input value={company} onChange={(event) => setCompany(event.target.value)} name="company" />
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
          <button type="submit" disabled={props.disabled || !company.trim()}>
            Generate ICP
          </button>
        )}
      </form>
      {error ? <p className="error">{describeError(error)}</p> : null}
      <ProfileFields fields={icpFields} value={object} />
    </section>
  );
}

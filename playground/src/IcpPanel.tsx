import { experimental_useObject as useObject } from '@ai-sdk/react';
import { type FormEvent, useState } from 'react';
import { type IcpResult, icpResultSchema } from '../../functions/domain/strategy/icp.ts';
import { fieldsOf, type StreamPhase } from './ProfileFields.tsx';
import { finishedPhase, StreamingObjectPanel } from './StreamingObjectPanel.tsx';

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
      setPhase(finishedPhase(result, invalid));
      if (result) props.onResult(result);
    },
    onError: () => setPhase('error'),
  });

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    setPhase('streaming');
    submit({ company });
  };

  return (
    <StreamingObjectPanel
      title="Ideal Customer Profile"
      testId="icp"
      phase={phase}
      isLoading={isLoading}
      onSubmit={onSubmit}
      onStop={() => {
        stop();
        setPhase('stopped');
      }}
      input={
        <label>
          Company
          <input value={company} onChange={(event) => setCompany(event.target.value)} name="company" />
        </label>
      }
      submitLabel="Generate ICP"
      submitDisabled={props.disabled || !company.trim()}
      error={error}
      fields={icpFields}
      value={object}
    />
  );
}

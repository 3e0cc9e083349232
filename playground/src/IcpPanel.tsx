import { type FormEvent, useState } from 'react';
import { type IcpResult, icpResultSchema } from '../../functions/domain/strategy/icp.ts';
import { fieldsOf } from './ProfileFields.tsx';
import { StreamingObjectPanel } from './StreamingObjectPanel.tsx';
import { useStreamingObject } from './use-streaming-object.ts';

const icpFields = fieldsOf(icpResultSchema);

/** POST /api/ai/icp with useObject: the profile renders field by field while the text stream arrives. */
export function IcpPanel(props: {
  baseUrl: string;
  headers: () => Record<string, string>;
  disabled: boolean;
  onResult(icp: IcpResult): void;
}) {
  const [company, setCompany] = useState('example.com');
  const { object, start, isLoading, error, stop, phase } = useStreamingObject({
    api: `${props.baseUrl}/api/ai/icp`,
    schema: icpResultSchema,
    headers: props.headers,
    onFinish: (result) => {
      if (result) props.onResult(result);
    },
  });

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    start({ company });
  };

  return (
    <StreamingObjectPanel
      title="Ideal Customer Profile"
      testId="icp"
      phase={phase}
      isLoading={isLoading}
      onSubmit={onSubmit}
      onStop={stop}
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

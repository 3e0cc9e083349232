import { type FormEvent, useState } from 'react';
import type { IcpResult } from '../../functions/domain/strategy/icp.ts';
import { ippResultSchema } from '../../functions/domain/strategy/ipp.ts';
import { fieldsOf } from './ProfileFields.tsx';
import { StreamingObjectPanel } from './StreamingObjectPanel.tsx';
import { useStreamingObject } from './use-streaming-object.ts';

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
  const { object, start, isLoading, error, stop, phase } = useStreamingObject({
    api: `${props.baseUrl}/api/ai/ipp`,
    schema: ippResultSchema,
    headers: props.headers,
    onFinish: () => props.onFinished(),
  });

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (!props.icp) return;
    start({ icp: props.icp, ...(domain.trim() ? { domain: domain.trim() } : {}) });
  };

  return (
    <StreamingObjectPanel
      title="Ideal Partner Profile"
      testId="ipp"
      phase={phase}
      isLoading={isLoading}
      onSubmit={onSubmit}
      onStop={stop}
      input={
        <label>
          Domain
          <input
            value={domain}
            onChange={(event) => setDomain(event.target.value)}
            placeholder={props.defaultDomain || 'your key’s email domain'}
            name="domain"
          />
        </label>
      }
      submitLabel="Generate IPP"
      submitDisabled={props.disabled || !props.icp}
      hint={props.icp ? null : <p className="hint">Generate an ICP first: the IPP is built from it.</p>}
      error={error}
      fields={ippFields}
      value={object}
    />
  );
}

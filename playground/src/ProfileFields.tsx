/** Renders a (partial) structured object field by field: a field appears as soon as its first value streams in. */
export interface FieldSpec {
  key: string;
  label: string;
  description?: string;
}

type Value = unknown;

const isPresent = (value: Value) =>
  value !== undefined && value !== null && value !== '' && !(Array.isArray(value) && value.length === 0);

function FieldValue({ value }: { value: Value }) {
  if (Array.isArray(value)) {
    if (value.some((item) => typeof item === 'object' && item !== null)) {
      return (
        <ul className="cards">
          {value.map((item, index) => {
            const { role, description } = (item ?? {}) as { role?: string; description?: string };
            return (
              // Partial arrays only grow at the end, so the index is a stable key while streaming.
              // biome-ignore lint/suspicious/noArrayIndexKey: see above
              <li key={index}>
                <strong>{role ?? '…'}</strong>
                {description ? <span> — {description}</span> : null}
              </li>
            );
          })}
        </ul>
      );
    }
    return (
      <ul className="chips">
        {value.map((item, index) =>
          // biome-ignore lint/suspicious/noArrayIndexKey: partial arrays only grow at the end
          isPresent(item) ? <li key={index}>{String(item)}</li> : null,
        )}
      </ul>
    );
  }
  return <span className="text">{String(value)}</span>;
}

export function ProfileFields({ fields, value }: { fields: FieldSpec[]; value: object | undefined }) {
  const record = (value ?? {}) as Record<string, Value>;
  const present = fields.filter((field) => isPresent(record[field.key]));
  if (present.length === 0) return null;
  return (
    <dl className="fields" data-testid="fields">
      {present.map((field) => (
        <div className="field" key={field.key} data-field={field.key}>
          <dt title={field.description}>{field.label}</dt>
          <dd>
            <FieldValue value={record[field.key]} />
          </dd>
        </div>
      ))}
    </dl>
  );
}

/** The fields in schema order, labelled from their keys ("buyingSignals" → "Buying signals"). */
export function fieldsOf(schema: { shape: Record<string, { description?: string | undefined }> }): FieldSpec[] {
  return Object.entries(schema.shape).map(([key, field]) => ({
    key,
    label: key.replace(/[A-Z]/g, (letter) => ` ${letter.toLowerCase()}`).replace(/^./, (first) => first.toUpperCase()),
    ...(field.description ? { description: field.description } : {}),
  }));
}

/** The panel's state as text and as a data attribute the end-to-end test reads. */
export type StreamPhase = 'idle' | 'streaming' | 'done' | 'stopped' | 'error';

export function PhaseBadge({ phase, testId }: { phase: StreamPhase; testId: string }) {
  const label = { idle: 'idle', streaming: 'streaming…', done: 'done', stopped: 'stopped', error: 'error' }[phase];
  return (
    <span className={`badge badge-${phase}`} data-testid={testId} data-phase={phase}>
      {label}
    </span>
  );
}

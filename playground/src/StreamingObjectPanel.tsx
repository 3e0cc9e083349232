import type { FormEvent, ReactNode } from 'react';
import { describeError } from './connection.ts';
import { type FieldSpec, PhaseBadge, ProfileFields, type StreamPhase } from './ProfileFields.tsx';

/**
 * The frame the useObject panels share: title and phase badge, a one-input form whose button stops the running
 * stream, an optional hint, the error, and the profile's fields as they stream in.
 */
export function StreamingObjectPanel(props: {
  title: string;
  /** Prefix of the panel's and the phase badge's test ids (`${testId}-panel`, `${testId}-phase`). */
  testId: string;
  phase: StreamPhase;
  isLoading: boolean;
  onSubmit(event: FormEvent): void;
  onStop(): void;
  /** The form's input, with its label. */
  input: ReactNode;
  submitLabel: string;
  submitDisabled: boolean;
  hint?: ReactNode;
  error: Error | undefined;
  fields: FieldSpec[];
  value: object | undefined;
}) {
  return (
    <section className="panel" data-testid={`${props.testId}-panel`} aria-busy={props.isLoading}>
      <header>
        <h2>{props.title}</h2>
        <PhaseBadge phase={props.phase} testId={`${props.testId}-phase`} />
      </header>
      <form onSubmit={props.onSubmit} className="row">
        {props.input}
        {props.isLoading ? (
          <button type="button" onClick={props.onStop}>
            Stop
          </button>
        ) : (
          <button type="submit" disabled={props.submitDisabled}>
            {props.submitLabel}
          </button>
        )}
      </form>
      {props.hint}
      {props.error ? <p className="error">{describeError(props.error)}</p> : null}
      <ProfileFields fields={props.fields} value={props.value} />
    </section>
  );
}

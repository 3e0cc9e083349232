/** What the checks share: the target, the optional second organisation, and what earlier checks created. */
import { randomUUID } from 'node:crypto';
import type { ApiTarget } from './api-client.ts';
import type { Checks } from './harness.ts';

export interface RunContext {
  checks: Checks;
  api: ApiTarget;
  /** A key of another organisation, for the isolation checks. */
  otherApi?: ApiTarget;
  /** Makes names unique to this run, so a run never joins or reads what another run left. */
  runId: string;
  namespace: string;
  created: {
    icp?: Record<string, unknown>;
    partnerId?: string;
    documentId?: string;
    reportId?: string;
  };
  /** Drops the registered clean-up of a record once a check has deleted it itself. */
  deleted: Record<string, () => void>;
}

export function newRunContext(checks: Checks, api: ApiTarget, otherApi: ApiTarget | undefined): RunContext {
  const runId = randomUUID().slice(0, 8);
  return {
    checks,
    api,
    ...(otherApi ? { otherApi } : {}),
    runId,
    namespace: `acceptance-${runId}`,
    created: {},
    deleted: {},
  };
}

/** A value an earlier check should have produced; its absence fails the check that needs it. */
export function needed<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`needs ${what}, which an earlier check did not create`);
  return value;
}

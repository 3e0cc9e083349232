import { type FormEvent, useCallback, useEffect, useRef, useState } from 'react';
import type { IcpResult } from '../../functions/domain/strategy/icp.ts';
import type { StrategyView } from '../../functions/domain/strategy/strategy-view.ts';
import { ChatPanel } from './ChatPanel.tsx';
import {
  authorization,
  type Connection,
  defaultBaseUrl,
  describeError,
  emailDomain,
  getJson,
  loadConnection,
  type Organisation,
  saveConnection,
} from './connection.ts';
import { IcpPanel } from './IcpPanel.tsx';
import { IppPanel } from './IppPanel.tsx';
import { ReportPanel } from './ReportPanel.tsx';

export function App() {
  const [connection, setConnection] = useState<Connection>(loadConnection);
  const [keyInput, setKeyInput] = useState(connection.apiKey);
  const [baseUrlInput, setBaseUrlInput] = useState(connection.baseUrl);
  const [organisation, setOrganisation] = useState<Organisation>();
  const [connectError, setConnectError] = useState<string>();
  const [icp, setIcp] = useState<IcpResult>();

  // The hooks call headers() on every request, so a changed key applies without recreating them.
  const keyRef = useRef(connection.apiKey);
  keyRef.current = connection.apiKey;
  const headers = useCallback(() => authorization(keyRef.current), []);

  const refreshOrganisation = useCallback(async () => {
    try {
      setOrganisation(await getJson<Organisation>(connection, '/api/organisation'));
      setConnectError(undefined);
    } catch (error) {
      setOrganisation(undefined);
      setConnectError(describeError(error));
    }
  }, [connection]);

  useEffect(() => {
    if (!connection.apiKey) return;
    void refreshOrganisation();
    // The organisation's current ICP, so the IPP panel works without generating one first.
    getJson<StrategyView>(connection, '/api/strategy')
      .then((strategy) => setIcp((current) => current ?? strategy.icp?.result))
      .catch(() => undefined);
  }, [connection, refreshOrganisation]);

  const onConnect = (event: FormEvent) => {
    event.preventDefault();
    setConnection(saveConnection({ apiKey: keyInput, baseUrl: baseUrlInput }));
  };

  const onIcp = useCallback(
    (result: IcpResult) => {
      setIcp(result);
      void refreshOrganisation();
    },
    [refreshOrganisation],
  );
  const onAiCallFinished = useCallback(() => void refreshOrganisation(), [refreshOrganisation]);

  const disabled = !organisation;
  const domain = organisation ? emailDomain(organisation.userEmail) : '';

  return (
    <main>
      <header className="top">
        <h1>
          PartnerOS AI <span>playground</span>
        </h1>
        <form className="row connect" onSubmit={onConnect} data-testid="connect-form">
          <label>
            API key
            <input
              type="password"
              value={keyInput}
              onChange={(event) => setKeyInput(event.target.value)}
              placeholder="pos_…"
              autoComplete="off"
              name="apiKey"
            />
          </label>
          <label>
            Base URL
            <input
              value={baseUrlInput}
              onChange={(event) => setBaseUrlInput(event.target.value)}
              placeholder={defaultBaseUrl()}
              name="baseUrl"
            />
          </label>
          <button type="submit">Connect</button>
        </form>
        <p className="status" data-testid="organisation">
          {organisation ? (
            <>
              <strong>{organisation.name}</strong> · {organisation.userEmail} · quota {organisation.quota.remaining}/
              {organisation.quota.limit} left in {organisation.quota.period} · up to{' '}
              {organisation.rateLimit.aiRequestsPerMinute} AI requests a minute
            </>
          ) : connectError ? (
            <span className="error">{connectError}</span>
          ) : (
            'Enter an API key (npm start prints a demo key). It stays in this tab’s sessionStorage.'
          )}
        </p>
      </header>
      <div className="grid" key={connection.baseUrl}>
        <div className="column">
          <IcpPanel baseUrl={connection.baseUrl} headers={headers} disabled={disabled} onResult={onIcp} />
          <IppPanel
            baseUrl={connection.baseUrl}
            headers={headers}
            disabled={disabled}
            icp={icp}
            defaultDomain={domain}
            onFinished={onAiCallFinished}
          />
        </div>
        <div className="column">
          <ChatPanel baseUrl={connection.baseUrl} headers={headers} disabled={disabled} onFinished={onAiCallFinished} />
          <ReportPanel
            connection={connection}
            headers={headers}
            disabled={disabled}
            defaultOrgName={organisation?.name ?? ''}
            defaultDomain={domain}
            onFinished={onAiCallFinished}
          />
        </div>
      </div>
    </main>
  );
}

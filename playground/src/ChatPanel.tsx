import { useChat } from '@ai-sdk/react';
import { DefaultChatTransport, getToolName, isToolUIPart, type UIMessage } from 'ai';
import { type FormEvent, useMemo, useState } from 'react';
import { describeError } from './connection.ts';

const suggestions = ['Who are our partners?', 'What is our strategy?', 'List our reports'];

/** A one-line summary of a tool result: the first list in it, by name where its items have one. */
function summariseOutput(output: unknown): string {
  if (typeof output !== 'object' || output === null) return JSON.stringify(output);
  for (const [key, value] of Object.entries(output)) {
    if (!Array.isArray(value)) continue;
    const names = value
      .map((item) => (item as { name?: unknown; title?: unknown })?.name ?? (item as { title?: unknown })?.title)
      .filter((name): name is string => typeof name === 'string');
    return `${value.length} ${key}${names.length > 0 ? `: ${names.slice(0, 5).join(', ')}` : ''}`;
  }
  return Object.keys(output).join(', ') || 'empty result';
}

type Part = UIMessage['parts'][number];

function MessagePart({ part }: { part: Part }) {
  if (part.type === 'text') return <p className="text-part">{part.text}</p>;
  if (isToolUIPart(part)) {
    const name = getToolName(part);
    return (
      <details className="tool-part" data-tool={name} data-state={part.state}>
        <summary>
          <code>{name}</code> <span className="tool-state">{part.state}</span>
          {part.state === 'output-available' ? <span> → {summariseOutput(part.output)}</span> : null}
          {part.state === 'output-error' ? <span className="error"> → {part.errorText}</span> : null}
        </summary>
        <pre>{JSON.stringify({ input: part.input, output: part.output }, null, 2).slice(0, 4000)}</pre>
      </details>
    );
  }
  return null;
}

/** Nelson over POST /api/ai/chat with useChat: text and tool parts render as the UI message stream arrives. */
export function ChatPanel(props: {
  baseUrl: string;
  headers: () => Record<string, string>;
  disabled: boolean;
  onFinished(): void;
}) {
  const { baseUrl, headers, onFinished } = props;
  const transport = useMemo(
    () => new DefaultChatTransport({ api: `${baseUrl}/api/ai/chat`, headers, body: { currentRoute: '/playground' } }),
    [baseUrl, headers],
  );
  const { messages, sendMessage, status, error, stop } = useChat({ transport, onFinish: () => onFinished() });
  const [input, setInput] = useState('');
  const busy = status === 'submitted' || status === 'streaming';

  const send = (text: string) => {
    if (!text.trim() || busy) return;
    void sendMessage({ text: text.trim() });
    setInput('');
  };
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    send(input);
  };

  return (
    <section className="panel chat" data-testid="chat-panel" aria-busy={busy}>
      <header>
        <h2>Nelson</h2>
        <span className={`badge badge-${busy ? 'streaming' : 'idle'}`} data-testid="chat-status" data-status={status}>
          {status}
        </span>
      </header>
      <ol className="messages" data-testid="messages">
        {messages.map((message) => (
          <li key={message.id} className={`message ${message.role}`} data-role={message.role}>
            {message.parts.map((part, index) => (
              // Parts are appended in order and never reordered.
              // biome-ignore lint/suspicious/noArrayIndexKey: see above
              <MessagePart key={index} part={part} />
            ))}
          </li>
        ))}
      </ol>
      {error ? <p className="error">{describeError(error)}</p> : null}
      <div className="suggestions">
        {suggestions.map((text) => (
          <button type="button" key={text} onClick={() => send(text)} disabled={props.disabled || busy}>
            {text}
          </button>
        ))}
      </div>
      <form onSubmit={onSubmit} className="row">
        <input
          value={input}
          onChange={(event) => setInput(event.target.value)}
          placeholder="Ask Nelson about your partners, strategy or reports"
          aria-label="Message to Nelson"
          name="message"
        />
        {busy ? (
          <button type="button" onClick={() => void stop()}>
            Stop
          </button>
        ) : (
          <button type="submit" disabled={props.disabled || !input.trim()}>
            Send
          </button>
        )}
      </form>
    </section>
  );
}

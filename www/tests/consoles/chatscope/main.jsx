// A small agent console built from @chatscope/chat-ui-kit-react's real
// components, so the extension's chatscope adapter is tested against the
// kit's own DOM rather than an imitation. Built by ../build.mjs into dist/.
//
// State lives in a tiny store outside React (read with useSyncExternalStore)
// so that window.__console.state() is synchronous and exact for tests.

import '@chatscope/chat-ui-kit-styles/dist/default/styles.min.css';
import { useSyncExternalStore } from 'react';
import { createRoot } from 'react-dom/client';
import { flushSync } from 'react-dom';
import {
  ChatContainer,
  Conversation,
  ConversationHeader,
  ConversationList,
  MainContainer,
  Message,
  MessageInput,
  MessageList,
  Sidebar,
} from '@chatscope/chat-ui-kit-react';
import { conversations } from './conversations.js';

const params = new URLSearchParams(location.search);
const FAST = params.get('fast') === '1';
const STEP_MS = 300;

const byId = new Map(conversations.map((c) => [c.id, c]));

// Local time as "YYYY-MM-DDTHH:MM:SS": readable, and an ISO date-time
// without offset, which Date.parse reads as local time (adapter `time`).
function stamp(date) {
  const p = (n) => String(n).padStart(2, '0');
  return (
    `${date.getFullYear()}-${p(date.getMonth() + 1)}-${p(date.getDate())}` +
    `T${p(date.getHours())}:${p(date.getMinutes())}:${p(date.getSeconds())}`
  );
}

let nextMessageId = 1;
function makeMessage(conv, from, text, date = new Date()) {
  const customer = from === 'customer';
  return {
    id: nextMessageId++,
    direction: customer ? 'incoming' : 'outgoing',
    sender: customer ? conv.customer : conv.agent,
    text,
    time: stamp(date),
  };
}

// ---- store -----------------------------------------------------------------

const loadedAt = Date.now();
let state = {
  active: conversations[0].id,
  convs: Object.fromEntries(
    conversations.map((c) => [
      c.id,
      {
        messages: c.history.map((line, i) =>
          makeMessage(c, line.from, line.text, new Date(loadedAt - (c.history.length - i) * 60_000)),
        ),
        cursor: 0, // next script line to play
        unread: 0,
        playing: false,
      },
    ]),
  ),
};
const listeners = new Set();

function update(fn) {
  state = fn(state);
  for (const l of listeners) l();
}
function subscribe(l) {
  listeners.add(l);
  return () => listeners.delete(l);
}
const getState = () => state;

function patchConv(s, id, patch) {
  return { ...s, convs: { ...s.convs, [id]: { ...s.convs[id], ...patch } } };
}

function append(id, from, text) {
  const conv = byId.get(id);
  if (!conv) throw new Error(`unknown conversation ${id}`);
  update((s) => {
    const cs = s.convs[id];
    return patchConv(s, id, {
      messages: [...cs.messages, makeMessage(conv, from, text)],
      unread: id === s.active ? 0 : cs.unread + 1,
    });
  });
}

function switchTo(id) {
  if (!byId.has(id)) throw new Error(`unknown conversation ${id}`);
  update((s) => patchConv({ ...s, active: id }, id, { unread: 0 }));
}

/** #next: the next scripted customer line (agent lines before it are skipped: the human answers). */
function next(id = state.active) {
  const { script } = byId.get(id);
  const cs = state.convs[id];
  let j = cs.cursor;
  while (j < script.length && script[j].from !== 'customer') j++;
  if (j >= script.length) return false;
  update((s) => patchConv(s, id, { cursor: j + 1 }));
  append(id, 'customer', script[j].text);
  return true;
}

/** One scripted line, customer or agent, of conversation `id`. */
function step(id) {
  const { script } = byId.get(id);
  const { cursor } = state.convs[id];
  if (cursor >= script.length) return false;
  update((s) => patchConv(s, id, { cursor: cursor + 1 }));
  append(id, script[cursor].from, script[cursor].text);
  return true;
}

/**
 * #play: the rest of the script of the conversation in view when pressed
 * (it keeps going there if the agent switches away), STEP_MS apart, or all at
 * once with ?fast=1 / fast: true. Resolves when done.
 */
function play({ fast = FAST, id = state.active } = {}) {
  if (state.convs[id].playing) return Promise.resolve(false);
  if (fast) {
    while (step(id));
    return Promise.resolve(true);
  }
  update((s) => patchConv(s, id, { playing: true }));
  return new Promise((resolve) => {
    const tick = () => {
      if (step(id) && state.convs[id].cursor < byId.get(id).script.length) {
        setTimeout(tick, STEP_MS);
      } else {
        update((s) => patchConv(s, id, { playing: false }));
        resolve(true);
      }
    };
    tick();
  });
}

// The compose box hands over innerHTML, textContent and innerText; innerText
// keeps Shift+Enter line breaks. Typing spaces leaves U+00A0 in the editor.
function sendFromInput(_html, textContent, innerText) {
  const text = (innerText || textContent || '').replace(/\u00a0/g, ' ').trim();
  if (text) append(state.active, 'agent', text);
}

// Test hook. Tests of the extension should drive the page like a user (the
// toolbar, the compose box); this is for set-up and for checking state.
// flushSync: the DOM is up to date when a call returns.
const sync = (fn) => (...args) => {
  let out;
  flushSync(() => {
    out = fn(...args);
  });
  return out;
};
window.__console = {
  ids: conversations.map((c) => c.id),
  customerSays: sync((text, id = state.active) => append(id, 'customer', String(text))),
  agentSays: sync((text, id = state.active) => append(id, 'agent', String(text))),
  switchTo: sync(switchTo),
  next: sync(next),
  play: (opts) => play(opts),
  state: () => structuredClone(state),
};

// ---- view ------------------------------------------------------------------

function Toolbar({ s }) {
  const conv = byId.get(s.active);
  const cs = s.convs[s.active];
  const hasCustomerLine = conv.script.slice(cs.cursor).some((l) => l.from === 'customer');
  const sendAsCustomer = (form) => {
    const input = form.elements.namedItem('customer-text');
    if (input.value.trim()) append(s.active, 'customer', input.value.trim());
    input.value = '';
  };
  return (
    <div className="toolbar">
      <strong>Chatscope test console</strong>
      <button id="next" type="button" disabled={!hasCustomerLine} onClick={() => next()}>
        Customer says next line
      </button>
      <button id="play" type="button" disabled={cs.playing || cs.cursor >= conv.script.length} onClick={() => play()}>
        {cs.playing ? 'Playing…' : 'Play script'}
      </button>
      <span id="progress">
        {cs.cursor}/{conv.script.length}
      </span>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          sendAsCustomer(e.currentTarget);
        }}
      >
        <input id="customer-text" name="customer-text" placeholder="Customer says…" autoComplete="off" />
        <button id="customer-send" type="submit">
          Send as customer
        </button>
      </form>
    </div>
  );
}

function App() {
  const s = useSyncExternalStore(subscribe, getState);
  const conv = byId.get(s.active);
  const cs = s.convs[s.active];
  return (
    <>
      <Toolbar s={s} />
      <div className="console">
        <MainContainer>
          <Sidebar position="left">
            <ConversationList>
              {conversations.map((c) => {
                const last = s.convs[c.id].messages.at(-1);
                return (
                  <Conversation
                    key={c.id}
                    name={c.name}
                    info={last ? last.text : c.info}
                    unreadCnt={s.convs[c.id].unread}
                    active={c.id === s.active}
                    onClick={() => switchTo(c.id)}
                  />
                );
              })}
            </ConversationList>
          </Sidebar>
          {/* One ChatContainer for all conversations: the message list and the
              compose box stay the same elements when the agent switches. */}
          <ChatContainer>
            <ConversationHeader data-conversation-id={conv.id}>
              <ConversationHeader.Content userName={conv.name} info={conv.info} />
            </ConversationHeader>
            <MessageList>
              {cs.messages.map((m) => (
                <Message
                  key={m.id}
                  model={{ message: m.text, sender: m.sender, sentTime: m.time, direction: m.direction, position: 'single', type: 'text' }}
                >
                  <Message.Header sender={m.sender} sentTime={m.time} />
                </Message>
              ))}
            </MessageList>
            <MessageInput placeholder="输入消息 / Type a message" attachButton={false} onSend={sendFromInput} />
          </ChatContainer>
        </MainContainer>
      </div>
    </>
  );
}

createRoot(document.getElementById('root')).render(<App />);

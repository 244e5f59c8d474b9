// <linesman-assist>: the live-assist panel (linesman-assist.js). Engine
// types come from ../linesman.d.ts.
import type { BannedEvent, Conversation, LinesmanError, LinesmanEvent, FlagEvent, Locale, Message, PlaybookInfo, Summary } from '../linesman';

export interface LinesmanAssistEventMap {
  /** Every engine event (observe, tick, end, drafts). */
  'linesman:event': CustomEvent<{ conversation: string; event: LinesmanEvent }>;
  /** A flag event; its excerpt has personal data masked. */
  'linesman:flag': CustomEvent<{ conversation: string; flag: FlagEvent }>;
  /** A suggestion arrived ("shown") or the agent used one ("insert" / "copy", with `choice`).
   *  `source` is "suggestion" or "draft" (a banned phrase's better wording) for insert/copy. */
  'linesman:suggestion': CustomEvent<{
    conversation: string;
    text: string[];
    rule: string | null;
    action: 'shown' | 'insert' | 'copy';
    choice?: string;
    source?: 'suggestion' | 'draft';
  }>;
  'linesman:ready': CustomEvent<{ info: PlaybookInfo; emotionSource: string }>;
  /** The build failed (no `conversation`) or a later engine call did. */
  'linesman:error': CustomEvent<{ error: LinesmanError; conversation?: string }>;
}

/** What the widget needs of an engine it does not own. */
export interface EngineLike {
  readonly info: PlaybookInfo;
  readonly emotionSource: string;
  readonly ready?: Promise<unknown>;
  conversation(key?: string): Promise<Pick<Conversation, 'observe' | 'tick' | 'end' | 'summary'>>;
  checkDraft(text: string): Promise<BannedEvent[]>;
}

export declare class LinesmanAssistElement extends HTMLElement {
  /** Attribute `playbook`: a playbook JSON URL or `builtin:ID`; default `builtin:retail-zh`. */
  playbook: string;
  /** Attribute `model`: URL of emotion.model, or "none" for the lexicon; default ../../pkg/emotion.model. */
  model: string;
  /** Reads the UI language in use (attribute `locale`, else the playbook's); setting it sets the attribute (null removes it). */
  locale: Locale;
  /** Attribute `clock`: "auto" (tick every second, stamp unstamped messages) or "manual". */
  clock: 'auto' | 'manual';
  /** A playbook object or JSON text; takes precedence over the `playbook` attribute. */
  playbookObject: object | string | null;
  /** The console's compose box (textarea, input, contenteditable), or a function that receives inserted text. */
  compose: HTMLElement | ((text: string) => void) | null;
  /**
   * An engine hosted elsewhere (e.g. an extension's offscreen document) with the
   * Linesman API; replaces the widget's own build, is never closed by the widget,
   * and is ticked by its owner. `conversation(key)` receives the widget's key.
   */
  engine: EngineLike | null;
  /** Shows a step the engine took elsewhere, as if observe/tick had returned it here. */
  feed(conversationKey: string, step: { events?: LinesmanEvent[]; summary?: Summary | null; message?: Message | null; at?: number | null }): void;
  /** Resolves with the playbook info once the engine is built; rejects with the LinesmanError. */
  readonly ready: Promise<PlaybookInfo>;
  readonly info: PlaybookInfo | null;
  readonly emotionSource: 'model' | 'lexicon' | string | null;
  readonly conversationKey: string;
  /** The conversation in view unless a key is given (created on first use). */
  observe(message: Message, conversationKey?: string): Promise<LinesmanEvent[]>;
  tick(now: number, conversationKey?: string): Promise<LinesmanEvent[]>;
  end(now?: number | null, conversationKey?: string): Promise<LinesmanEvent[]>;
  summary(conversationKey?: string): Promise<Summary>;
  /** Checks an unsent draft and shows the warning. */
  checkDraft(text: string): Promise<BannedEvent[]>;
  /** Shows another conversation; resolves once it is shown, never rejects. */
  switchConversation(key: string): Promise<void>;

  addEventListener<K extends keyof LinesmanAssistEventMap>(
    type: K,
    listener: (this: LinesmanAssistElement, ev: LinesmanAssistEventMap[K]) => unknown,
    options?: boolean | AddEventListenerOptions,
  ): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | AddEventListenerOptions): void;
}

declare global {
  interface HTMLElementTagNameMap {
    'linesman-assist': LinesmanAssistElement;
  }
}

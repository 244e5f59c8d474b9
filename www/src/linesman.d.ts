// Linesman in the browser: the promise-based API of `linesman.js`.
//
// The engine (Rust compiled to wasm) runs in a module Web Worker; every call
// here is a message to it, so the host page never janks. Event objects are
// the core's `Event` type as JSON — the same shape `linesman check` prints
// and the golden tests expect (tests/golden/*/expected.jsonl).

export type Role = 'agent' | 'customer' | 'system';
export type Severity = 'low' | 'medium' | 'high';
export type EmotionLabel = 'angry' | 'frustrated' | 'anxious' | 'confused' | 'neutral' | 'satisfied';
export type PiiKind =
  | 'cn_mobile'
  | 'cn_landline'
  | 'intl_phone'
  | 'cn_id_card'
  | 'bank_card'
  | 'email'
  | 'tw_mobile'
  | 'tw_id_card'
  | 'verification_code';
export type Locale = 'zh-CN' | 'zh-TW' | 'en';

export interface Message {
  role: Role;
  text: string;
  /** Milliseconds since the Unix epoch; drives deadlines in seconds. */
  ts?: number;
}

/** Offsets into the message (or draft) text. `start`/`end` are UTF-16 code
 *  units (use them with `String.prototype.slice`); `byte_*` are UTF-8. */
export interface Span {
  start: number;
  end: number;
  byte_start: number;
  byte_end: number;
}

interface EventBase {
  /** Index of the message in the conversation; null for ticks, the end and drafts. */
  msg: number | null;
  /** The playbook rule behind the event, when there is one. */
  rule: string | null;
}

export interface BannedEvent extends EventBase, Span {
  kind: 'banned';
  severity: Severity;
  label?: string;
  phrase: string;
  /** The playbook's better wordings. */
  suggest?: string[];
  /** Found in an unsent draft (`checkDraft`). */
  draft?: true;
}
export interface PiiEvent extends EventBase, Span {
  kind: 'pii';
  pii: PiiKind;
  masked: string;
}
export interface EmotionEvent extends EventBase {
  kind: 'emotion';
  label: EmotionLabel;
  /** 1 (calm) … 5 (furious). */
  intensity: number;
  scores: Record<EmotionLabel, number>;
  /** "model" (the ONNX model) or "lexicon" (no model loaded). */
  source: string;
}
export interface RequiredMetEvent extends EventBase, Span {
  kind: 'required_met';
  similarity: number;
  late?: true;
}
export interface RequiredDueEvent extends EventBase {
  kind: 'required_due';
  remaining_messages?: number;
  remaining_seconds?: number;
  reason: string;
}
export interface RequiredMissedEvent extends EventBase {
  kind: 'required_missed';
}
export interface SuggestionEvent extends EventBase {
  kind: 'suggestion';
  text: string[];
}
export interface FlagEvent extends EventBase {
  kind: 'flag';
  severity: Severity;
  reason: string;
  /** The message with personal data masked; never the raw text. */
  excerpt: string;
}
export type LinesmanEvent =
  | BannedEvent
  | PiiEvent
  | EmotionEvent
  | RequiredMetEvent
  | RequiredDueEvent
  | RequiredMissedEvent
  | SuggestionEvent
  | FlagEvent;

export type RequiredState = 'inactive' | 'pending' | 'due' | 'met' | 'missed';
export interface ChecklistItem {
  rule: string;
  label: string | null;
  state: RequiredState;
  /** Said, but after the deadline. */
  late?: true;
  /** When a deadline in seconds passes (ms since the epoch): for a countdown. */
  deadline_ts?: number;
  /** Agent messages left before the deadline. */
  remaining_messages?: number;
}
export interface EmotionPoint {
  msg: number;
  label: EmotionLabel;
  intensity: number;
}
export interface Summary {
  /** 0–100. */
  score: number;
  tags: string[];
  checklist: ChecklistItem[];
  trajectory: EmotionPoint[];
  messages: number;
  flags: number;
}

/** One problem of an invalid playbook. `path` is a JSON pointer ("/banned/3/phrases"). */
export interface PlaybookProblem {
  path: string;
  message: string;
}

/** Every error the API rejects with. `message` is the core's message;
 *  an invalid playbook also lists every problem with its JSON path. */
export declare class LinesmanError extends Error {
  readonly problems?: PlaybookProblem[];
}

export interface EngineOptions {
  /** A playbook object or its JSON text. Exactly one of playbook / builtin. */
  playbook?: object | string;
  /** A built-in playbook: 'retail-zh', 'bank-zh', 'telecom-tw' or 'retail-en'. */
  builtin?: string;
  /** The emotion model in tensor form (`emotion.model`, made by the build
   *  from models/emotion.onnx): a URL or its bytes. Without it, the
   *  lexicon reads emotion (events say source: "lexicon"). */
  model?: string | URL | ArrayBuffer | Uint8Array | null;
  /** Where worker.js is, if not next to linesman.js. */
  workerUrl?: string | URL;
}

export interface PlaybookInfo {
  playbook: string;
  version?: string;
  locale: Locale;
  /** The required statements, in checklist order. */
  required: { id: string; label: string | null }[];
  /** Rule id → label for every rule that has one (banned, required, trigger). */
  labels: Record<string, string>;
}

export declare class Linesman {
  /** Starts a worker, loads the wasm and builds the engine. */
  static create(options: EngineOptions): Promise<Linesman>;
  /** Ids of the built-in playbooks. */
  static builtinPlaybooks(options?: { workerUrl?: string | URL }): Promise<string[]>;
  /** What the playbook is (name, locale, required rules and their labels). */
  readonly info: PlaybookInfo;
  /** "model" or "lexicon". */
  readonly emotionSource: string;
  conversation(): Promise<Conversation>;
  /** Banned phrases in an agent's unsent draft, with better wording. */
  checkDraft(text: string): Promise<BannedEvent[]>;
  /** Stops the worker; every later call rejects. */
  close(): void;
}

export declare class Conversation {
  readonly id: number;
  observe(message: Message): Promise<LinesmanEvent[]>;
  /** Advances the clock (ms since the epoch): deadlines in seconds, waiting times. */
  tick(now: number): Promise<LinesmanEvent[]>;
  /** The conversation is over: open required statements are missed. */
  end(now?: number | null): Promise<LinesmanEvent[]>;
  summary(): Promise<Summary>;
  /** Frees the conversation in the worker. */
  close(): Promise<void>;
}

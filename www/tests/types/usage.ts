// Compile-only (tsc -p tsconfig.json): how a vendor's TypeScript uses the
// declarations. If a declaration drifts from what is usable, this fails.
import { Linesman, LinesmanError, type LinesmanEvent, type Summary } from '../../src/linesman';
import '../../src/widget/linesman-assist';

export async function engine(): Promise<number> {
  const ls = await Linesman.create({ builtin: 'retail-zh', model: '/pkg/emotion.model' });
  const chat = await ls.conversation();
  const events: LinesmanEvent[] = await chat.observe({ role: 'customer', text: '我要退款', ts: Date.now() });
  let flagged = 0;
  for (const e of events) {
    switch (e.kind) {
      case 'banned':
        flagged += e.end - e.start + (e.suggest?.length ?? 0);
        break;
      case 'emotion':
        flagged += e.intensity + e.scores.angry;
        break;
      case 'flag':
        flagged += e.excerpt.length + (e.severity === 'high' ? 1 : 0);
        break;
      case 'required_due':
        flagged += e.remaining_messages ?? e.remaining_seconds ?? 0;
        break;
      default:
        break;
    }
  }
  const s: Summary = await chat.summary();
  const drafts = await ls.checkDraft('爱-买-不-买');
  try {
    await Linesman.create({ playbook: { playbook: 'x' } });
  } catch (err) {
    if (err instanceof LinesmanError) flagged += err.problems?.length ?? 0;
  }
  ls.close();
  return flagged + s.score + s.checklist.length + drafts.length + ls.info.required.length + Object.keys(ls.info.labels).length;
}

export function widget(): void {
  const el = document.createElement('linesman-assist');
  el.compose = document.createElement('textarea');
  el.locale = 'zh-TW';
  el.addEventListener('linesman:flag', (e) => console.log(e.detail.flag.excerpt, e.detail.conversation));
  el.addEventListener('linesman:suggestion', (e) => console.log(e.detail.action, e.detail.choice));
  void el.ready.then((info) => el.observe({ role: 'agent', text: info.playbook }, 'chat-1'));
}

// The options page: playbook, emotion model, flag destination, sites, the
// element picker, export/import. Everything it shows from data is set with
// textContent (never HTML). What it saves goes to chrome.storage.local under
// the keys of settings.js; the service worker reacts to those changes.
import { Linesman } from '../engine/src/linesman.js';
import { KINDS } from './outbox.js';
import {
  KEYS, BUILTIN_PLAYBOOKS, mergeSettings, readManaged, normalizeOrigin, permissionPattern, isHttpsUrl,
  validateDestination, validateSettingsFile, exportSettings, importedItems, jsonErrorWhere,
} from './settings.js';

const $ = (id) => document.getElementById(id);
const t = (key, ...subs) => chrome.i18n.getMessage(key, subs.map(String)) || key;
const MAX_FILE_BYTES = 2_000_000;

let local = {};
let managed = {};
let eff = mergeSettings({}, {});
let builtins = [...BUILTIN_PLAYBOOKS];

// ---------------------------------------------------------------- helpers

function applyI18n() {
  document.documentElement.lang = chrome.i18n.getUILanguage();
  for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
}

function el(tag, props = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else if (v === true) e.setAttribute(k, '');
    else if (v !== false && v != null) e.setAttribute(k, String(v));
  }
  for (const c of children) if (c != null) e.append(c);
  return e;
}

/** Shows a result in a section's live region: a line, and optionally every problem with its path. */
function show(regionId, kind, text, problems = []) {
  const r = $(regionId);
  r.replaceChildren();
  r.dataset.kind = kind; // ok | error | busy
  r.append(el('p', { class: `msg ${kind}`, text }));
  if (problems.length) {
    const ul = el('ul', { class: 'problems' });
    for (const p of problems) ul.append(el('li', {}, el('code', { class: 'path', text: p.path || '/' }), ' ', el('span', { text: p.message })));
    r.append(ul);
  }
}

async function sw(type, extra = {}) {
  const r = await chrome.runtime.sendMessage({ type, ...extra });
  if (!r) throw new Error('no answer from the extension');
  if (r.ok === false) throw Object.assign(new Error(r.error?.message ?? 'failed'), { problems: r.error?.problems });
  return 'value' in r ? r.value : r;
}

/**
 * Host access to `origin`, asking Chrome only when it is not granted yet
 * (a covering grant such as http://127.0.0.1/* counts; asking again for a
 * narrower pattern would still show a prompt). Call it first in a click
 * handler: the request needs the click's user activation.
 */
async function ensureAccess(origin) {
  const origins = [permissionPattern(origin)];
  if (await chrome.permissions.contains({ origins }).catch(() => false)) return true;
  return chrome.permissions.request({ origins });
}

const fmtDate = (ms) => (Number.isFinite(ms) ? new Date(ms).toLocaleString(chrome.i18n.getUILanguage()) : '');
const storedSettings = () => (local[KEYS.settings] && typeof local[KEYS.settings] === 'object' ? local[KEYS.settings] : {});

async function saveSettings(patch) {
  const cur = (await chrome.storage.local.get(KEYS.settings))[KEYS.settings] ?? {};
  await chrome.storage.local.set({ [KEYS.settings]: { ...cur, ...patch } });
}

async function updateMap(key, fn) {
  const cur = (await chrome.storage.local.get(key))[key] ?? {};
  const next = fn({ ...cur });
  await chrome.storage.local.set({ [key]: next });
}

async function load() {
  local = await chrome.storage.local.get(Object.values(KEYS));
  managed = await readManaged(chrome.storage.managed);
  eff = mergeSettings(local, managed);
}

// ---------------------------------------------------------------- policy note

function renderPolicy() {
  const box = $('policy');
  const problems = eff.problems;
  box.hidden = !eff.managed.any && !problems.length;
  $('policy-text').textContent = !eff.managed.any ? t('storedProblems')
    : eff.managed.allowUserChanges ? t('policySome') : t('policyAll');
  const ul = $('policy-problems');
  ul.replaceChildren(...problems.map((p) => el('li', {}, el('code', { class: 'path', text: p.path }), ' ', el('span', { text: p.message }))));
}

// ---------------------------------------------------------------- playbook

const BUILTIN_LABELS = { 'retail-zh': 'pbRetailZh', 'bank-zh': 'pbBankZh', 'telecom-tw': 'pbTelecomTw', 'retail-en': 'pbRetailEn' };
const builtinLabel = (id) => (BUILTIN_LABELS[id] ? `${t(BUILTIN_LABELS[id])} (${id})` : id);

function renderPlaybook() {
  const p = eff.playbook;
  let text;
  if (p.source === 'builtin') text = t('pbActiveBuiltin', builtinLabel(p.id));
  else if (p.source === 'policy') text = t('pbActivePolicy');
  else text = t('pbActiveImported', p.playbookId ?? '?', p.version ?? '?', p.source === 'url' ? p.url : p.name, fmtDate(p.savedAt ?? p.fetchedAt));
  $('pb-active').textContent = text;
  $('pb-locked').hidden = !eff.managed.playbook;
  const note = $('pb-active-note');
  note.hidden = true;
  if (p.pendingUrl) { note.hidden = false; note.textContent = t('pbManagedPending', p.pendingUrl, p.error ?? ''); }
  else if (p.source === 'url' && eff.managed.playbook && p.error) { note.hidden = false; note.textContent = t('pbManagedStale', p.error, fmtDate(p.fetchedAt)); }
  for (const c of $('pb-controls').querySelectorAll('input, select, button')) c.disabled = eff.managed.playbook;
  $('pb-url-import').disabled ||= busy;
  const sel = $('pb-builtin');
  if (!sel.options.length || sel.dataset.for !== builtins.join()) {
    sel.replaceChildren(...builtins.map((id) => el('option', { value: id, text: builtinLabel(id) })));
    sel.dataset.for = builtins.join();
  }
  if (p.source === 'builtin' && builtins.includes(p.id) && document.activeElement !== sel) sel.value = p.id;
}

/** Builds an engine with the playbook to judge it; {info} or {problems}. */
async function checkPlaybook(text) {
  let engine = null;
  try {
    engine = await Linesman.create({ playbook: text, model: null });
    return { info: engine.info };
  } catch (err) {
    const problems = Array.isArray(err?.problems) && err.problems.length
      ? err.problems.map((p) => ({ path: p.path || '/', message: p.message }))
      : [{ path: '/', message: String(err?.message ?? err) }];
    return { problems };
  } finally {
    engine?.close();
  }
}

let busy = false;
let attempt = 0; // a later import supersedes an earlier one still being checked

/** Validates `text` with the engine and saves it, or shows every problem and keeps the active playbook. */
async function adoptPlaybook(text, origin) {
  if (eff.managed.playbook) return false; // the controls are disabled; nothing to write either
  const mine = ++attempt;
  show('pb-result', 'busy', t('pbChecking'));
  const r = await checkPlaybook(text);
  if (mine !== attempt) return false;
  if (r.problems) {
    show('pb-result', 'error', t('pbRefused', r.problems.length), r.problems);
    return false;
  }
  await saveSettings({
    playbook: {
      source: origin.source, name: origin.name, ...(origin.url ? { url: origin.url } : {}), json: text,
      playbookId: r.info.playbook, version: r.info.version ?? null, savedAt: Date.now(),
    },
  });
  show('pb-result', 'ok', t('pbSaved', r.info.playbook, r.info.version ?? '?'));
  return true;
}

async function onPlaybookFile() {
  const input = $('pb-file');
  const file = input.files?.[0];
  if (!file) return;
  input.value = ''; // the same file can be picked again after a fix
  if (file.size > MAX_FILE_BYTES) return show('pb-result', 'error', t('pbRefused', 1), [{ path: '/', message: t('fileTooLarge', MAX_FILE_BYTES) }]);
  await adoptPlaybook(await file.text(), { source: 'file', name: file.name });
}

async function fetchPlaybook(url) {
  const res = await fetch(url, { credentials: 'omit', cache: 'no-cache' });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  const text = await res.text();
  if (text.length > MAX_FILE_BYTES) throw new Error(t('fileTooLarge', MAX_FILE_BYTES));
  return text;
}

async function onPlaybookUrl() {
  const url = $('pb-url').value.trim();
  const retry = $('pb-grant-retry');
  retry.hidden = true;
  if (!isHttpsUrl(url)) return show('pb-result', 'error', t('pbNeedHttps'));
  const origin = new URL(url).origin;
  const pattern = permissionPattern(origin);
  busy = true;
  $('pb-url-import').disabled = true;
  show('pb-result', 'busy', t('pbDownloading', url));
  try {
    let text;
    try {
      text = await fetchPlaybook(url);
    } catch (first) {
      // A server that does not send CORS headers looks like a network
      // error; with access to its origin the extension may read it anyway.
      if (await chrome.permissions.contains({ origins: [pattern] })) throw first;
      let granted = false;
      try {
        granted = await ensureAccess(origin);
      } catch {
        // The click's user activation ran out while we waited: ask on a new click.
        retry.textContent = t('pbGrantRetry', origin);
        retry.hidden = false;
        throw first;
      }
      if (!granted) throw new Error(t('pbNoAccess', origin, first?.message ?? first));
      text = await fetchPlaybook(url);
    }
    await adoptPlaybook(text, { source: 'url', name: url, url });
  } catch (err) {
    show('pb-result', 'error', t('pbDownloadFailed', url, err?.message ?? err));
  } finally {
    busy = false;
    $('pb-url-import').disabled = eff.managed.playbook;
  }
}

async function onGrantRetry() {
  const url = $('pb-url').value.trim();
  if (!isHttpsUrl(url)) return;
  const granted = await ensureAccess(new URL(url).origin).catch(() => false);
  $('pb-grant-retry').hidden = true;
  if (granted) await onPlaybookUrl();
  else show('pb-result', 'error', t('pbNoAccess', new URL(url).origin, ''));
}

async function onBuiltinUse() {
  const id = $('pb-builtin').value;
  if (!builtins.includes(id)) return;
  attempt++;
  await saveSettings({ playbook: { source: 'builtin', id } });
  show('pb-result', 'ok', t('pbBuiltinSaved', builtinLabel(id)));
}

// ---------------------------------------------------------------- model

function renderModel() {
  for (const r of document.querySelectorAll('input[name="model"]')) {
    r.checked = r.value === eff.model;
    r.disabled = eff.managed.model;
  }
  $('model-locked').hidden = !eff.managed.model;
}

async function onModel(e) {
  if (!e.target.checked) return;
  await saveSettings({ model: e.target.value });
  show('model-result', 'ok', t('saved'));
}

// ---------------------------------------------------------------- destination

const KIND_LABEL = { webhook: 'kindWebhook', slack: 'kindSlack', teams: 'kindTeams', wecom: 'kindWecom', dingtalk: 'kindDingtalk', feishu: 'kindFeishu' };
const KIND_HINT = { webhook: 'hintWebhook', slack: 'hintSlack', teams: 'hintTeams', wecom: 'hintWecom', dingtalk: 'hintDingtalk', feishu: 'hintFeishu' };

function renderDestination(resetForm) {
  const d = eff.destination;
  $('dest-active').textContent = d ? `${t(KIND_LABEL[d.kind])} — ${new URL(d.url).origin}` : t('destNone');
  $('dest-locked').hidden = !eff.managed.destination;
  const kind = $('dest-kind');
  if (!kind.options.length) kind.replaceChildren(...KINDS.map((k) => el('option', { value: k, text: t(KIND_LABEL[k]) })));
  const stored = storedSettings().destination;
  if (resetForm) {
    const shown = eff.managed.destination ? d : stored;
    kind.value = shown?.kind ?? 'webhook';
    $('dest-url').value = shown?.url ?? '';
    $('dest-secret').value = '';
    $('dest-secret-clear').checked = false;
  }
  const hasSecret = !eff.managed.destination && !!stored?.secret;
  $('dest-secret-hint').hidden = !hasSecret;
  $('dest-secret-clear-row').hidden = !hasSecret;
  $('dest-hint').textContent = t(KIND_HINT[kind.value] ?? 'hintWebhook');
  for (const c of $('dest-form').querySelectorAll('input, select, button')) c.disabled = eff.managed.destination;
  $('dest-test').disabled = !d;
}

async function onDestinationSave(e) {
  e.preventDefault();
  const stored = storedSettings().destination;
  const kind = $('dest-kind').value;
  const url = $('dest-url').value.trim();
  let secret = $('dest-secret').value;
  // An empty field keeps the stored secret (it is never shown back).
  if (!secret && stored?.secret && !$('dest-secret-clear').checked) secret = stored.secret;
  const d = { kind, url, ...(secret ? { secret } : {}) };
  const problems = validateDestination(d, '/destination');
  if (problems.length) return show('dest-result', 'error', t('destInvalid'), problems);
  const origin = new URL(url).origin;
  // Asked first, while the click still counts as a user gesture.
  let granted = false;
  try { granted = await ensureAccess(origin); } catch (err) {
    return show('dest-result', 'error', t('destNoAccess', origin), [{ path: '/destination/url', message: String(err?.message ?? err) }]);
  }
  if (!granted) return show('dest-result', 'error', t('destNoAccess', origin));
  await saveSettings({ destination: d });
  $('dest-secret').value = '';
  $('dest-secret-clear').checked = false;
  show('dest-result', 'ok', t('destSaved', origin));
  refreshOutbox();
}

async function onDestinationOff() {
  await saveSettings({ destination: null });
  $('dest-url').value = '';
  $('dest-secret').value = '';
  show('dest-result', 'ok', t('destOffDone'));
}

async function onTestFlag() {
  show('dest-result', 'busy', t('destTestSending'));
  try {
    const r = await sw('outbox:test');
    if (r?.ok) show('dest-result', 'ok', t('destTestOk'));
    else show('dest-result', 'error', t('destTestFailed', r?.error ?? '?'));
  } catch (err) {
    show('dest-result', 'error', t('destTestFailed', err?.message ?? err));
  }
  refreshOutbox();
}

async function refreshOutbox() {
  const out = $('outbox-status');
  try {
    const s = await sw('outbox:status');
    const parts = [s.pending ? t('outboxPending', s.pending) : t('outboxEmpty')];
    if (s.pending && s.nextAt) parts.push(t('outboxNext', fmtDate(s.nextAt)));
    if (s.lastError) parts.push(t('outboxLastError', s.lastError));
    out.textContent = parts.join(' ');
  } catch (err) {
    out.textContent = t('outboxUnknown', err?.message ?? err);
  }
}

// ---------------------------------------------------------------- sites

const ADAPTER_LABEL = { auto: 'adapterAuto', demo: 'adapterDemo', chatscope: 'adapterChatscope', custom: 'adapterCustom' };

let sitesRender = 0; // renders await permission checks: only the latest one may draw

async function renderSites() {
  const mine = ++sitesRender;
  const list = $('sites-list');
  const storedSites = local[KEYS.sites] ?? {};
  const origins = Object.keys(eff.sites).sort();
  $('sites-empty').hidden = origins.length > 0;
  const rows = [];
  for (const origin of origins) {
    const site = eff.sites[origin];
    const granted = await chrome.permissions.contains({ origins: [permissionPattern(origin)] }).catch(() => false);
    const locked = !!site.managed || eff.managed.sites;
    const id = `site-${rows.length}`;
    const on = el('input', { type: 'checkbox', id: `${id}-on`, disabled: locked || !storedSites[origin] });
    on.checked = site.enabled;
    on.addEventListener('change', () => updateMap(KEYS.sites, (m) => ({ ...m, [origin]: { ...(m[origin] ?? { adapter: 'auto' }), enabled: on.checked } })));
    const adapterSel = el('select', { id: `${id}-adapter`, disabled: eff.managed.sites || eff.managed.adapterOrigins.includes(origin) });
    for (const a of ['auto', 'demo', 'chatscope', 'custom']) {
      if (a === 'custom' && !eff.adapters[origin]) continue; // only once the picker has taught it
      adapterSel.append(el('option', { value: a, text: t(ADAPTER_LABEL[a]) }));
    }
    adapterSel.value = site.adapter;
    adapterSel.addEventListener('change', () => updateMap(KEYS.sites, (m) => ({ ...m, [origin]: { enabled: m[origin]?.enabled ?? true, adapter: adapterSel.value } })));
    const li = el('li', { class: 'site', 'data-origin': origin },
      el('span', { class: 'origin', text: origin }),
      site.managed ? el('span', { class: 'locked', text: t('lockedNote') }) : null,
      el('span', { class: 'controls' },
        el('label', { class: 'choice', for: `${id}-on` }, on, ' ', el('span', { text: t('siteOn') })),
        el('span', { class: 'pair' }, el('label', { for: `${id}-adapter`, text: t('siteAdapter') }), ' ', adapterSel),
        granted ? null : el('button', { type: 'button', class: 'grant', text: t('siteGrant'), onclick: () => grantSite(origin) }),
        locked ? null : el('button', { type: 'button', class: 'remove', text: t('siteRemove'), 'aria-label': t('siteRemoveLabel', origin), onclick: () => removeSite(origin) })),
      granted ? null : el('span', { class: 'hint', text: t('siteNoAccess') }));
    rows.push(li);
  }
  if (mine !== sitesRender) return;
  list.replaceChildren(...rows);
}

async function grantSite(origin) {
  const ok = await ensureAccess(origin).catch(() => false);
  show('sites-result', ok ? 'ok' : 'error', ok ? t('siteAdded', origin) : t('siteDenied', origin));
  if (ok) await sw('site:enabled').catch(() => {}); // nothing in storage changed: tell the worker
  renderSites();
}

async function onSiteAdd(e) {
  e.preventDefault();
  const origin = normalizeOrigin($('site-origin').value);
  if (!origin) return show('sites-result', 'error', t('siteInvalid'));
  // Asked first, while the click still counts as a user gesture.
  const ok = await ensureAccess(origin).catch(() => false);
  if (!ok) return show('sites-result', 'error', t('siteDenied', origin));
  await updateMap(KEYS.sites, (m) => ({ ...m, [origin]: { adapter: m[origin]?.adapter ?? 'auto', enabled: true } }));
  $('site-origin').value = '';
  show('sites-result', 'ok', t('siteAdded', origin));
}

async function removeSite(origin) {
  await updateMap(KEYS.sites, (m) => { delete m[origin]; return m; });
  // Access is per host: keep it while the flag destination or another site on that host needs it.
  const sites = (await chrome.storage.local.get(KEYS.sites))[KEYS.sites] ?? {};
  const destOrigin = eff.destination ? new URL(eff.destination.url).origin : null;
  const pattern = permissionPattern(origin);
  const needed = [destOrigin, ...Object.keys(sites)].some((o) => o && permissionPattern(o) === pattern);
  if (!needed) await chrome.permissions.remove({ origins: [pattern] }).catch(() => false);
  show('sites-result', 'ok', t('siteRemoved', origin));
}

// ---------------------------------------------------------------- element picker

let tabsRender = 0;

async function renderTeachTabs() {
  const mine = ++tabsRender;
  const sel = $('teach-tab');
  const prev = sel.value;
  let tabs = [];
  try { tabs = await chrome.tabs.query({}); } catch { tabs = []; }
  if (mine !== tabsRender) return;
  // Without the "tabs" permission only tabs of sites we may access carry a url.
  const usable = tabs.filter((tab) => {
    const origin = tab.url && normalizeOrigin(tab.url);
    return origin && eff.sites[origin]?.enabled;
  });
  sel.replaceChildren(...usable.map((tab) => el('option', { value: tab.id, text: `${(tab.title || '').slice(0, 60)} — ${new URL(tab.url).origin}` })));
  if (usable.some((tab) => String(tab.id) === prev)) sel.value = prev;
  $('teach-none').hidden = usable.length > 0;
  sel.disabled = usable.length === 0;
  $('teach-start').disabled = usable.length === 0 || eff.managed.adapters;
}

async function onTeachStart() {
  const tabId = Number($('teach-tab').value);
  if (!Number.isInteger(tabId)) return;
  try {
    await sw('picker:start', { tabId });
    const tab = await chrome.tabs.update(tabId, { active: true });
    if (tab?.windowId !== undefined) chrome.windows?.update(tab.windowId, { focused: true }).catch(() => {});
    show('teach-result', 'ok', t('teachStarted'));
  } catch (err) {
    show('teach-result', 'error', t('teachFailed', err?.message ?? err));
  }
}

function renderTaught() {
  const storedAdapters = local[KEYS.adapters] ?? {};
  const origins = Object.keys(eff.adapters).sort();
  $('taught-empty').hidden = origins.length > 0;
  $('taught-list').replaceChildren(...origins.map((origin) => {
    const a = eff.adapters[origin];
    const mine = !!storedAdapters[origin] && !eff.managed.adapterOrigins.includes(origin) && !eff.managed.adapters;
    return el('li', { class: 'site', 'data-origin': origin },
      el('span', { class: 'origin', text: origin }),
      el('code', { class: 'sel', text: `${a.message} · ${a.customer} / ${a.agent}` }),
      mine ? el('button', { type: 'button', text: t('teachForget'), 'aria-label': t('teachForgetLabel', origin), onclick: () => forgetAdapter(origin) })
        : el('span', { class: 'locked', text: t('lockedNote') }));
  }));
}

async function forgetAdapter(origin) {
  await updateMap(KEYS.adapters, (m) => { delete m[origin]; return m; });
  await updateMap(KEYS.sites, (m) => (m[origin]?.adapter === 'custom' ? { ...m, [origin]: { ...m[origin], adapter: 'auto' } } : m));
  show('teach-result', 'ok', t('teachForgotten', origin));
}

// ---------------------------------------------------------------- export / import

function onExport() {
  const data = exportSettings(local, { includeSecret: $('export-secret').checked });
  const blob = new Blob([`${JSON.stringify(data, null, 2)}\n`], { type: 'application/json' });
  const a = el('a', { href: URL.createObjectURL(blob), download: `linesman-settings-${new Date().toISOString().slice(0, 10)}.json` });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
  show('backup-result', 'ok', t('exportDone'));
}

async function onImport() {
  const input = $('import-file');
  const file = input.files?.[0];
  if (!file) return;
  input.value = '';
  const refuse = (problems) => show('backup-result', 'error', t('importRefused', problems.length), problems);
  if (file.size > MAX_FILE_BYTES * 2) return refuse([{ path: '/', message: t('fileTooLarge', MAX_FILE_BYTES * 2) }]);
  const text = await file.text();
  let obj;
  try { obj = JSON.parse(text); } catch (err) { return refuse([{ path: '/', message: `invalid JSON at ${jsonErrorWhere(text, err)}` }]); }
  const { value, problems } = validateSettingsFile(obj, { builtins });
  if (problems.length) return refuse(problems);
  const pb = value.settings.playbook;
  if (pb.source !== 'builtin') {
    show('backup-result', 'busy', t('pbChecking'));
    const r = await checkPlaybook(pb.json);
    if (r.problems) return refuse(r.problems.map((p) => ({ path: `/settings/playbook/json${p.path === '/' ? '' : p.path}`, message: p.message })));
    pb.playbookId = r.info.playbook;
    pb.version = r.info.version ?? null;
  }
  await chrome.storage.local.set(importedItems(value, await chrome.storage.local.get(Object.values(KEYS))));
  const need = [];
  for (const origin of Object.keys(value.sites)) {
    if (!(await chrome.permissions.contains({ origins: [permissionPattern(origin)] }).catch(() => false))) need.push(origin);
  }
  show('backup-result', 'ok', need.length ? t('importDoneNeedsAccess', need.join(', ')) : t('importDone'));
}

// ---------------------------------------------------------------- wiring

async function renderAll({ resetForms = false } = {}) {
  renderPolicy();
  renderPlaybook();
  renderModel();
  renderDestination(resetForms);
  renderTaught();
  $('import-file').disabled = !eff.managed.allowUserChanges;
  await renderSites();
  await renderTeachTabs();
}

async function main() {
  applyI18n();
  await load();
  await renderAll({ resetForms: true });
  $('pb-file').addEventListener('change', onPlaybookFile);
  $('pb-url-import').addEventListener('click', onPlaybookUrl);
  $('pb-url').addEventListener('keydown', (e) => { if (e.key === 'Enter') { e.preventDefault(); onPlaybookUrl(); } });
  $('pb-grant-retry').addEventListener('click', onGrantRetry);
  $('pb-builtin-use').addEventListener('click', onBuiltinUse);
  for (const r of document.querySelectorAll('input[name="model"]')) r.addEventListener('change', onModel);
  $('dest-kind').addEventListener('change', () => renderDestination(false));
  $('dest-form').addEventListener('submit', onDestinationSave);
  $('dest-off').addEventListener('click', onDestinationOff);
  $('dest-test').addEventListener('click', onTestFlag);
  $('outbox-refresh').addEventListener('click', refreshOutbox);
  $('site-add-form').addEventListener('submit', onSiteAdd);
  $('teach-refresh').addEventListener('click', renderTeachTabs);
  $('teach-start').addEventListener('click', onTeachStart);
  $('export').addEventListener('click', onExport);
  $('import-file').addEventListener('change', onImport);
  chrome.storage.onChanged.addListener(async (changes, area) => {
    if (area !== 'managed' && !(area === 'local' && Object.keys(changes).some((k) => Object.values(KEYS).includes(k)))) return;
    const destChanged = area === 'managed' || (changes[KEYS.settings] && JSON.stringify(changes[KEYS.settings].oldValue?.destination) !== JSON.stringify(changes[KEYS.settings].newValue?.destination));
    await load();
    await renderAll({ resetForms: destChanged && document.activeElement?.closest?.('#dest-form') == null });
  });
  // Access granted or withdrawn (here or in Chrome's own UI): re-read, then redraw.
  const reloadSites = async () => { await load(); await renderSites(); await renderTeachTabs(); };
  chrome.permissions.onAdded?.addListener(reloadSites);
  chrome.permissions.onRemoved?.addListener(reloadSites);
  refreshOutbox();
  // The engine knows its built-in playbooks; the list in settings.js is the fallback.
  Linesman.builtinPlaybooks({}).then((ids) => {
    if (Array.isArray(ids) && ids.length) { builtins = ids; renderPlaybook(); }
  }).catch(() => {});
  document.body.dataset.ready = 'true'; // for tests: listeners are in place
}

main().catch((err) => {
  console.error(err);
  show('pb-result', 'error', String(err?.message ?? err));
});

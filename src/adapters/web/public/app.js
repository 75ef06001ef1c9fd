// The local web chat: the visitor plays any member of the community against the real engine. A plain ES module,
// no build step, no dependencies. Every text that came from the server is inserted with textContent, never as
// HTML; every text of the page itself comes from locales/<locale>/webchat.json through t().

const api = '/webchat/api';
const locales = ['zh-CN', 'en'];
const storageKey = 'yishi.webchat';

/** Role codes the page can name; an unknown role is shown as its code. */
const roleKeys = {
  resident: 'role_resident',
  building_head: 'role_building_head',
  group_head: 'role_group_head',
  representative: 'role_representative',
  committee: 'role_committee',
  party_member: 'role_party_member',
  responder: 'role_responder',
};
const bindingKeys = {
  community: 'binding_community',
  building: 'binding_building',
  committee: 'binding_committee',
  party: 'binding_party',
  dm: 'binding_dm',
};
const localeKeys = { 'zh-CN': 'locale_zh', en: 'locale_en' };

const el = {
  communityName: byId('community-name'),
  demoBadge: byId('demo-badge'),
  demoNote: byId('demo-note'),
  personaSelect: byId('persona-select'),
  botLocaleSelect: byId('bot-locale-select'),
  uiLocaleSelect: byId('ui-locale-select'),
  chatList: byId('chat-list'),
  chatTitle: byId('chat-title'),
  chatSubtitle: byId('chat-subtitle'),
  connection: byId('connection'),
  messages: byId('messages'),
  composer: byId('composer'),
  input: byId('composer-input'),
  send: byId('send-button'),
  menu: byId('command-menu'),
  toasts: byId('toasts'),
};

const state = {
  world: null,
  strings: {},
  stringsByLocale: new Map(),
  uiLocale: 'zh-CN',
  personaId: null,
  chatId: null,
  /** The persona's chats: the groups, then its private chat with the bot. */
  chats: [],
  /** chatId -> Map(message id -> message): one entry per message, replaced by a higher seq (an edit). */
  messages: new Map(),
  highestSeq: 0,
  /** The highest seq the stream itself delivered (or started after): where a new stream resumes. */
  streamSeq: 0,
  loading: false,
  /** chatId -> highest message id the visitor has seen there, per persona (kept across reloads). */
  lastRead: {},
  stream: null,
  /** Bumped on every persona switch: answers that arrive for an earlier persona are dropped. */
  generation: 0,
  menuCache: new Map(),
  menu: { items: [], active: 0 },
  /** A message whose send has not been acknowledged: sending the same text again reuses its clientMessageId. */
  draft: null,
};

function byId(id) {
  return document.getElementById(id);
}

// ---------------------------------------------------------------------------------------------------------------
// Strings and storage

function t(key, params = {}) {
  const text = state.strings[key] ?? key;
  return text.replace(/\{\{\s*(\w+)\s*\}\}/g, (_all, name) => String(params[name] ?? ''));
}

function load(name, fallback) {
  try {
    const raw = localStorage.getItem(`${storageKey}.${name}`);
    return raw === null ? fallback : JSON.parse(raw);
  } catch {
    return fallback;
  }
}

function save(name, value) {
  try {
    localStorage.setItem(`${storageKey}.${name}`, JSON.stringify(value));
  } catch {
    // storage full or disabled: the page still works, it only forgets across reloads
  }
}

async function request(url, options) {
  const response = await fetch(url, options);
  const body = await response.json().catch(() => null);
  if (!response.ok) {
    const error = new Error(body?.message || `HTTP ${response.status}`);
    error.status = response.status;
    error.code = body?.error;
    throw error;
  }
  return body;
}

const getJson = (url) => request(url, { headers: { accept: 'application/json' } });
const postJson = (url, body) =>
  request(url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify(body) });

async function setUiLocale(locale) {
  if (!locales.includes(locale)) locale = locales[0];
  let strings = state.stringsByLocale.get(locale);
  if (!strings) {
    strings = await getJson(`${api}/strings?locale=${encodeURIComponent(locale)}`);
    state.stringsByLocale.set(locale, strings);
  }
  state.uiLocale = locale;
  state.strings = strings;
  save('uiLocale', locale);
  applyStrings();
}

function applyStrings() {
  document.documentElement.lang = state.uiLocale;
  document.title = t('page_title');
  for (const node of document.querySelectorAll('[data-i18n]')) node.textContent = t(node.dataset.i18n);
  el.input.placeholder = t('composer_placeholder');
  el.menu.setAttribute('aria-label', t('menu_label'));
  el.uiLocaleSelect.value = state.uiLocale;
  renderWorld();
  renderPersonas();
  renderChatList();
  renderChat();
}

// ---------------------------------------------------------------------------------------------------------------
// Rendering

function persona(id = state.personaId) {
  return state.world?.personas.find((p) => p.id === id) ?? null;
}

function personaDetails(p) {
  const roles = p.roles.map((role) => (roleKeys[role] ? t(roleKeys[role]) : role)).join(t('list_separator'));
  const home = p.building && p.unit ? t('persona_home', { building: p.building, unit: p.unit }) : (p.building ?? '');
  return home ? t('persona_details', { roles, home }) : roles;
}

function chatTitle(chat) {
  return chat.binding === 'dm' ? t('dm_title') : chat.title;
}

function renderWorld() {
  const world = state.world;
  if (!world) return;
  el.communityName.textContent = world.community.name;
  el.demoBadge.hidden = !world.demo;
  el.demoNote.hidden = !world.demo;
}

function renderPersonas() {
  if (!state.world) return;
  el.personaSelect.replaceChildren(
    ...state.world.personas.map((p) => {
      const option = document.createElement('option');
      option.value = p.id;
      option.textContent = t('persona_option', { name: p.name, details: personaDetails(p) });
      return option;
    }),
  );
  if (state.personaId) el.personaSelect.value = state.personaId;
  el.botLocaleSelect.value = persona()?.locale ?? state.uiLocale;
}

function unreadCount(chatId) {
  const read = state.lastRead[chatId] ?? 0;
  let count = 0;
  for (const message of state.messages.get(chatId)?.values() ?? []) {
    if (message.id > read && message.author?.personaId !== state.personaId) count++;
  }
  return count;
}

function renderChatList() {
  el.chatList.replaceChildren(
    ...state.chats.map((chat) => {
      const item = document.createElement('li');
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'chat-item';
      button.dataset.chatId = chat.id;
      if (chat.id === state.chatId) button.setAttribute('aria-current', 'true');
      const name = document.createElement('span');
      name.className = 'chat-name';
      name.textContent = chatTitle(chat);
      const kind = document.createElement('span');
      kind.className = 'chat-kind';
      kind.textContent = bindingKeys[chat.binding] ? t(bindingKeys[chat.binding]) : '';
      button.append(name, kind);
      const unread = chat.id === state.chatId ? 0 : unreadCount(chat.id);
      if (unread > 0) {
        const badge = document.createElement('span');
        badge.className = 'badge';
        badge.textContent = String(unread);
        badge.setAttribute('aria-label', t('unread_count', { count: unread }));
        button.append(badge);
      }
      button.addEventListener('click', () => {
        selectChat(chat.id);
        el.input.focus();
      });
      item.append(button);
      return item;
    }),
  );
}

function renderChat() {
  const chat = state.chats.find((c) => c.id === state.chatId);
  el.chatTitle.textContent = chat ? chatTitle(chat) : '';
  el.chatSubtitle.textContent = chat && bindingKeys[chat.binding] ? t(bindingKeys[chat.binding]) : '';
  el.messages.setAttribute('aria-label', chat ? t('messages_label', { chat: chatTitle(chat) }) : '');
  const messages = [...(state.messages.get(state.chatId)?.values() ?? [])].sort((a, b) => a.id - b.id);
  if (messages.length === 0) {
    const empty = document.createElement('li');
    empty.className = 'empty';
    empty.textContent = t(state.loading ? 'loading' : 'empty_chat');
    el.messages.replaceChildren(empty);
  } else {
    el.messages.replaceChildren(...messages.map(messageNode));
  }
  el.messages.scrollTop = el.messages.scrollHeight;
}

function formatTime(iso) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const today = new Date().toDateString() === date.toDateString();
  const options = today ? { hour: '2-digit', minute: '2-digit' } : { month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit' };
  return new Intl.DateTimeFormat(state.uiLocale, options).format(date);
}

function messageNode(message) {
  const own = message.author !== null && message.author.personaId === state.personaId;
  const item = document.createElement('li');
  item.className = `message ${message.author === null ? 'from-bot' : own ? 'from-me' : 'from-member'}`;
  item.dataset.messageId = String(message.id);
  item.dataset.seq = String(message.seq);
  item.dataset.author = message.author === null ? 'bot' : message.author.personaId;

  const meta = document.createElement('div');
  meta.className = 'meta';
  const author = document.createElement('span');
  author.className = 'author';
  author.textContent = message.author === null ? t('bot_name') : own ? t('own_name', { name: message.author.name }) : message.author.name;
  const time = document.createElement('time');
  time.dateTime = message.at;
  time.textContent = formatTime(message.at);
  meta.append(author, time);
  if (message.visibleTo) {
    item.classList.add('only-you');
    const onlyYou = document.createElement('span');
    onlyYou.className = 'edited';
    onlyYou.textContent = t('only_you');
    meta.append(onlyYou);
  }
  if (message.edited) {
    const edited = document.createElement('span');
    edited.className = 'edited';
    edited.textContent = t('edited');
    meta.append(edited);
  }

  const text = document.createElement('div');
  text.className = 'text';
  text.textContent = message.text;
  item.append(meta, text);

  if (message.buttons?.length > 0) {
    const rows = new Map();
    for (const button of message.buttons) rows.set(button.row, [...(rows.get(button.row) ?? []), button]);
    const buttons = document.createElement('div');
    buttons.className = 'buttons';
    for (const row of [...rows.keys()].sort((a, b) => a - b)) {
      const line = document.createElement('div');
      line.className = 'button-row';
      for (const button of rows.get(row)) {
        const node = document.createElement('button');
        node.type = 'button';
        node.className = 'tap';
        node.dataset.buttonId = button.id;
        node.textContent = button.label;
        node.addEventListener('click', () => tap(message, button, node));
        line.append(node);
      }
      buttons.append(line);
    }
    item.append(buttons);
  }
  return item;
}

/** Puts one message's node in place (an edit replaces it where it stands), keeping the view at the bottom if it was. */
function placeMessageNode(message) {
  const atBottom = el.messages.scrollHeight - el.messages.scrollTop - el.messages.clientHeight < 40;
  const node = messageNode(message);
  const existing = el.messages.querySelector(`[data-message-id="${message.id}"]`);
  if (existing) {
    existing.replaceWith(node);
  } else {
    el.messages.querySelector('.empty')?.remove();
    const after = [...el.messages.children].find((child) => Number(child.dataset.messageId) > message.id);
    el.messages.insertBefore(node, after ?? null);
  }
  if (atBottom || message.author?.personaId === state.personaId) el.messages.scrollTop = el.messages.scrollHeight;
}

function toast(text, kind = 'info') {
  const node = document.createElement('div');
  node.className = `toast ${kind}`;
  node.textContent = text;
  el.toasts.append(node);
  setTimeout(() => node.remove(), kind === 'error' ? 6000 : 3000);
}

function showConnection(lost) {
  el.connection.hidden = !lost;
  document.body.dataset.stream = lost ? 'lost' : 'open';
}

// ---------------------------------------------------------------------------------------------------------------
// Messages: loading, live stream, dedupe

/** Adds or replaces a message: one per id, and an edit (same id, higher seq) replaces it. Returns whether it changed. */
function upsert(message) {
  const chat = state.messages.get(message.chatId);
  if (!chat) return false;
  const known = chat.get(message.id);
  if (known && known.seq >= message.seq) return false;
  chat.set(message.id, message);
  if (message.seq > state.highestSeq) state.highestSeq = message.seq;
  return true;
}

function receive(message) {
  if (!upsert(message)) return;
  // The bot answers in the private chat when the persona changes its language (/lang, typed or from the switch).
  if (message.author === null && message.chatId === `dm-${state.personaId}`) void followPersonaLocale(state.generation);
  if (message.chatId === state.chatId) {
    placeMessageNode(message);
    markRead(message.chatId);
  } else {
    renderChatList();
  }
}

function markRead(chatId) {
  const ids = [...(state.messages.get(chatId)?.keys() ?? [])];
  const highest = ids.length ? Math.max(...ids) : 0;
  if ((state.lastRead[chatId] ?? 0) >= highest) return;
  state.lastRead[chatId] = highest;
  save(`read.${state.personaId}`, state.lastRead);
}

async function fetchMessages(chatId, after) {
  const url = `${api}/chats/${encodeURIComponent(chatId)}/messages?persona=${encodeURIComponent(state.personaId)}&after=${after}`;
  try {
    return (await getJson(url)).messages;
  } catch (error) {
    console.warn(`webchat: messages of ${chatId} could not be loaded`, error);
    return [];
  }
}

/**
 * Loads every chat, then listens from the highest seq loaded. The chats are read one request each, so a message
 * committed in one chat between two of those reads can have a lower seq than the highest one loaded: a second read
 * of each chat after its own highest seq, once the stream is open, picks such a message up (upsert drops repeats).
 */
async function loadChats(generation) {
  state.loading = true;
  const loaded = await Promise.all(state.chats.map((chat) => fetchMessages(chat.id, 0)));
  if (generation !== state.generation) return;
  const highestPerChat = new Map();
  state.chats.forEach((chat, index) => {
    for (const message of loaded[index]) upsert(message);
    highestPerChat.set(chat.id, Math.max(0, ...loaded[index].map((m) => m.seq)));
  });
  state.loading = false;
  renderChat();
  markRead(state.chatId);
  renderChatList();
  state.streamSeq = state.highestSeq;
  openStream(generation);
  const caughtUp = await Promise.all(state.chats.map((chat) => fetchMessages(chat.id, highestPerChat.get(chat.id))));
  if (generation !== state.generation) return;
  for (const messages of caughtUp) for (const message of messages) receive(message);
  document.body.dataset.ready = 'true';
}

function openStream(generation) {
  closeStream();
  const url = `${api}/events?persona=${encodeURIComponent(state.personaId)}&after=${state.streamSeq}`;
  const stream = new EventSource(url);
  state.stream = stream;
  stream.addEventListener('open', () => showConnection(false));
  stream.addEventListener('message', (event) => {
    if (generation !== state.generation) return;
    try {
      const message = JSON.parse(event.data);
      if (message.seq > state.streamSeq) state.streamSeq = message.seq;
      receive(message);
    } catch (error) {
      console.warn('webchat: an event could not be read', error);
    }
  });
  stream.addEventListener('error', () => {
    showConnection(true);
    // The browser reconnects by itself (with Last-Event-ID) unless the server refused the stream: then start over
    // after the last event the stream delivered, after a pause.
    if (stream.readyState === EventSource.CLOSED && generation === state.generation) {
      setTimeout(() => {
        if (generation === state.generation && state.stream === stream) openStream(generation);
      }, 2000);
    }
  });
}

function closeStream() {
  state.stream?.close();
  state.stream = null;
}

// ---------------------------------------------------------------------------------------------------------------
// Personas and chats

async function selectPersona(id, { uiLocale } = {}) {
  const p = persona(id);
  if (!p) return;
  state.generation++;
  const generation = state.generation;
  closeStream();
  state.personaId = id;
  save('persona', id);
  // Read by the browser tests (and handy when debugging): whose page this is and whether its chats are loaded.
  document.body.dataset.persona = id;
  document.body.dataset.ready = 'false';
  state.chats = [...state.world.chats, { id: `dm-${id}`, kind: 'dm', title: '', binding: 'dm' }];
  state.messages = new Map(state.chats.map((chat) => [chat.id, new Map()]));
  state.highestSeq = 0;
  state.streamSeq = 0;
  state.lastRead = load(`read.${id}`, {});
  state.draft = null;
  closeMenu();
  const storedChat = load(`chat.${id}`, null);
  state.chatId = state.chats.some((chat) => chat.id === storedChat) ? storedChat : state.chats[0].id;
  state.loading = true;
  try {
    await setUiLocale(uiLocale ?? p.locale);
  } catch (error) {
    toast(t('load_failed', { message: error.message }), 'error');
  }
  if (generation !== state.generation) return;
  await loadChats(generation);
}

function selectChat(chatId) {
  if (!state.chats.some((chat) => chat.id === chatId)) return;
  state.chatId = chatId;
  save(`chat.${state.personaId}`, chatId);
  closeMenu();
  renderChat();
  markRead(chatId);
  renderChatList();
}

// ---------------------------------------------------------------------------------------------------------------
// Sending and tapping

async function sendText(chatId, text) {
  const draft =
    state.draft && state.draft.chatId === chatId && state.draft.text === text
      ? state.draft
      : { chatId, text, clientMessageId: crypto.randomUUID() };
  state.draft = draft;
  try {
    // locale: the language of the server's refusal message, shown in the toast
    await postJson(`${api}/chats/${encodeURIComponent(chatId)}/messages?locale=${state.uiLocale}`, {
      persona: state.personaId,
      text,
      clientMessageId: draft.clientMessageId,
    });
    state.draft = null;
    return true;
  } catch (error) {
    // Refused by the server: a new attempt is a new message. Not reached at all: try again with the same id.
    if (error.status) state.draft = null;
    toast(t('send_failed', { message: error.status ? error.message : t('network_error') }), 'error');
    return false;
  }
}

async function submitComposer() {
  const text = el.input.value.trim();
  if (!text || !state.chatId || el.send.disabled) return;
  closeMenu();
  el.send.disabled = true;
  const sent = await sendText(state.chatId, text);
  el.send.disabled = false;
  if (sent && el.input.value.trim() === text) {
    el.input.value = '';
    autosize();
  }
  el.input.focus();
}

async function tap(message, button, node) {
  node.disabled = true;
  setTimeout(() => {
    node.disabled = false;
  }, 800);
  toast(t('tap_sent', { label: button.label }));
  try {
    await postJson(`${api}/chats/${encodeURIComponent(message.chatId)}/taps?locale=${state.uiLocale}`, {
      persona: state.personaId,
      messageId: message.id,
      buttonId: button.id,
      clientTapId: crypto.randomUUID(),
    });
  } catch (error) {
    toast(t('tap_failed', { message: error.status ? error.message : t('network_error') }), 'error');
  }
}

/** Asks the bot to speak `locale` to the current persona (`/lang` in its private chat), and follows it on the page. */
async function switchBotLocale(locale) {
  const p = persona();
  if (!p) return;
  const dm = `dm-${p.id}`;
  const sent = await sendText(dm, `/lang ${locale}`);
  if (!sent) {
    el.botLocaleSelect.value = p.locale;
    return;
  }
  p.locale = locale;
  state.menuCache.clear();
  await setUiLocale(locale);
  selectChat(dm);
  toast(t('lang_sent', { name: p.name, language: t(localeKeys[locale]) }));
}

/** Reads the persona's language again; when it changed, the page and its command menu follow. */
async function followPersonaLocale(generation) {
  const world = await getJson(`${api}/world`).catch(() => null);
  const fresh = world?.personas.find((p) => p.id === state.personaId);
  const p = persona();
  if (!fresh || !p || generation !== state.generation || fresh.locale === p.locale) return;
  p.locale = fresh.locale;
  state.menuCache.clear();
  await setUiLocale(fresh.locale).catch(() => {});
}

// ---------------------------------------------------------------------------------------------------------------
// The command menu: typing "/" at the start of the composer lists the commands for this chat and persona.

async function commandsFor(personaId, chatId) {
  const key = `${personaId}|${chatId}`;
  if (!state.menuCache.has(key)) {
    const url = `${api}/menu?persona=${encodeURIComponent(personaId)}&chat=${encodeURIComponent(chatId)}`;
    state.menuCache.set(
      key,
      getJson(url)
        .then((body) => body.commands)
        .catch((error) => {
          state.menuCache.delete(key);
          throw error;
        }),
    );
  }
  return state.menuCache.get(key);
}

const commandPart = (usage) => usage.trim().split(/\s+/)[0];
const fillFor = (command) => (command.usage.trim().includes(' ') ? `${commandPart(command.usage)} ` : commandPart(command.usage));

async function updateMenu() {
  const match = /^\/(\S*)$/.exec(el.input.value);
  if (!match) return closeMenu();
  const query = match[1].toLowerCase();
  const personaId = state.personaId;
  const chatId = state.chatId;
  let commands;
  try {
    commands = await commandsFor(personaId, chatId);
  } catch {
    return closeMenu();
  }
  if (personaId !== state.personaId || chatId !== state.chatId || el.input.value !== match[0]) return;
  const items = commands
    .filter((command) => command.name.toLowerCase().includes(query))
    .sort((a, b) => Number(!a.name.toLowerCase().startsWith(query)) - Number(!b.name.toLowerCase().startsWith(query)));
  state.menu = { items, active: 0 };
  renderMenu();
}

function renderMenu() {
  const { items, active } = state.menu;
  if (items.length === 0) {
    const empty = document.createElement('div');
    empty.className = 'menu-empty';
    empty.textContent = t('menu_empty');
    el.menu.replaceChildren(empty);
  } else {
    el.menu.replaceChildren(
      ...items.map((command, index) => {
        const option = document.createElement('div');
        option.id = `command-option-${index}`;
        option.className = 'menu-item';
        option.setAttribute('role', 'option');
        option.setAttribute('aria-selected', String(index === active));
        option.dataset.command = command.name;
        const usage = document.createElement('span');
        usage.className = 'usage';
        usage.textContent = command.usage;
        const summary = document.createElement('span');
        summary.className = 'summary';
        summary.textContent = command.summary;
        option.append(usage, summary);
        // mousedown, not click: the composer keeps its focus
        option.addEventListener('mousedown', (event) => {
          event.preventDefault();
          chooseCommand(index);
        });
        return option;
      }),
    );
    el.menu.querySelector('[aria-selected="true"]')?.scrollIntoView({ block: 'nearest' });
  }
  el.menu.hidden = false;
  el.input.setAttribute('aria-expanded', 'true');
  if (items.length > 0) el.input.setAttribute('aria-activedescendant', `command-option-${active}`);
  else el.input.removeAttribute('aria-activedescendant');
}

function closeMenu() {
  state.menu = { items: [], active: 0 };
  el.menu.hidden = true;
  el.menu.replaceChildren();
  el.input.setAttribute('aria-expanded', 'false');
  el.input.removeAttribute('aria-activedescendant');
}

function chooseCommand(index) {
  const command = state.menu.items[index];
  if (!command) return;
  el.input.value = fillFor(command);
  closeMenu();
  autosize();
  el.input.focus();
  el.input.setSelectionRange(el.input.value.length, el.input.value.length);
}

function autosize() {
  el.input.style.height = 'auto';
  el.input.style.height = `${Math.min(el.input.scrollHeight, 160)}px`;
}

// ---------------------------------------------------------------------------------------------------------------
// Events and start

function bindEvents() {
  el.composer.addEventListener('submit', (event) => {
    event.preventDefault();
    void submitComposer();
  });
  el.input.addEventListener('input', () => {
    autosize();
    void updateMenu();
  });
  el.input.addEventListener('keydown', (event) => {
    const menuOpen = !el.menu.hidden && state.menu.items.length > 0;
    if (menuOpen && (event.key === 'ArrowDown' || event.key === 'ArrowUp')) {
      event.preventDefault();
      const step = event.key === 'ArrowDown' ? 1 : -1;
      state.menu.active = (state.menu.active + step + state.menu.items.length) % state.menu.items.length;
      renderMenu();
    } else if (event.key === 'Escape' && !el.menu.hidden) {
      event.preventDefault();
      closeMenu();
    } else if (menuOpen && event.key === 'Tab') {
      event.preventDefault();
      chooseCommand(state.menu.active);
    } else if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      // Enter on a listed command fills it in, unless the composer already holds exactly that command
      const active = menuOpen ? state.menu.items[state.menu.active] : null;
      if (active && fillFor(active) !== el.input.value) chooseCommand(state.menu.active);
      else void submitComposer();
    }
  });
  el.input.addEventListener('blur', () =>
    setTimeout(() => {
      if (document.activeElement !== el.input) closeMenu();
    }, 150),
  );
  el.personaSelect.addEventListener('change', () => {
    void selectPersona(el.personaSelect.value);
  });
  el.uiLocaleSelect.addEventListener('change', () => {
    setUiLocale(el.uiLocaleSelect.value).catch((error) => toast(t('load_failed', { message: error.message }), 'error'));
  });
  el.botLocaleSelect.addEventListener('change', () => {
    void switchBotLocale(el.botLocaleSelect.value);
  });
}

async function start() {
  bindEvents();
  const storedLocale = load('uiLocale', null);
  try {
    const [world] = await Promise.all([getJson(`${api}/world`), setUiLocale(storedLocale ?? locales[0])]);
    state.world = world;
  } catch (error) {
    toast(t('load_failed', { message: error.message }), 'error');
    return;
  }
  const storedPersona = load('persona', null);
  const first = persona(storedPersona) ?? state.world.personas[0];
  if (!first) return;
  await selectPersona(first.id, { uiLocale: storedPersona === first.id && storedLocale ? storedLocale : first.locale });
}

void start();

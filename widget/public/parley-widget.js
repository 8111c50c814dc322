/*
 * Parley chat widget. Embed with:
 *   <script src="https://YOUR-PARLEY-HOST/widget.js" data-title="Help" data-color="#0f766e" async></script>
 * No dependencies: it loads the Socket.IO client from the same host and draws itself in a Shadow DOM.
 * Messages wait in a localStorage outbox until the server acknowledges them (= stored), and are
 * resent with the same clientMessageId after a reconnect or a page reload; the server stores once.
 * Signed-in users of the site: pass the short-lived JWT the site's backend signs (HS256 with
 * WIDGET_IDENTITY_SECRET, sub = the site's user id) as data-identity-token="…" or call
 * Parley.identify(token) (a promise); call Parley.reset() when the user signs out.
 */
(() => {
  'use strict';
  if (window.Parley) return;
  const script =
    document.currentScript || [...document.scripts].find((s) => /\/widget\.js(\?|#|$)/.test(s.src));
  const origin = new URL(script ? script.src : location.href).origin;
  const opt = (script && script.dataset) || {};

  const zh = /^zh/i.test((navigator.languages && navigator.languages[0]) || navigator.language || '');
  const T = zh
    ? {
        open: '打开在线客服', close: '关闭聊天', title: '在线客服', label: '输入消息', placeholder: '输入消息，按 Enter 发送…',
        send: '发送', sending: '发送中…', failed: '未发送：', retry: '重试', discard: '删除', you: '我', agent: '客服',
        bot: '智能助手', hello: '您好！有什么可以帮您？我们通常几分钟内回复。', connecting: '正在连接…',
        offline: '网络已断开，恢复后会自动发送您的消息。', tooLong: '消息过长（最多 10000 字）。', unknown: '发送失败，请重试。',
        rate: '您对本次服务满意吗？', star: (n) => `${n} 星`, comment: '补充说明（选填）', sendRating: '提交评分',
        thanks: '感谢您的评分！', typing: '客服正在输入…',
      }
    : {
        open: 'Open chat', close: 'Close chat', title: 'Chat with us', label: 'Your message',
        placeholder: 'Type a message, Enter to send…', send: 'Send', sending: 'sending…', failed: 'Not sent: ',
        retry: 'Retry', discard: 'Delete', you: 'You', agent: 'Support', bot: 'Assistant',
        hello: 'Hi! Ask us anything. We usually reply within minutes.', connecting: 'Connecting…',
        offline: 'You are offline. Your messages will be sent when the connection is back.',
        tooLong: 'That message is too long (10,000 characters at most).', unknown: 'Could not send. Please try again.',
        rate: 'How did we do?', star: (n) => `${n} star${n > 1 ? 's' : ''}`, comment: 'Anything to add? (optional)',
        sendRating: 'Send rating', thanks: 'Thank you for your rating!', typing: 'Support is typing…',
      };

  // ---- storage (falls back to memory where localStorage is blocked) ----
  const prefix = `parley:${origin}:`;
  const memory = {};
  const load = (k, fallback) => {
    try {
      const v = localStorage.getItem(prefix + k);
      return v ? JSON.parse(v) : fallback;
    } catch {
      return k in memory ? memory[k] : fallback;
    }
  };
  const save = (k, v) => {
    memory[k] = v;
    try {
      localStorage.setItem(prefix + k, JSON.stringify(v));
    } catch {}
  };
  let session = load('session', null); // { visitorId, token }
  // The site's signed token for its signed-in user: short-lived, so kept in memory only.
  let identityToken = opt.identityToken || null;
  let identity = null; // { verified, name? } as the server last said
  let messages = load('messages', []); // MessageView[] the server has stored, sorted by createdAt
  let outbox = load('outbox', []); // [{ clientMessageId, text, at, error? }]
  let rated = load('rated', {}); // ticketId -> score, once the server took the rating
  const persist = () => {
    save('messages', messages.slice(-200));
    save('outbox', outbox);
  };
  const uuid = () =>
    crypto.randomUUID
      ? crypto.randomUUID()
      : ([1e7] + -1e3 + -4e3 + -8e3 + -1e11).replace(/[018]/g, (c) =>
          (c ^ (crypto.getRandomValues(new Uint8Array(1))[0] & (15 >> (c / 4)))).toString(16),
        );

  function merge(list) {
    const byId = new Map(messages.map((m) => [m.id, m]));
    for (const m of list) if (m && m.id) byId.set(m.id, m);
    messages = [...byId.values()].sort((a, b) =>
      a.createdAt === b.createdAt ? (a.id < b.id ? -1 : 1) : a.createdAt < b.createdAt ? -1 : 1,
    );
    // Anything the server has is no longer waiting to be sent.
    const stored = new Set(messages.map((m) => m.clientMessageId).filter(Boolean));
    outbox = outbox.filter((o) => !stored.has(o.clientMessageId));
    persist();
  }

  // ---- UI ----
  const host = document.createElement('div');
  host.id = 'parley-widget';
  if (opt.color) host.style.setProperty('--parley-accent', opt.color);
  const root = host.attachShadow({ mode: 'open' });
  root.innerHTML = `<style>
:host{all:initial;--a:var(--parley-accent,#2563eb);position:fixed;right:20px;bottom:20px;z-index:2147483000;
font:14px/1.45 system-ui,-apple-system,"Segoe UI","PingFang SC","Microsoft YaHei",sans-serif;color:#111827}
*{box-sizing:border-box;font:inherit}
button{cursor:pointer;border:0}
:focus-visible{outline:3px solid #f59e0b;outline-offset:2px}
.launch{width:56px;height:56px;border-radius:50%;background:var(--a);color:#fff;box-shadow:0 6px 20px #0003;
display:grid;place-items:center;position:relative;margin-left:auto}
.launch svg{width:26px;height:26px}
.badge{position:absolute;top:-2px;right:-2px;min-width:20px;height:20px;border-radius:10px;background:#dc2626;
color:#fff;font-size:12px;line-height:20px;text-align:center;padding:0 5px}
.panel{position:absolute;right:0;bottom:70px;width:min(360px,calc(100vw - 40px));height:min(520px,calc(100vh - 110px));
background:#fff;border-radius:14px;box-shadow:0 12px 40px #0004;display:flex;flex-direction:column;overflow:hidden}
.panel[hidden],.badge[hidden],.status[hidden],.alert:empty{display:none}
header{background:var(--a);color:#fff;padding:12px 14px;display:flex;align-items:center;gap:8px}
header h2{margin:0;font-size:16px;font-weight:600;flex:1}
.x{background:transparent;color:#fff;font-size:22px;line-height:1;width:32px;height:32px;border-radius:6px}
.status{background:#fef3c7;color:#78350f;padding:6px 12px;font-size:13px}
.log{flex:1;overflow-y:auto;padding:12px;display:flex;flex-direction:column;gap:8px;background:#f9fafb;margin:0;list-style:none}
.m{max-width:82%;padding:8px 11px;border-radius:12px;white-space:pre-wrap;overflow-wrap:anywhere;background:#fff;
border:1px solid #e5e7eb;align-self:flex-start}
.m.customer{align-self:flex-end;background:var(--a);color:#fff;border-color:transparent}
.meta{display:block;font-size:11px;opacity:.75;margin-top:3px}
.m.pending{opacity:.7}
.m.failed{background:#fee2e2;color:#7f1d1d;border-color:#fca5a5}
.m.failed button{background:#fff;color:#7f1d1d;border:1px solid #fca5a5;border-radius:6px;padding:1px 8px;margin:4px 6px 0 0;font-size:12px}
.hello{color:#4b5563;text-align:center;font-size:13px;padding:8px}
.alert{background:#fee2e2;color:#7f1d1d;padding:6px 12px;font-size:13px}
form{display:flex;gap:8px;padding:10px;border-top:1px solid #e5e7eb}
textarea{flex:1;resize:none;height:42px;max-height:120px;padding:9px 10px;border:1px solid #d1d5db;border-radius:8px;color:#111827}
.send{background:var(--a);color:#fff;border-radius:8px;padding:0 14px;font-weight:600}
.csat{align-self:stretch;max-width:none;background:#fff}
.stars{display:flex;gap:4px;margin:6px 0}.stars button{background:transparent;font-size:24px;line-height:1;color:#d1d5db;padding:0 2px}
.stars button[aria-pressed=true]{color:#f59e0b}
.csat input{width:100%;padding:6px 8px;border:1px solid #d1d5db;border-radius:6px;margin:4px 0}
.csat .go{background:var(--a);color:#fff;border-radius:6px;padding:4px 10px;font-size:13px}
.typing{color:#6b7280;font-size:12px;padding:0 12px 4px}.typing[hidden]{display:none}
</style>
<div class="panel" id="p" role="dialog" aria-modal="false" aria-labelledby="t" hidden>
<header><h2 id="t"></h2><button type="button" class="x" id="x">×</button></header>
<div class="status" role="status" id="s" hidden></div>
<ol class="log" id="log" role="log" aria-live="polite" aria-labelledby="t"></ol>
<div class="typing" id="ty" aria-live="polite" hidden></div>
<div class="alert" role="alert" id="err"></div>
<form id="f"><textarea id="in" rows="1" maxlength="10000"></textarea><button class="send" id="go"></button></form>
</div>
<button type="button" class="launch" id="b" aria-expanded="false" aria-controls="p">
<svg viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" aria-hidden="true"><path d="M21 12a8 8 0 0 1-11.6 7.1L4 21l1.9-5.4A8 8 0 1 1 21 12z"/></svg>
<span class="badge" id="n" hidden></span></button>`;
  const $ = (id) => root.getElementById(id);
  const [panel, launcher, badge, log, input, form, statusBar, alertBox, typingBar] = ['p', 'b', 'n', 'log', 'in', 'f', 's', 'err', 'ty'].map($);
  $('t').textContent = opt.title || T.title;
  $('x').setAttribute('aria-label', T.close);
  $('go').textContent = T.send;
  launcher.setAttribute('aria-label', T.open);
  input.setAttribute('aria-label', T.label);
  input.placeholder = T.placeholder;

  let unread = 0;
  const el = (tag, cls, text) => {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  };
  const time = (iso) => {
    const d = new Date(iso);
    return Number.isNaN(d.getTime()) ? '' : d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  };

  function render(force) {
    const nearBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 60;
    const items = [];
    if (!messages.length && !outbox.length) items.push(el('li', 'hello', T.hello));
    for (const m of messages) {
      if (m.prompt && m.prompt.kind === 'csat') {
        items.push(csatItem(m));
        continue;
      }
      const kind = m.author && m.author.kind;
      const li = el('li', `m ${kind === 'customer' ? 'customer' : 'staff'}`, m.text);
      li.dataset.id = m.id;
      li.append(el('span', 'meta', `${kind === 'customer' ? T.you : kind === 'agent' ? T.agent : T.bot} · ${time(m.createdAt)}`));
      items.push(li);
    }
    for (const o of outbox) {
      const li = el('li', `m customer ${o.error ? 'failed' : 'pending'}`, o.text);
      li.dataset.clientId = o.clientMessageId;
      li.dataset.state = o.error ? 'failed' : 'pending';
      if (o.error) {
        li.append(el('span', 'meta', T.failed + o.error), el('br'));
        const retry = el('button', '', T.retry);
        retry.type = 'button';
        retry.onclick = () => {
          delete o.error;
          persist();
          render();
          flush();
        };
        const drop = el('button', '', T.discard);
        drop.type = 'button';
        drop.onclick = () => {
          outbox = outbox.filter((x) => x !== o);
          persist();
          render();
          input.focus();
        };
        li.append(retry, drop);
      } else {
        li.append(el('span', 'meta', T.sending));
      }
      items.push(li);
    }
    log.replaceChildren(...items);
    if (force || nearBottom) log.scrollTop = log.scrollHeight;
    badge.hidden = !unread;
    badge.textContent = unread > 9 ? '9+' : String(unread);
  }

  // A rating request: stars in place of the link (one rating per ticket; the server says so too).
  const csatDraft = {}; // ticketId -> { score, comment }
  function csatItem(m) {
    const ticketId = m.prompt.ticketId;
    const li = el('li', 'm staff csat');
    li.dataset.id = m.id;
    if (rated[ticketId]) {
      li.append(el('span', '', T.thanks));
      return li;
    }
    const draft = (csatDraft[ticketId] = csatDraft[ticketId] || { score: 0, comment: '' });
    li.append(el('span', '', T.rate));
    const stars = el('div', 'stars');
    stars.setAttribute('role', 'group');
    stars.setAttribute('aria-label', T.rate);
    for (let n = 1; n <= 5; n++) {
      const b = el('button', '', '★');
      b.type = 'button';
      b.setAttribute('aria-label', T.star(n));
      b.setAttribute('aria-pressed', String(n <= draft.score));
      b.onclick = () => {
        draft.score = n;
        render();
      };
      stars.append(b);
    }
    const comment = el('input');
    comment.maxLength = 2000;
    comment.placeholder = T.comment;
    comment.setAttribute('aria-label', T.comment);
    comment.value = draft.comment;
    comment.oninput = () => {
      draft.comment = comment.value;
    };
    const go = el('button', 'go', T.sendRating);
    go.type = 'button';
    go.disabled = !draft.score;
    go.onclick = () => {
      if (!socket || !socket.connected || !draft.score) return;
      go.disabled = true;
      const payload = { ticketId, score: draft.score };
      if (draft.comment.trim()) payload.comment = draft.comment.trim();
      socket.timeout(15000).emit('csat:submit', payload, (err, res) => {
        // Rated now, or rated before (conflict): either way there is nothing more to ask.
        if (!err && res && (res.ok || (res.error && res.error.code === 'conflict'))) {
          rated[ticketId] = draft.score;
          save('rated', rated);
        } else {
          alertBox.textContent = T.failed + ((res && res.error && res.error.message) || T.unknown);
        }
        render();
      });
    };
    li.append(stars, comment, go);
    return li;
  }

  function setOpen(open) {
    panel.hidden = !open;
    launcher.setAttribute('aria-expanded', String(open));
    launcher.setAttribute('aria-label', open ? T.close : T.open);
    try {
      sessionStorage.setItem(`${prefix}open`, open ? '1' : '');
    } catch {}
    if (open) {
      unread = 0;
      render(true);
      start();
      input.focus();
    } else {
      launcher.focus();
    }
  }
  launcher.onclick = () => setOpen(panel.hidden);
  $('x').onclick = () => setOpen(false);
  root.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && !panel.hidden) setOpen(false);
  });
  // Typing indicator to the agent: "typing" at most every 2 s while keys are pressed, "stopped" after 3 s idle or on send.
  let typingSentAt = 0;
  let typingIdle = null;
  const sendTyping = (typing) => {
    if (socket && socket.connected) socket.emit('typing', { typing });
  };
  input.addEventListener('input', () => {
    const now = Date.now();
    if (now - typingSentAt > 2000) {
      typingSentAt = now;
      sendTyping(true);
    }
    clearTimeout(typingIdle);
    typingIdle = setTimeout(() => {
      typingSentAt = 0;
      sendTyping(false);
    }, 3000);
  });
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      form.requestSubmit ? form.requestSubmit() : form.dispatchEvent(new Event('submit', { cancelable: true }));
    }
  });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    if (text.length > 10000) {
      alertBox.textContent = T.tooLong;
      return;
    }
    alertBox.textContent = '';
    clearTimeout(typingIdle);
    if (typingSentAt) {
      typingSentAt = 0;
      sendTyping(false);
    }
    outbox.push({ clientMessageId: uuid(), text, at: new Date().toISOString() });
    persist();
    input.value = '';
    render(true);
    start();
    flush();
  });

  // ---- connection ----
  let socket = null;
  let inflight = new Map(); // clientMessageId -> attempt token, for the current connection only
  function showStatus() {
    const up = socket && socket.connected;
    statusBar.hidden = !!up || !socket;
    statusBar.textContent = navigator.onLine === false ? T.offline : T.connecting;
  }
  function flush() {
    if (!socket || !socket.connected) return;
    for (const o of outbox) {
      if (o.error || inflight.has(o.clientMessageId)) continue;
      // Never resend forever what cannot go: too long (an old outbox), or a send that keeps
      // losing the connection (the server closes on what it will not read).
      if (o.text.length > 10000 || (o.drops || 0) >= 3) {
        o.error = o.text.length > 10000 ? T.tooLong : T.unknown;
        persist();
        render();
        continue;
      }
      const attempt = {};
      const s = socket;
      inflight.set(o.clientMessageId, attempt);
      s.timeout(15000).emit('message:send', { clientMessageId: o.clientMessageId, text: o.text }, (err, res) => {
        if (inflight.get(o.clientMessageId) === attempt) inflight.delete(o.clientMessageId);
        if (err) {
          if (s.connected) setTimeout(flush, 1000); // no answer in time: try again (same id)
          return;
        }
        if (res && res.ok) {
          merge([res.data.message]);
        } else if (res && res.error && (res.error.code === 'unavailable' || res.error.code === 'rate_limited')) {
          // Not refused, only not now: the same message goes again after the wait the server asks for.
          const wait = Math.min(60, Math.max(1, Number(res.error.retryAfter) || 5)) * 1000;
          if (res.error.code === 'rate_limited') alertBox.textContent = res.error.message;
          setTimeout(flush, wait);
        } else {
          const msg = (res && res.error && res.error.message) || T.unknown;
          const item = outbox.find((x) => x.clientMessageId === o.clientMessageId);
          if (item) item.error = msg;
          alertBox.textContent = T.failed + msg;
          persist();
        }
        render();
      });
    }
  }
  async function syncHistory() {
    const s = socket;
    // Ask with an overlap (merging by id removes repeats) so nothing stored in the same instant is missed.
    const last = messages[messages.length - 1];
    let after = last ? new Date(Date.parse(last.createdAt) - 60000).toISOString() : undefined;
    for (let page = 0; page < 10 && s.connected; page++) {
      let res;
      try {
        res = await s.timeout(15000).emitWithAck('history', after ? { after } : {});
      } catch {
        return;
      }
      if (!res || !res.ok) return;
      const got = res.data.messages || [];
      merge(got);
      render();
      if (got.length < 200) return;
      after = got[got.length - 1].createdAt;
    }
  }

  let loading = null;
  function loadClient() {
    if (!loading) {
      loading = new Promise((resolve, reject) => {
        const prev = window.io;
        const tag = document.createElement('script');
        tag.src = `${origin}/socket.io/socket.io.min.js`;
        tag.async = true;
        tag.onload = () => {
          const io = window.io;
          if (prev !== undefined) window.io = prev; // leave the host page's own `io` alone
          io ? resolve(io) : reject(new Error('socket.io client missing'));
        };
        tag.onerror = () => {
          loading = null;
          reject(new Error('could not load socket.io client'));
        };
        document.head.append(tag);
      });
    }
    return loading;
  }
  function start() {
    if (socket) return;
    socket = {}; // placeholder: start once
    showStatus();
    loadClient().then(
      (io) => {
        socket = io(`${origin}/widget`, {
          auth: (cb) =>
            cb({
              ...(session ? { visitorId: session.visitorId, token: session.token } : {}),
              ...(identityToken ? { identityToken } : {}),
            }),
          reconnectionDelayMax: 4000,
        });
        socket.on('session', (s) => {
          if (session && session.visitorId !== s.visitorId) messages = []; // a new identity: old history is not ours
          session = { visitorId: s.visitorId, token: s.token };
          save('session', session);
          persist();
          render();
        });
        socket.on('identity', (r) => {
          identity = r;
          if (r && !r.verified) {
            // The visitor stays anonymous; the site's developer needs to know why.
            console.warn('Parley: the identity token was refused:', r.error && r.error.message);
            identityToken = null;
          }
          document.dispatchEvent(new CustomEvent('parley:identity', { detail: r }));
        });
        socket.on('connect', () => {
          showStatus();
          flush();
          syncHistory();
        });
        socket.on('disconnect', () => {
          // A message in flight when the connection dropped counts a drop against it.
          for (const id of inflight.keys()) {
            const item = outbox.find((x) => x.clientMessageId === id);
            if (item) item.drops = (item.drops || 0) + 1;
          }
          persist();
          inflight = new Map();
          showStatus();
        });
        // The server lost live updates (its event stream restarted): fetch what we may have missed.
        socket.on('resync', () => syncHistory());
        socket.on('connect_error', (err) => {
          showStatus();
          // The server refused the connection (not a network error): say why, and try again when it says.
          if (!socket.active) {
            const data = (err && err.data) || {};
            if (data.code === 'rate_limited') alertBox.textContent = err.message;
            setTimeout(() => socket.connect(), Math.min(60, Math.max(1, Number(data.retryAfter) || 5)) * 1000);
          }
        });
        let typingHide = null;
        socket.on('typing', (e) => {
          clearTimeout(typingHide);
          typingBar.textContent = T.typing;
          typingBar.hidden = !(e && e.typing);
          // A lost "stopped" never leaves the indicator on for good.
          if (!typingBar.hidden) typingHide = setTimeout(() => (typingBar.hidden = true), 6000);
        });
        socket.on('message:new', (m) => {
          if (m.author && m.author.kind === 'agent') typingBar.hidden = true;
          // A push may come twice (a worker that died mid-delivery is retried): count it once.
          const isNew = !messages.some((x) => x.id === m.id);
          merge([m]);
          if (isNew && panel.hidden && m.author && m.author.kind !== 'customer') unread++;
          render();
        });
      },
      () => {
        socket = null;
        statusBar.hidden = false;
        statusBar.textContent = T.offline;
        setTimeout(start, 5000);
      },
    );
  }
  window.addEventListener('online', showStatus);
  window.addEventListener('offline', showStatus);
  // Another tab of the same site changed the conversation: show it here too.
  window.addEventListener('storage', (e) => {
    if (!e.key || !e.key.startsWith(prefix)) return;
    session = load('session', session);
    messages = load('messages', messages);
    outbox = load('outbox', outbox);
    rated = load('rated', rated);
    render();
    flush();
  });

  function identify(token) {
    identityToken = token || null;
    if (!identityToken) return Promise.resolve({ verified: false });
    start();
    const s = socket;
    if (!s || !s.connected || !s.emit) {
      // Not connected yet: the token goes with the handshake, and the answer comes as `identity`.
      return new Promise((resolve) =>
        document.addEventListener('parley:identity', (e) => resolve(e.detail), { once: true }),
      );
    }
    return s
      .timeout(15000)
      .emitWithAck('identify', { token: identityToken })
      .then((res) => {
        identity = res && res.ok ? res.data : { verified: false, error: res && res.error };
        if (!identity.verified) {
          console.warn('Parley: the identity token was refused:', identity.error && identity.error.message);
          identityToken = null;
        }
        syncHistory();
        return identity;
      });
  }
  function reset() {
    // The site's user signed out: forget this visitor and their conversation in this browser.
    identityToken = null;
    identity = null;
    session = null;
    messages = [];
    outbox = [];
    save('session', null);
    persist();
    if (socket && socket.disconnect) socket.disconnect();
    socket = null;
    render();
  }
  window.Parley = {
    open: () => setOpen(true),
    close: () => setOpen(false),
    identify,
    reset,
    identity: () => identity,
  };
  const mount = () => {
    document.body.append(host);
    render();
    let wasOpen = false;
    try {
      wasOpen = sessionStorage.getItem(`${prefix}open`) === '1';
    } catch {}
    if (wasOpen) {
      panel.hidden = false;
      launcher.setAttribute('aria-expanded', 'true');
      launcher.setAttribute('aria-label', T.close);
    }
    // Unsent messages from an earlier visit go out now, without waiting for the panel to open.
    if (wasOpen || session || outbox.length) start();
  };
  document.body ? mount() : document.addEventListener('DOMContentLoaded', mount);
})();

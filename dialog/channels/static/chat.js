/* 临夏就业政策助手: the chat page's script. Plain ES5 (no modules, arrows, let/const): it runs
 * in old Android WebViews and WeChat's browser without a build step. Text from the server or
 * the user goes in with textContent, never as HTML. The server keeps the conversation state;
 * the phone keeps a random id, the 大字 choice and a copy of the recent conversation (capped,
 * dropped after data-keep-days unused and on 删除我的记录), so a reload (WeChat reloads often)
 * shows it again with the pending question's buttons. */
(function () {
  'use strict';

  var API = '/api/chat';
  var USER_KEY = 'lxzc.user';
  var LOG_KEY = 'lxzc.log';
  var BIG_KEY = 'lxzc.big';
  var KEEP_ROWS = 60;           // the copy on the phone: bubbles …
  var KEEP_CHARS = 60000;       // … and characters of JSON, at most
  var MAX_SEND = 4000;          // the server cuts longer text anyway
  var TIMEOUT_MS = 30000;
  var ID_RE = /^[A-Za-z0-9_-]{8,64}$/;
  var CAMPAIGN_RE = /^[A-Za-z0-9_-]{1,64}$/;

  var root = document.documentElement;
  var body = document.body;
  var app = document.getElementById('app');
  var log = document.getElementById('log');
  var form = document.getElementById('composer');
  var input = document.getElementById('input');
  var counter = document.getElementById('counter');
  var bigSwitch = document.getElementById('big');
  var field = input.parentNode;
  var softLimit = parseInt(body.getAttribute('data-max-chars'), 10) || 500;
  var keepMs = (parseFloat(body.getAttribute('data-keep-days')) || 7) * 864e5;
  var T = readTexts();
  var campaign = readCampaign();
  var user = loadUser();

  var rows = [];        // the conversation as kept on the phone: {w: 'u'|'b', t, k?, l?, n?, x?}
  var queue = [];       // payloads waiting to be sent, in order
  var busy = false;     // a request is in flight
  var stalled = false;  // the head of the queue failed; waiting for 重试
  var typingRow = null;

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }

  function setClass(node, cls, on) {
    var list = (' ' + node.className + ' ').replace(' ' + cls + ' ', ' ');
    node.className = (list + (on ? cls : '')).replace(/^\s+|\s+$/g, '');
  }

  /* The page's words: the page_* texts of texts.yaml, put in by the server. */
  function readTexts() {
    try { return JSON.parse(body.getAttribute('data-texts')) || {}; } catch (e) { return {}; }
  }

  function readCampaign() {
    var value = body.getAttribute('data-campaign') || '';
    if (!value) {
      var match = /[?&]c=([^&#]*)/.exec(window.location.search || '');
      if (match) {
        try { value = decodeURIComponent(match[1]); } catch (e) { value = ''; }
      }
    }
    return CAMPAIGN_RE.test(value) ? value : '';
  }

  function getItem(key) {
    try { return window.localStorage.getItem(key); } catch (e) { return null; }
  }

  function setItem(key, value) {
    try {
      if (value === null) { window.localStorage.removeItem(key); } else { window.localStorage.setItem(key, value); }
    } catch (e) { /* private mode, full storage: not kept */ }
  }

  function randomId() {
    var chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
    var out = 'w';
    var bytes = null;
    var cryptoObj = window.crypto || window.msCrypto;
    if (cryptoObj && cryptoObj.getRandomValues) {
      bytes = new Uint8Array(23);
      cryptoObj.getRandomValues(bytes);
    }
    for (var i = 0; i < 23; i++) {
      var n = bytes ? bytes[i] : Math.floor(Math.random() * 256);
      out += chars.charAt(n % chars.length);
    }
    return out;
  }

  /* A new id is stored with the first message sent. Without storage every visit is a new user. */
  function loadUser() {
    var id = getItem(USER_KEY);
    if (id && ID_RE.test(id)) { return { id: id, fresh: false, kept: true }; }
    return { id: randomId(), fresh: true, kept: false };
  }

  /* ---- the copy of the conversation on the phone ---- */

  function saveRows() {
    if (rows.length > KEEP_ROWS) { rows = rows.slice(-KEEP_ROWS); }
    var data = JSON.stringify({ id: user.id, at: new Date().getTime(), rows: rows });
    while (data.length > KEEP_CHARS && rows.length > 1) {
      rows = rows.slice(Math.ceil(rows.length / 4));
      data = JSON.stringify({ id: user.id, at: new Date().getTime(), rows: rows });
    }
    setItem(LOG_KEY, data);
  }

  function loadRows() {
    var data = null;
    try { data = JSON.parse(getItem(LOG_KEY) || 'null'); } catch (e) { data = null; }
    var age = data ? new Date().getTime() - data.at : -1;
    if (!data || data.id !== user.id || !(age >= 0 && age < keepMs) || !data.rows || !data.rows.length) {
      setItem(LOG_KEY, null);
      return [];
    }
    return data.rows.slice(-KEEP_ROWS);
  }

  /* 删除我的记录 done on the server: the page forgets too; the next message is a new person. */
  function forgetHere() {
    rows = [];
    setItem(LOG_KEY, null);
    setItem(USER_KEY, null);
    user = { id: randomId(), fresh: true, kept: false };
    stopSpeaking();
    while (log.firstChild) { log.removeChild(log.firstChild); }
  }

  /* ---- 大字 ---- */

  var big = getItem(BIG_KEY) === '1';

  function applyBig() {
    setClass(root, 'big', big);
    bigSwitch.setAttribute('aria-checked', big ? 'true' : 'false');
  }

  document.getElementById('big-label').textContent = T.big;
  bigSwitch.onclick = function () {
    big = !big;
    setItem(BIG_KEY, big ? '1' : null);
    applyBig();
  };
  applyBig();

  /* ---- 朗读: the browser's speech synthesis, only where it has a Chinese voice ---- */

  var synth = window.speechSynthesis && window.SpeechSynthesisUtterance ? window.speechSynthesis : null;
  var voice = null;
  var speaking = null;  // the 朗读 button whose text is being read

  function findVoice() {
    var list = synth.getVoices() || [];
    for (var i = 0; i < list.length; i++) {
      var lang = String(list[i].lang || '').replace('_', '-');
      if (/^(zh|cmn)/i.test(lang) && (!voice || /CN|Hans/i.test(lang))) { voice = list[i]; }
    }
    setClass(root, 'can-speak', !!voice);
  }

  if (synth) {
    findVoice();
    if (synth.addEventListener) { synth.addEventListener('voiceschanged', findVoice); }
  }

  /* Short pieces: some engines stop reading a long utterance after about 15 seconds. */
  function speechParts(text) {
    var parts = [];
    var lines = String(text).replace(/[·•√【】「」]/g, ' ').split(/\n+/);
    for (var i = 0; i < lines.length; i++) {
      var bits = lines[i].match(/[^。！？；]+[。！？；]?/g) || [];
      for (var j = 0; j < bits.length; j++) {
        if (/\S/.test(bits[j])) { parts.push(bits[j]); }
      }
    }
    return parts;
  }

  function stopSpeaking() {
    if (!speaking) { return; }
    speaking.textContent = T.read;
    setClass(speaking, 'on', false);
    speaking = null;
    synth.cancel();
  }

  function speak(btn, text) {
    var again = speaking === btn;
    stopSpeaking();
    if (again || !voice) { return; }
    var parts = speechParts(text);
    speaking = btn;
    btn.textContent = T.stop;
    setClass(btn, 'on', true);
    for (var i = 0; i < parts.length; i++) {
      var u = new window.SpeechSynthesisUtterance(parts[i]);
      u.voice = voice;
      u.lang = voice.lang;
      u.rate = 0.9;
      if (i === parts.length - 1) {
        u.onend = u.onerror = function () { if (speaking === btn) { stopSpeaking(); } };
      }
      synth.speak(u);
    }
  }

  /* ---- scrolling ---- */

  function nearBottom() {
    return log.scrollHeight - log.scrollTop - log.clientHeight < 80;
  }

  function scrollToBottom() {
    log.scrollTop = log.scrollHeight;
  }

  /* New bot rows are shown from their start: a long answer is read from the top. */
  function reveal(firstRow) {
    var bottom = log.scrollHeight - log.clientHeight;
    var anchor = firstRow;
    var before = firstRow && firstRow.previousSibling;
    // Keep the question in view above its answer when it is a short one.
    if (before && before.className === 'row user' && before.offsetHeight < log.clientHeight / 4) {
      anchor = before;
    }
    var top = anchor ? anchor.offsetTop - 8 : bottom;
    log.scrollTop = Math.max(0, Math.min(top, bottom));
  }

  /* ---- rendering ---- */

  function addRow(kind) {
    var row = el('div', 'row ' + kind);
    var turn = el('div', 'turn');
    row.appendChild(turn);
    log.appendChild(row);
    return turn;
  }

  function addUser(text, keep) {
    var turn = addRow('user');
    turn.appendChild(el('div', 'bubble', text));
    if (keep) { rows.push({ w: 'u', t: text }); saveRows(); }
    scrollToBottom();
  }

  function addNote(text) {
    var note = el('div', 'note', text);
    log.appendChild(note);
    return note;
  }

  function safeUrl(url) {
    return typeof url === 'string' && /^https?:\/\//i.test(url) ? url : null;
  }

  function smallButton(cls, text, onclick) {
    var btn = el('button', cls, text);
    btn.type = 'button';
    btn.onclick = onclick;
    return btn;
  }

  /* `kept`: the reply's record on the phone; a press is noted in it (x: [row, index]). */
  function addButtons(turn, specs, kept) {
    var group = el('div', 'buttons');
    for (var r = 0; r < specs.length; r++) {
      var rowEl = el('div', 'btn-row');
      for (var b = 0; b < specs[r].length; b++) {
        rowEl.appendChild(makeButton(group, specs[r][b], kept, [r, b]));
      }
      group.appendChild(rowEl);
    }
    turn.appendChild(group);
    if (kept && kept.x) {
      var chosen = group.childNodes[kept.x[0]] && group.childNodes[kept.x[0]].childNodes[kept.x[1]];
      markUsed(group, chosen);
    }
  }

  function makeButton(group, spec, kept, at) {
    return smallButton('btn', spec.label, function () {
      if (group.className.indexOf('used') >= 0) { return; }
      markUsed(group, this);
      if (kept) { kept.x = at; saveRows(); }
      send(spec.send || { text: spec.label, action: spec.action, kind: 'button' }, spec.label);
    });
  }

  function markUsed(group, chosen) {
    setClass(group, 'used', true);
    if (chosen) { setClass(chosen, 'chosen', true); }
    var all = group.getElementsByTagName('button');
    for (var i = 0; i < all.length; i++) { all[i].disabled = true; }
  }

  /* One bot reply: text (line breaks kept by CSS), link, buttons, 朗读. The privacy notice
   * (role "notice") is one line; 全文 opens it, with 删除我的记录. */
  function addReply(reply, kind, kept) {
    var turn = addRow(kind || 'bot');
    var row = turn.parentNode;
    var text = reply.text || '';
    var bubble = el('div', 'bubble', text);
    if (reply.role === 'notice') {
      var line = el('div', 'notice');
      line.appendChild(bubble);
      line.appendChild(smallButton('mini', T.more, function () {
        var open = line.className.indexOf('open') < 0;
        setClass(line, 'open', open);
        this.textContent = open ? T.less : T.more;
      }));
      line.appendChild(smallButton('mini forget', T.forget, function () {
        send({ text: '/forget', kind: 'text' }, T.forget);
      }));
      turn.appendChild(line);
    } else {
      turn.appendChild(bubble);
    }
    var url = safeUrl(reply.link);
    if (url) {
      var a = el('a', 'link', url);
      a.href = url;
      a.target = '_blank';
      a.rel = 'noopener noreferrer';
      turn.appendChild(a);
    }
    if (reply.buttons && reply.buttons.length) { addButtons(turn, reply.buttons, kept); }
    if (!kind && synth) {
      row.appendChild(smallButton('speak', T.read, function () { speak(this, text); }));
    }
    return row;
  }

  function keepReply(reply) {
    var kept = { w: 'b', t: reply.text || '' };
    if (reply.buttons && reply.buttons.length) { kept.k = reply.buttons; }
    if (safeUrl(reply.link)) { kept.l = reply.link; }
    if (reply.role) { kept.n = reply.role; }
    rows.push(kept);
    return kept;
  }

  function showTyping() {
    if (typingRow) { return; }
    var turn = addRow('bot typing');
    var bubble = el('div', 'bubble');
    for (var i = 0; i < 3; i++) { bubble.appendChild(el('span', 'dot')); }
    bubble.appendChild(el('span', 'sr-only', '正在回复'));
    turn.appendChild(bubble);
    typingRow = turn.parentNode;
    scrollToBottom();
  }

  function hideTyping() {
    if (typingRow && typingRow.parentNode) { typingRow.parentNode.removeChild(typingRow); }
    typingRow = null;
  }

  /* `kind`: 'bot error' etc. are not kept. `lastFirst`: replies too tall for the screen are
   * shown from the last one (after the greeting, the 继续上次 prompt). */
  function showReplies(replies, kind, lastFirst) {
    var first = null;
    var last = null;
    for (var i = 0; i < replies.length; i++) {
      if (replies[i] && typeof replies[i] === 'object') {
        last = addReply(replies[i], kind, kind ? null : keepReply(replies[i]));
        if (!first) { first = last; }
      }
    }
    if (!kind) { saveRows(); }
    var tall = last && first && last.offsetTop + last.offsetHeight - first.offsetTop > log.clientHeight;
    reveal(lastFirst && tall ? last : first);
  }

  function showFailure(replies) {
    var text = replies && replies.length && replies[0].text ? replies[0].text : T.offline;
    var row = addReply({ text: text }, 'bot error');
    var group = el('div', 'buttons');
    var rowEl = el('div', 'btn-row');
    rowEl.appendChild(smallButton('btn', T.retry, function () {
      if (row.parentNode) { row.parentNode.removeChild(row); }
      stalled = false;
      pump();
    }));
    group.appendChild(rowEl);
    row.firstChild.appendChild(group);
    reveal(row);
  }

  /* ---- talking to the server ---- */

  function post(payload, done) {
    var data = JSON.stringify(payload);
    var finished = false;
    var timer = setTimeout(function () { finish(0, null); }, TIMEOUT_MS);
    function finish(status, json) {
      if (finished) { return; }
      finished = true;
      clearTimeout(timer);
      done(status, json);
    }
    if (window.fetch) {
      window.fetch(API, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: data,
        credentials: 'same-origin',
        cache: 'no-store'
      }).then(function (res) {
        return res.json().then(
          function (json) { finish(res.status, json); },
          function () { finish(res.status, null); }
        );
      }, function () { finish(0, null); });
      return;
    }
    var xhr = new XMLHttpRequest();
    xhr.open('POST', API, true);
    xhr.setRequestHeader('Content-Type', 'application/json');
    xhr.onreadystatechange = function () {
      if (xhr.readyState !== 4) { return; }
      var json = null;
      try { json = JSON.parse(xhr.responseText); } catch (e) { json = null; }
      finish(xhr.status, json);
    };
    xhr.send(data);
  }

  /* Messages go out one at a time, in order: the engine's state depends on the order. */
  function pump() {
    if (busy || stalled || !queue.length) { return; }
    busy = true;
    showTyping();
    post(queue[0], function (status, json) {
      busy = false;
      hideTyping();
      var replies = json && json.replies && json.replies.length ? json.replies : null;
      if (status === 200 && json && json.replies) {
        var sent = queue.shift();
        if (json.forgotten) {
          forgetHere();
          showReplies(json.replies, 'bot');  // shown, not kept
        } else {
          showReplies(json.replies, null, sent.text === '/start');
        }
      } else if (status === 0 || status >= 500) {
        stalled = true;   // keep the message; 重试 sends it again
        showFailure(replies);
        return;
      } else {
        queue.shift();    // refused (4xx): retrying would not help
        showReplies(replies || [{ text: T.offline }], 'bot error');
      }
      pump();
    });
  }

  function send(fields, shown) {
    if (!user.kept) {
      setItem(USER_KEY, user.id);
      user.kept = true;
    }
    if (shown) { addUser(shown, true); }
    queue.push({
      user: user.id,
      text: fields.text || '',
      action: fields.action || null,
      campaign: fields.campaign || null,
      kind: fields.kind || 'text'
    });
    pump();
  }

  /* ---- the composer ---- */

  function autoGrow() {
    if (!input.value) { input.style.height = ''; return; }  // back to one line, as styled
    input.style.height = 'auto';
    input.style.height = Math.min(input.scrollHeight + 2, 132) + 'px';
  }

  function updateCounter() {
    var n = input.value.length;
    var counting = n >= Math.floor(softLimit * 0.8);
    var over = n > softLimit;
    field.className = 'field' + (counting ? ' counting' : '') + (over ? ' over' : '');
    counter.textContent = counting ? n + '/' + softLimit : '';
  }

  function submit() {
    var text = input.value.replace(/^\s+|\s+$/g, '');
    if (!text) { input.focus(); return; }
    if (text.length > MAX_SEND) { text = text.slice(0, MAX_SEND); }
    input.value = '';
    autoGrow();
    updateCounter();
    send({ text: text, kind: 'text' }, text);
    input.focus();
  }

  form.onsubmit = function (e) {
    e.preventDefault();
    submit();
  };

  input.onkeydown = function (e) {
    var key = e.key || '';
    var isEnter = key === 'Enter' || e.keyCode === 13;
    // Enter that confirms a pinyin candidate (IME composition) must not send.
    if (isEnter && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
      e.preventDefault();
      submit();
    }
  };

  input.oninput = function () {
    autoGrow();
    updateCounter();
  };

  input.maxLength = MAX_SEND;

  /* ---- keep the composer above the on-screen keyboard ---- */

  function fitViewport() {
    var stick = nearBottom();
    var vv = window.visualViewport;
    var height = vv ? vv.height : window.innerHeight;
    if (height > 0) { app.style.height = height + 'px'; }
    app.style.top = vv ? vv.offsetTop + 'px' : '0';
    if (stick) { scrollToBottom(); }
  }

  if (window.visualViewport) {
    window.visualViewport.addEventListener('resize', fitViewport);
    window.visualViewport.addEventListener('scroll', fitViewport);
  }
  window.addEventListener('resize', fitViewport);
  window.addEventListener('orientationchange', function () { setTimeout(fitViewport, 250); });
  fitViewport();

  /* ---- start ---- */

  rows = loadRows();
  if (rows.length) {
    // The recent conversation again; unpressed buttons (the pending question's) still work.
    var lastBot = null;
    for (var i = 0; i < rows.length; i++) {
      if (rows[i].w === 'u') {
        addUser(rows[i].t, false);
      } else {
        lastBot = addReply({ text: rows[i].t, buttons: rows[i].k, link: rows[i].l, role: rows[i].n }, null, rows[i]);
      }
    }
    addNote(T.restored);
    reveal(lastBot);
  } else if (user.fresh) {
    send({ text: '/start', campaign: campaign, kind: 'text' }, null);
  } else {
    // 主菜单 is /start again (with this link's campaign, if any).
    var note = addNote(T.welcome);
    addButtons(note, [[{ label: T.menu, send: { text: '/start', campaign: campaign, kind: 'text' } }]], null);
    note.lastChild.firstChild.className += ' center';
  }
}());

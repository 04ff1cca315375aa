/* 临夏就业政策助手: the chat page's script.
 * Plain ES5 on purpose (no modules, arrows, let/const, optional chaining): it must run in old
 * Android WebViews and WeChat's in-app browser without a build step.
 * Every piece of text from the server or the user goes in with textContent, never as HTML.
 * The server keeps the conversation state; the page keeps only a random user id. */
(function () {
  'use strict';

  var API = '/api/chat';
  var STORE_KEY = 'lxzc.user';
  var MAX_SEND = 4000;          // the server cuts longer text anyway
  var TIMEOUT_MS = 30000;
  var ID_RE = /^[A-Za-z0-9_-]{8,64}$/;
  var CAMPAIGN_RE = /^[A-Za-z0-9_-]{1,64}$/;
  var NET_ERROR = '网络好像不太稳定，消息没有发出去。';

  var body = document.body;
  var app = document.getElementById('app');
  var log = document.getElementById('log');
  var form = document.getElementById('composer');
  var input = document.getElementById('input');
  var counter = document.getElementById('counter');
  var field = input.parentNode;
  var softLimit = parseInt(body.getAttribute('data-max-chars'), 10) || 500;
  var campaign = readCampaign();
  var user = loadUser();

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

  /* The id is the only thing kept on the phone. Without storage (some private modes) every
   * visit is a new user, which is still usable. */
  function loadUser() {
    var id = null;
    try { id = window.localStorage.getItem(STORE_KEY); } catch (e) { id = null; }
    if (id && ID_RE.test(id)) { return { id: id, fresh: false }; }
    id = randomId();
    try { window.localStorage.setItem(STORE_KEY, id); } catch (e2) { /* not kept */ }
    return { id: id, fresh: true };
  }

  /* ---- scrolling ---- */

  function nearBottom() {
    return log.scrollHeight - log.scrollTop - log.clientHeight < 80;
  }

  function scrollToBottom() {
    log.scrollTop = log.scrollHeight;
  }

  /* Show new bot rows from their start: a long answer should be read from the top, not
   * scrolled past. Short ones simply land at the bottom. */
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

  function addUser(text) {
    var turn = addRow('user');
    turn.appendChild(el('div', 'bubble', text));
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

  function addButtons(turn, rows) {
    var group = el('div', 'buttons');
    for (var r = 0; r < rows.length; r++) {
      var rowEl = el('div', 'btn-row');
      for (var b = 0; b < rows[r].length; b++) {
        rowEl.appendChild(makeButton(group, rows[r][b]));
      }
      group.appendChild(rowEl);
    }
    turn.appendChild(group);
  }

  function makeButton(group, spec) {
    var btn = el('button', 'btn', spec.label);
    btn.type = 'button';
    btn.onclick = function () { press(group, btn, spec); };
    return btn;
  }

  /* One bot reply: text (line breaks kept by CSS), optional link, optional buttons. */
  function addReply(reply, kind) {
    var turn = addRow(kind || 'bot');
    turn.appendChild(el('div', 'bubble', reply.text || ''));
    var url = safeUrl(reply.link);
    if (url) {
      var a = el('a', 'link', url);
      a.href = url;
      a.target = '_blank';
      a.rel = 'noopener noreferrer';
      turn.appendChild(a);
    }
    if (reply.buttons && reply.buttons.length) { addButtons(turn, reply.buttons); }
    return turn.parentNode;
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

  function showReplies(replies, kind) {
    var first = null;
    for (var i = 0; i < replies.length; i++) {
      if (replies[i] && typeof replies[i] === 'object') {
        var row = addReply(replies[i], kind);
        if (!first) { first = row; }
      }
    }
    reveal(first);
  }

  function showFailure(replies) {
    var text = replies && replies.length && replies[0].text ? replies[0].text : NET_ERROR;
    var row = addReply({ text: text }, 'bot error');
    var retry = el('button', 'btn', '重试');
    retry.type = 'button';
    retry.onclick = function () {
      if (row.parentNode) { row.parentNode.removeChild(row); }
      stalled = false;
      pump();
    };
    var group = el('div', 'buttons');
    var rowEl = el('div', 'btn-row');
    rowEl.appendChild(retry);
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
        queue.shift();
        showReplies(json.replies);
      } else if (status === 0 || status >= 500) {
        stalled = true;   // keep the message; 重试 sends it again
        showFailure(replies);
        return;
      } else {
        queue.shift();    // refused (4xx): retrying would not help
        showReplies(replies || [{ text: NET_ERROR }], 'bot error');
      }
      pump();
    });
  }

  function send(fields, shown) {
    if (shown) { addUser(shown); }
    queue.push({
      user: user.id,
      text: fields.text || '',
      action: fields.action || null,
      campaign: fields.campaign || null,
      kind: fields.kind || 'text'
    });
    pump();
  }

  function press(group, btn, spec) {
    if (group.className.indexOf('used') >= 0) { return; }
    group.className += ' used';
    btn.className += ' chosen';
    var all = group.getElementsByTagName('button');
    for (var i = 0; i < all.length; i++) { all[i].disabled = true; }
    send(spec.send || { text: spec.label, action: spec.action, kind: 'button' }, spec.label);
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

  if (user.fresh) {
    send({ text: '/start', campaign: campaign, kind: 'text' }, null);
  } else {
    // 主菜单 is /start again (with this link's campaign, if any): the page stores no actions.
    var note = addNote('欢迎回来！可以直接输入问题。');
    addButtons(note, [[{ label: '主菜单', send: { text: '/start', campaign: campaign, kind: 'text' } }]]);
    note.lastChild.firstChild.className += ' center';
  }
}());

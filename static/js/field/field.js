/* The field app on every page of a field official: registers the service worker, keeps the field pack fresh
 * (and wipes it after OFFLINE_PACK_HOURS), sends the queue in order when a connection is there (with retries
 * and backoff; an expired session keeps the queue and asks for a login), saves the visit form as it is typed,
 * and asks before a logout would drop unsent items. The pages of the app (offline.js) use window.Field. */
(function () {
  "use strict";
  var script = document.getElementById("field-script");
  if (!script || !window.FieldStore || !window.indexedDB) return;
  var S = window.FieldStore, cfg = script.dataset, syncing = null, retryTimer = null;
  var REFRESH_MS = 30 * 60 * 1000, MAX_BACKOFF_MS = 10 * 60 * 1000;

  // The server writes its notes (a sync's conflicts, refusals) in the language of the page that shows them: the
  // page's own lang, said on every call, not whatever Accept-Language the browser's network layer adds.
  var LANG = document.documentElement.lang || "ko";
  function headers(extra) {
    var h = { Accept: "application/json", "Accept-Language": LANG };
    Object.keys(extra || {}).forEach(function (k) { h[k] = extra[k]; });
    return h;
  }

  function emit() { document.dispatchEvent(new CustomEvent("field:updated")); badge(); }

  function cookie(name) {
    var m = document.cookie.match(new RegExp("(?:^|; )" + name + "=([^;]*)"));
    return m ? decodeURIComponent(m[1]) : "";
  }

  // --- The pack ---------------------------------------------------------------------------------------------
  function opened() {
    try { return JSON.parse(localStorage.getItem("field.opened") || "[]"); } catch (e) { return []; }
  }
  function remember(id) {
    var ids = opened().filter(function (x) { return x !== id; });
    ids.unshift(id);
    localStorage.setItem("field.opened", JSON.stringify(ids.slice(0, 50)));
  }
  function download() {
    var url = cfg.pack + (opened().length ? "?opened=" + opened().join(",") : "");
    return fetch(url, { credentials: "same-origin", headers: headers() }).then(function (r) {
      if (r.status === 401 || r.status === 403) { return S.set("needLogin", true).then(function () { emit(); throw new Error("login"); }); }
      if (!r.ok) throw new Error("pack " + r.status);
      return r.json();
    }).then(function (pack) {
      pack.received_at = new Date().toISOString();
      return S.set("pack", pack).then(function () { return S.set("needLogin", false); }).then(function () { emit(); return pack; });
    });
  }
  function expireOldPack() {
    return S.get("pack").then(function (pack) {
      if (pack && new Date(pack.expires_at) < new Date()) return S.del("pack").then(function () { emit(); });
    });
  }

  // --- Sync ---------------------------------------------------------------------------------------------------
  function session() {
    return fetch(cfg.session, { credentials: "same-origin", headers: headers() }).then(function (r) {
      if (r.status === 401 || r.status === 403) return null;
      if (!r.ok) throw new Error("session " + r.status);
      return r.json();
    });
  }
  function backoff(item) { return Math.min(MAX_BACKOFF_MS, 5000 * Math.pow(2, Math.max(0, item.attempts - 1))); }

  function sendOne(item, csrf) {
    if (item.kind === "attachment") {  // a file: multipart to the attachments API, idempotent by its client_id
      var data = new FormData();
      Object.keys(item.payload).forEach(function (k) { data.append(k, item.payload[k]); });
      data.append("file", item.blob, item.file_name || "field-upload");
      return fetch(cfg.attachments, {
        method: "POST", credentials: "same-origin", body: data,
        headers: headers({ "X-CSRFToken": csrf })
      }).then(function (r) {
        return r.json().catch(function () { return {}; }).then(function (body) {
          if (r.status === 200 || r.status === 201) body = { status: "sent", id: body.id, notes: [] };
          return { status: r.status, body: body };
        });
      });
    }
    return fetch(cfg.sync, {
      method: "POST", credentials: "same-origin",
      headers: headers({ "Content-Type": "application/json", "X-CSRFToken": csrf }),
      body: JSON.stringify({ kind: item.kind, pack_generated_at: item.pack_generated_at || "", item: item.payload })
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (body) { return { status: r.status, body: body }; });
    });
  }

  function sync() {
    if (syncing) return syncing;
    if (!navigator.onLine) return Promise.resolve("offline");  // the "online" event tries again
    syncing = S.queue().then(function (items) {
      var pending = items.filter(function (i) { return i.state === "pending"; });
      if (!pending.length) return "idle";
      return session().then(function (who) {
        if (!who) return S.set("needLogin", true).then(function () { emit(); return "login"; });
        return S.set("needLogin", false).then(function () {
          var csrf = who.csrf || cookie("csrftoken");
          var chain = Promise.resolve("sent");
          pending.forEach(function (item) {
            chain = chain.then(function (so_far) {
              if (so_far !== "sent") return so_far;  // stopped: keep the order, try later
              if (item.next_try_at && new Date(item.next_try_at) > new Date()) return "later";
              return sendOne(item, csrf).then(function (res) {
                if (res.status === 200 || res.status === 201) {
                  item.state = res.body.status === "conflict" ? "conflict" : "sent";
                  item.notes = res.body.notes || []; item.errors = {}; item.server_id = res.body.id;
                  if (item.blob) { delete item.blob; }  // sent: the file no longer stays on the device
                  item.sent_at = new Date().toISOString();
                  return S.put(item).then(function () { return "sent"; });
                }
                if (res.status === 400) {
                  item.state = "refused";
                  var error = res.body.error || {};
                  item.errors = error.fields || { "": [error.message || "요청을 처리할 수 없습니다."] };
                  return S.put(item).then(function () { return "sent"; });
                }
                if (res.status === 401 || res.status === 403) {
                  return S.set("needLogin", true).then(function () { return "login"; });
                }
                throw new Error("server " + res.status);
              }).catch(function () {
                item.attempts = (item.attempts || 0) + 1;
                item.next_try_at = new Date(Date.now() + backoff(item)).toISOString();
                return S.put(item).then(function () {
                  clearTimeout(retryTimer);
                  retryTimer = setTimeout(sync, backoff(item));
                  return "later";
                });
              });
            });
          });
          return chain;
        });
      });
    }).catch(function () { return "error"; }).then(function (result) { syncing = null; emit(); return result; });
    return syncing;
  }

  // --- The header's badge -------------------------------------------------------------------------------------
  function badge() {
    var el = document.getElementById("field-status");
    if (!el) return;
    Promise.all([S.queue(), S.get("needLogin")]).then(function (got) {
      var items = got[0], waiting = items.filter(function (i) { return i.state === "pending"; }).length;
      var check = items.filter(function (i) { return i.state === "refused"; }).length;
      var parts = [];
      if (waiting) parts.push("전송 대기 " + waiting);
      if (check) parts.push("확인 필요 " + check);
      if (!navigator.onLine) parts.unshift("오프라인");
      el.textContent = parts.length ? parts.join(" · ") : "현장";
      el.hidden = false;
    }).catch(function () {});
  }

  // --- Drafts of the visit form (online) ----------------------------------------------------------------------
  var VISIT_FORM = /^\/households\/(\d+)\/visits\/new\/?$/, HOUSEHOLD = /^\/households\/(\d+)\/?$/;
  function formValues(form) {
    var out = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.name === "csrfmiddlewaretoken" || el.type === "password" || el.type === "file") return;
      if (el.type === "checkbox" || el.type === "radio") { if (el.checked) (out[el.name] = out[el.name] || []).push(el.value); }
      else out[el.name] = el.value;
    });
    return out;
  }
  function fill(form, values) {
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || !(el.name in values) || el.name === "csrfmiddlewaretoken") return;
      var v = values[el.name];
      if (el.type === "checkbox" || el.type === "radio") el.checked = Array.isArray(v) && v.indexOf(el.value) >= 0;
      else el.value = v;
    });
  }
  function draftVisitForm() {
    var match = location.pathname.match(VISIT_FORM);
    var note = document.querySelector("form textarea[name=observations]");
    if (!match || !note) return;
    var form = note.form, key = "visit:" + location.pathname, timer = null;
    S.draft(key).then(function (draft) {
      var bound = form.querySelector(".errorlist");
      if (draft && !bound && !note.value) {
        fill(form, draft.values);
        var notice = document.createElement("p");
        notice.className = "field-banner warn";
        notice.id = "draft-restored";
        notice.textContent = "저장하지 않은 입력을 되살렸습니다 (" + new Date(draft.saved_at).toLocaleString("ko-KR") + "). ";
        var clear = document.createElement("button");
        clear.type = "button"; clear.className = "link"; clear.textContent = "지우기";
        clear.addEventListener("click", function () { S.dropDraft(key); form.reset(); notice.remove(); });
        notice.appendChild(clear);
        form.parentNode.insertBefore(notice, form);
      }
    });
    form.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { S.saveDraft(key, { values: formValues(form), saved_at: new Date().toISOString() }); }, 300);
    });
    form.addEventListener("submit", function () {
      S.saveDraft(key, { values: formValues(form), saved_at: new Date().toISOString(), submitted: true });
    });
  }
  function dropSavedDrafts() {
    var match = location.pathname.match(HOUSEHOLD);
    if (!match) return;
    remember(parseInt(match[1], 10));
    if (document.querySelector(".messages .success")) S.dropDraft("visit:/households/" + match[1] + "/visits/new/");
  }

  // --- Logout ---------------------------------------------------------------------------------------------------
  function guardLogout() {
    var form = document.querySelector("form[data-logout]");
    if (!form) return;
    form.addEventListener("submit", function (event) {
      if (form.dataset.confirmed) return;
      event.preventDefault();
      var timeout = new Promise(function (resolve) { setTimeout(resolve, 5000); });
      Promise.race([sync(), timeout]).then(S.queue).then(function (items) {
        var unsent = items.filter(function (i) { return i.state === "pending" || i.state === "refused"; }).length;
        if (unsent && !window.confirm("보내지 못한 현장 기록이 " + unsent + "건 있습니다. 로그아웃하면 이 기기에서 지워집니다. 그래도 로그아웃할까요?")) return null;
        return S.wipe().then(function () { localStorage.removeItem("field.opened"); return true; });
      }).catch(function () { return S.wipe().then(function () { return true; }); }).then(function (go) {
        if (go) { form.dataset.confirmed = "1"; form.submit(); }
      });
    });
  }

  window.Field = { store: S, sync: sync, download: download, emit: emit, config: cfg };

  function start() {
    if ("serviceWorker" in navigator && cfg.sw) navigator.serviceWorker.register(cfg.sw, { scope: "/" }).catch(function () {});
    guardLogout();
    draftVisitForm();
    dropSavedDrafts();
    expireOldPack().then(function () {
      if (!navigator.onLine) return;
      return S.get("pack").then(function (pack) {
        var old = !pack || (Date.now() - new Date(pack.received_at || pack.generated_at).getTime()) > REFRESH_MS;
        if (old) return download().catch(function () {});
      });
    }).then(sync).catch(function () {});
    badge();
    window.addEventListener("online", function () { sync(); badge(); });
    window.addEventListener("offline", badge);
    setInterval(function () { if (navigator.onLine) sync(); }, 60 * 1000);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start); else start();
})();

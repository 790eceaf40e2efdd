/* The field app's storage on the device (IndexedDB "dong-welfare-field"):
 *   kv      — the field pack ("pack") and small state ("needLogin");
 *   queue   — items typed offline, in the order typed (key: client_id; seq orders them);
 *   drafts  — forms as they are typed (key: the form's key), so a closed tab or an expired session loses nothing.
 * Everything is wiped on logout (after asking when unsent items remain) and the pack after OFFLINE_PACK_HOURS. */
(function () {
  "use strict";
  var DB = "dong-welfare-field", VERSION = 1, opening = null;

  function open() {
    if (opening) return opening;
    opening = new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB, VERSION);
      request.onupgradeneeded = function () {
        var db = request.result;
        if (!db.objectStoreNames.contains("kv")) db.createObjectStore("kv");
        if (!db.objectStoreNames.contains("queue")) db.createObjectStore("queue", { keyPath: "client_id" });
        if (!db.objectStoreNames.contains("drafts")) db.createObjectStore("drafts");
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { opening = null; reject(request.error); };
    });
    return opening;
  }

  function run(store, mode, work) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(store, mode), result;
        tx.oncomplete = function () { resolve(result); };
        tx.onerror = function () { reject(tx.error); };
        tx.onabort = function () { reject(tx.error); };
        var request = work(tx.objectStore(store));
        if (request) request.onsuccess = function () { result = request.result; };
      });
    });
  }

  var store = {
    get: function (key) { return run("kv", "readonly", function (s) { return s.get(key); }); },
    set: function (key, value) { return run("kv", "readwrite", function (s) { return s.put(value, key); }); },
    del: function (key) { return run("kv", "readwrite", function (s) { return s.delete(key); }); },
    queue: function () {
      return run("queue", "readonly", function (s) { return s.getAll(); }).then(function (items) {
        return (items || []).sort(function (a, b) { return a.seq - b.seq; });
      });
    },
    put: function (item) { return run("queue", "readwrite", function (s) { return s.put(item); }); },
    add: function (kind, payload, meta) {
      var item = Object.assign({ client_id: payload.client_id, kind: kind, payload: payload, state: "pending",
                                 seq: Date.now() + Math.random(), attempts: 0, created_at: new Date().toISOString(),
                                 notes: [], errors: {} }, meta || {});
      return store.put(item).then(function () { return item; });
    },
    draft: function (key) { return run("drafts", "readonly", function (s) { return s.get(key); }); },
    saveDraft: function (key, value) { return run("drafts", "readwrite", function (s) { return s.put(value, key); }); },
    dropDraft: function (key) { return run("drafts", "readwrite", function (s) { return s.delete(key); }); },
    wipe: function () {
      return open().then(function (db) {
        db.close(); opening = null;
        return new Promise(function (resolve) {
          var request = indexedDB.deleteDatabase(DB);
          request.onsuccess = request.onerror = request.onblocked = function () { resolve(); };
        });
      });
    },
    uuid: function () {
      if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
      var b = crypto.getRandomValues(new Uint8Array(16));
      b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
      var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
      return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
    }
  };
  window.FieldStore = store;
})();

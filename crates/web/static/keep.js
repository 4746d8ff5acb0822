// Figures kept on this device until they are sent: one record per form and account in the
// browser's IndexedDB, read by the pages (app.js) and the service worker (sw.js) alike.
// A record: { key: "<user> <form path>", user, form, title, values: [{indicator, value, status,
// note, base}], kept_at, changed: [...] (figures changed meanwhile, to decide), refused:
// text (why the server would not take them yet) }.
var keep = (function () {
  var NAME = "solieu", STORE = "kept";
  function open() {
    return new Promise(function (resolve, reject) {
      var req = indexedDB.open(NAME, 1);
      req.onupgradeneeded = function () { req.result.createObjectStore(STORE, { keyPath: "key" }); };
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
  }
  function run(mode, work) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(STORE, mode);
        var out = work(tx.objectStore(STORE));
        tx.oncomplete = function () { db.close(); resolve(out instanceof IDBRequest ? out.result : out); };
        tx.onerror = function () { db.close(); reject(tx.error); };
      });
    });
  }
  function key(user, form) { return user + " " + form; }
  // The figures of a submitted form (its fields as [name, value] pairs): each typed figure
  // with its status, note and the revision it was typed against.
  function figures(pairs) {
    var get = function (name) {
      for (var i = 0; i < pairs.length; i++) if (pairs[i][0] === name) return pairs[i][1];
      return null;
    };
    var out = [];
    pairs.forEach(function (p) {
      if (p[0].indexOf("value:") !== 0 || String(p[1]).trim() === "") return;
      var code = p[0].slice(6);
      out.push({
        indicator: code,
        value: String(p[1]).trim(),
        status: get("status:" + code),
        note: get("note:" + code) || "",
        base: parseInt(get("base:" + code) || "0", 10) || 0
      });
    });
    return out;
  }
  return {
    // Cache of the pages kept for use without the network.
    PAGES: "solieu-pages-1",
    figures: figures,
    get: function (user, form) {
      return run("readonly", function (s) { return s.get(key(user, form)); });
    },
    all: function (user) {
      return run("readonly", function (s) { return s.getAll(); }).then(function (all) {
        return (all || []).filter(function (r) { return r.user === user; });
      });
    },
    put: function (record) {
      record.key = key(record.user, record.form);
      return run("readwrite", function (s) { s.put(record); });
    },
    remove: function (user, form) {
      return run("readwrite", function (s) { s.delete(key(user, form)); });
    },
    // Keeps a form's figures, over what was kept of it before (a figure typed again
    // replaces the earlier one, keeping the revision the first was typed against).
    save: function (user, form, values, title) {
      return this.get(user, form).then(function (old) {
        var record = old || { user: user, form: form, values: [], changed: [] };
        if (title) record.title = title;
        values.forEach(function (v) {
          var before = record.values.filter(function (o) { return o.indicator === v.indicator; })[0];
          if (before) {
            v.base = before.base;
            record.values.splice(record.values.indexOf(before), 1);
          }
          record.values.push(v);
        });
        record.kept_at = new Date().toISOString();
        record.refused = "";
        return keep.put(record).then(function () { return record; });
      });
    }
  };
})();

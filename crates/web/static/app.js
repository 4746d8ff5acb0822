// Checks each figure as it is typed, read as the server reads it (readTyped, below):
// Vietnamese style (1.234,5) or a number that reads only with a point (1234.5). The server
// checks again on save with the import's rules; this only spares a round trip.
(function () {
  document.querySelectorAll("input.num").forEach(function (input) {
    input.addEventListener("input", function () {
      var bad = input.value.trim() !== "" && readTyped(input.value) === null;
      input.classList.toggle("bad", bad);
      input.setCustomValidity(bad ? "1.234,5" : "");
    });
  });
})();

// As the clerk types, the server runs the save's own checks (the import's rules) without
// saving, and each problem is shown under its field.
(function () {
  var form = document.getElementById("entry");
  if (!form || !form.dataset.check || !window.fetch) return;
  var en = document.documentElement.lang === "en";
  var timer;
  function show(problems) {
    form.querySelectorAll(".check").forEach(function (e) { e.textContent = ""; });
    form.querySelectorAll("input.num").forEach(function (i) { i.classList.remove("bad"); });
    problems.forEach(function (p) {
      var text = (en ? p.message_en : p.message_vi) + ((en ? p.hint_en : p.hint_vi) ? " (" + (en ? p.hint_en : p.hint_vi) + ")" : "");
      var input = document.getElementById("value-" + p.column);
      var slot = document.getElementById("check-" + p.column) || document.getElementById("check-all");
      if (input) input.classList.add("bad");
      if (slot) slot.textContent = (slot.textContent ? slot.textContent + " " : "") + text;
    });
  }
  function check() {
    var values = [];
    form.querySelectorAll("input.num").forEach(function (i) {
      if (i.disabled || i.value.trim() === "") return;
      var code = i.name.slice("value:".length);
      var status = form.querySelector('[name="status:' + code + '"]');
      values.push({ indicator: code, value: i.value, status: status ? status.value : null });
    });
    var csrf = form.querySelector('[name="csrf"]').value;
    fetch(form.dataset.check, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify({ values: values })
    }).then(function (r) {
      return r.json().then(function (body) { show(r.ok ? [] : (body.problems && body.problems.length ? body.problems : [{ column: "", message_vi: body.message_vi, message_en: body.message_en }])); });
    }).catch(function () { form.dispatchEvent(new Event("solieu:unchecked")); });
  }
  form.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(check, 400);
  });
})();

// "Back" on an error page: the page before it, when there is one (the policy forbids a
// javascript: link, so the link goes home without this script).
(function () {
  document.querySelectorAll("a.back").forEach(function (a) {
    a.addEventListener("click", function (e) {
      if (history.length > 1) {
        e.preventDefault();
        history.back();
      }
    });
  });
})();

// A table wider than the screen says so above it (the body's data-scroll-hint, in the page's
// language), and its edges shade where columns are hidden: on a phone nothing else shows
// that a table scrolls.
(function () {
  var hint = document.body.getAttribute("data-scroll-hint") || "";
  // A recorded report's wide tables and charts scroll in boxes of their own (the report's
  // HTML stands alone too): they are told the same way.
  document.querySelectorAll(".document .wide").forEach(function (box) { box.classList.add("scroll"); });
  function mark() {
    document.querySelectorAll(".scroll").forEach(function (box) {
      var wide = box.scrollWidth > box.clientWidth + 1;
      box.classList.toggle("overflows", wide);
      if (wide) box.setAttribute("data-hint", hint);
    });
  }
  mark();
  window.addEventListener("resize", mark);
})();

// The portal's A− / A+: three steps either side of the usual size, kept for the next visit.
// A class on <html>, not a style attribute: the policy allows no inline style.
(function () {
  var buttons = document.querySelectorAll("[data-text-size]");
  if (!buttons.length) return;
  var root = document.documentElement;
  var step = 0;
  try { step = parseInt(localStorage.getItem("text-size") || "0", 10) || 0; } catch (e) {}
  function apply() {
    for (var i = -3; i <= 3; i++) root.classList.remove("text-size" + i);
    root.classList.add("text-size" + step);
    try { localStorage.setItem("text-size", String(step)); } catch (e) {}
  }
  apply();
  buttons.forEach(function (b) {
    b.addEventListener("click", function () {
      step = Math.max(-3, Math.min(3, step + parseInt(b.getAttribute("data-text-size"), 10)));
      apply();
    });
  });
})();

// The workbook to send: our button stands for the browser's file input (whose words are in
// the browser's language), and the chosen file is named beside it.
(function () {
  document.querySelectorAll("label.file").forEach(function (label) {
    var input = label.querySelector("input[type=file]");
    var chosen = label.querySelector(".chosen");
    function name() {
      chosen.textContent = input.files && input.files.length ? input.files[0].name : chosen.getAttribute("data-none");
    }
    name();
    input.addEventListener("change", name);
  });
})();

// "In lịch": the browser's print dialog (no inline handler: the policy forbids it).
(function () {
  document.querySelectorAll("[data-print]").forEach(function (b) {
    b.addEventListener("click", function () { window.print(); });
  });
})();

// A figure as a clerk types it, read as the server reads a form's figure
// (solieu_core::number::read_typed): the Vietnamese way first ("1.234" is 1234, "1,5" is
// 1.5), a decimal point only where nothing else fits ("1234.5"). The exact decimal as
// plain text ("1234.5"), or null when it is no number.
var readTyped = (function () {
  function readWith(body, thousands, decimal) {
    var cut = body.indexOf(decimal);
    var whole = cut < 0 ? body : body.slice(0, cut);
    var frac = cut < 0 ? null : body.slice(cut + 1);
    if (frac !== null && !/^[0-9]+$/.test(frac)) return null;
    if (whole === "") return null;
    for (var i = 0; i < whole.length; i++) {
      if (!/[0-9]/.test(whole[i]) && whole[i] !== thousands) return null;
    }
    var groups = whole.split(thousands);
    if (groups.length > 1) {
      if (groups[0].length < 1 || groups[0].length > 3) return null;
      for (var g = 1; g < groups.length; g++) if (groups[g].length !== 3) return null;
    }
    var digits = groups.join("");
    if (digits.length + (frac === null ? 0 : frac.length + 1) > 28) return null;
    digits = digits.replace(/^0+(?=[0-9])/, "");
    frac = frac === null ? "" : frac.replace(/0+$/, "");
    return frac ? digits + "." + frac : digits;
  }
  return function (text) {
    var s = String(text).trim().replace(/[ \u00a0\u202f]/g, "");
    if (s === "") return null;
    var negative = s[0] === "-" || s[0] === "\u2212";
    var body = negative || s[0] === "+" ? s.slice(1) : s;
    var read = readWith(body, ".", ",");
    if (read === null) read = readWith(body, ",", ".");
    if (read === null) return null;
    return negative && read !== "0" ? "-" + read : read;
  };
})();

// Entry without the network. The service worker (/sw.js) keeps the entry page and the
// forms listed there; a form saved offline is kept on the device (keep.js) and sent to
// /api/v1/forms/…/offline once the network is back, each figure with the revision it was
// typed against. A figure someone changed meanwhile comes back with both values and the
// clerk chooses; nothing is overwritten unseen and nothing is lost.
(function () {
  var user = document.body.getAttribute("data-user");
  var texts = document.getElementById("offline-texts");
  if (!user || !texts || !window.indexedDB || !window.fetch || typeof keep === "undefined") return;
  var status = document.getElementById("offline-status");
  var csrfMeta = document.querySelector('meta[name="csrf-token"]');
  var form = document.getElementById("entry");
  var here = location.pathname;
  function say(name, args) {
    var text = texts.getAttribute("data-" + name) || "";
    Object.keys(args || {}).forEach(function (k) { text = text.split("{" + k + "}").join(args[k]); });
    return text;
  }
  function line(text, cls) {
    var p = document.createElement("p");
    p.className = cls || "notice";
    p.textContent = text;
    status.appendChild(p);
    return p;
  }
  // As the server writes times (solieu_core::format::date_time_vi): Vietnam's, whatever
  // the device's own time zone.
  function time(iso) {
    var parts = {};
    new Intl.DateTimeFormat("en-GB", {
      timeZone: "Asia/Ho_Chi_Minh", day: "2-digit", month: "2-digit", year: "numeric",
      hour: "2-digit", minute: "2-digit", hourCycle: "h23"
    }).formatToParts(new Date(iso)).forEach(function (p) { parts[p.type] = p.value; });
    return parts.day + "/" + parts.month + "/" + parts.year + " " + parts.hour + ":" + parts.minute;
  }

  if ("serviceWorker" in navigator) navigator.serviceWorker.register("/sw.js").catch(function () {});

  // The entry page: keep every form this account fills in, with the page itself.
  if (here === "/entry" && navigator.onLine && window.caches) {
    var urls = ["/entry"];
    document.querySelectorAll("a[data-offline]").forEach(function (a) { urls.push(a.getAttribute("href")); });
    caches.open(keep.PAGES).then(function (c) {
      return Promise.all(urls.map(function (u) {
        return fetch(u, { credentials: "same-origin" }).then(function (r) {
          if (r.ok && !r.redirected) return c.put(u, r);
        }).catch(function () {});
      }));
    });
  }
  // Signing out: this person's pages leave the device; figures not yet sent stay, theirs.
  document.querySelectorAll('form[action="/logout"]').forEach(function (f) {
    f.addEventListener("submit", function () { if (window.caches) caches.delete(keep.PAGES); });
  });

  // The checks of the server's rules, on the device, when the server cannot be asked.
  var checks = form && form.getAttribute("data-checks") ? JSON.parse(form.getAttribute("data-checks")) : { rules: [], beside: {} };
  function figureOf(code) {
    var input = document.getElementById("value-" + code);
    if (input && input.value.trim() !== "") {
      var read = readTyped(input.value);
      return read === null ? null : parseFloat(read);
    }
    return code in checks.beside ? parseFloat(checks.beside[code]) : null;
  }
  function evaluate(e) {
    if (typeof e === "string") return parseFloat(e);
    if (!Array.isArray(e)) {
      var v = figureOf(e.i);
      if (v === null) throw new Error("missing");
      return v;
    }
    if (e.length === 2) return -evaluate(e[1]);
    var a = evaluate(e[1]), b = evaluate(e[2]);
    if (e[0] === "+") return a + b;
    if (e[0] === "-") return a - b;
    if (e[0] === "*") return a * b;
    if (b === 0) throw new Error("division by zero");
    return a / b;
  }
  function holds(op, l, r, tolerance) {
    var t = tolerance + 1e-9 * Math.max(1, Math.abs(l), Math.abs(r));
    if (op === "==") return Math.abs(l - r) <= t;
    if (op === "!=") return Math.abs(l - r) > t;
    if (op === "<") return l < r;
    if (op === "<=") return l <= r + t;
    if (op === ">") return l > r;
    return l + t >= r;
  }
  function checkHere() {
    if (!form) return true;
    var problems = {};
    function add(code, text, blocks) {
      (problems[code] = problems[code] || []).push({ text: text, blocks: blocks });
    }
    form.querySelectorAll("input.num").forEach(function (input) {
      if (input.disabled || input.value.trim() === "") return;
      var code = input.id.slice("value-".length);
      var read = readTyped(input.value);
      if (read === null) add(code, say("not-number"), true);
      else if (input.hasAttribute("data-whole") && read.indexOf(".") >= 0) add(code, say("whole"), true);
    });
    checks.rules.forEach(function (rule) {
      var l, r;
      try { l = evaluate(rule.left); r = evaluate(rule.right); } catch (e) { return; }
      if (holds(rule.operator, l, r, parseFloat(rule.tolerance))) return;
      [rule.left, rule.right].forEach(function walk(e) {
        if (Array.isArray(e)) e.slice(1).forEach(walk);
        else if (e && e.i && document.getElementById("value-" + e.i)) add(e.i, rule.message[document.documentElement.lang === "en" ? "en" : "vi"], rule.blocks);
      });
    });
    var ok = true;
    form.querySelectorAll("input.num").forEach(function (input) {
      var code = input.id.slice("value-".length);
      var found = problems[code] || [];
      var slot = document.getElementById("check-" + code);
      if (slot) slot.textContent = found.map(function (p) { return p.text; }).join(" ");
      var blocking = found.some(function (p) { return p.blocks; });
      input.classList.toggle("bad", found.length > 0);
      input.setCustomValidity(blocking ? found[0].text : "");
      if (blocking) ok = false;
    });
    return ok;
  }
  if (form) {
    form.addEventListener("input", function () { if (!navigator.onLine) checkHere(); });
    form.addEventListener("solieu:unchecked", checkHere);
    // Saved without the network: kept here, and said so; the server is not asked.
    form.addEventListener("submit", function (event) {
      if (navigator.onLine) return;
      event.preventDefault();
      if (!checkHere()) { form.reportValidity(); return; }
      var pairs = [];
      new FormData(form).forEach(function (v, k) { pairs.push([k, v]); });
      keep.save(user, here, keep.figures(pairs), form.getAttribute("data-title")).then(showRecord);
    });
  }

  function offlineNotice() {
    var old = document.getElementById("no-network");
    if (navigator.onLine) { if (old) old.remove(); return; }
    if (!old) line(say("offline"), "notice offline").id = "no-network";
  }

  // What is kept for this form: its figures back in their fields, and where they stand.
  function showRecord(record) {
    if (!form || !record) return;
    // Kept by the service worker, which does not know the form's name.
    if (!record.title) {
      record.title = form.getAttribute("data-title");
      keep.put(record);
    }
    record.values.forEach(function (v) {
      var input = document.getElementById("value-" + v.indicator);
      if (input && !input.disabled) input.value = v.value;
      var st = document.getElementById("status-" + v.indicator);
      if (st && v.status) st.value = v.status;
      var note = document.getElementById("note-" + v.indicator);
      if (note) note.value = v.note || "";
    });
    var old = document.getElementById("kept");
    if (old) old.remove();
    var kept = line(say("kept", { count: record.values.length, time: time(record.kept_at) }), "notice kept");
    kept.id = "kept";
    if (record.refused) line(say("refused", { form: record.title || record.form, reason: record.refused }), "error");
    if (record.changed && record.changed.length) changedPanel(record);
  }

  // Each figure changed meanwhile, with both values; the clerk keeps theirs or takes the
  // server's, and the form's figures go once every one is decided.
  function changedPanel(record) {
    var panel = document.getElementById("changed-panel");
    if (!panel) return;
    panel.hidden = false;
    panel.className = "changed";
    panel.textContent = "";
    var head = document.createElement("p");
    head.className = "error";
    head.textContent = say("changed", { count: record.changed.length });
    panel.appendChild(head);
    var list = document.createElement("ul");
    panel.appendChild(list);
    record.changed.forEach(function (c) {
      var item = document.createElement("li");
      item.id = "changed-" + c.indicator;
      var name = document.createElement("b");
      name.textContent = c.name;
      item.appendChild(name);
      [[say("yours"), c.yours], [say("theirs", { by: c.by, at: c.at }), c.theirs]].forEach(function (pair) {
        var row = document.createElement("span");
        row.className = "figure";
        row.textContent = pair[0] + ": ";
        var figure = document.createElement("strong");
        figure.textContent = pair[1];
        row.appendChild(figure);
        item.appendChild(row);
      });
      var choices = document.createElement("span");
      choices.className = "choices";
      item.appendChild(choices);
      var mine = document.createElement("button");
      mine.type = "button";
      mine.className = "keep-mine";
      mine.textContent = say("keep-mine");
      var theirs = document.createElement("button");
      theirs.type = "button";
      theirs.className = "take-theirs secondary";
      theirs.textContent = say("take-theirs");
      choices.appendChild(mine);
      choices.appendChild(theirs);
      list.appendChild(item);
      function decide(keepMine) {
        record.changed = record.changed.filter(function (o) { return o.indicator !== c.indicator; });
        record.values = record.values.filter(function (v) {
          if (v.indicator !== c.indicator) return true;
          v.base = c.revision;
          return keepMine;
        });
        if (!keepMine) {
          var input = document.getElementById("value-" + c.indicator);
          if (input) input.value = c.theirs;
        }
        item.remove();
        var done = record.values.length === 0 ? keep.remove(user, record.form) : keep.put(record);
        done.then(function () {
          if (!record.changed.length) { panel.hidden = true; send(); }
        });
      }
      mine.addEventListener("click", function () { decide(true); });
      theirs.addEventListener("click", function () { decide(false); });
    });
  }

  // Sends what is kept, form by form. A refusal keeps the figures, saying why.
  var sending = false;
  function send() {
    if (!navigator.onLine || sending) return;
    sending = true;
    keep.all(user).then(function (records) {
      var ready = records.filter(function (r) { return !(r.changed && r.changed.length); });
      return ready.reduce(function (chain, record) {
        return chain.then(function () { return sendOne(record); });
      }, Promise.resolve()).then(function () { return keep.all(user); });
    }).then(listElsewhere).catch(function () {}).then(function () { sending = false; });
  }
  function sendOne(record) {
    var api = "/api/v1" + record.form + "/offline";
    return fetch(api, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrfMeta ? csrfMeta.content : "" },
      body: JSON.stringify({ values: record.values })
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (body) {
        var en = document.documentElement.lang === "en";
        if (r.ok) {
          var said = say("sent", { count: record.values.length, form: record.title || record.form, added: body.values_added, changed: body.values_changed, unchanged: body.values_unchanged });
          return keep.remove(user, record.form).then(function () {
            if (record.form === here) {
              // The form again from the server, with the figures' new revisions.
              try { sessionStorage.setItem("solieu-sent", said); } catch (e) {}
              location.replace(here);
            } else {
              line(said).className = "notice sent";
            }
          });
        }
        if (r.status === 401 || r.status === 403) {
          line(say("sign-in", { count: record.values.length }), "error").id = "sign-in-again";
          throw new Error("signed out");
        }
        if (r.status === 409 && body.changed) {
          record.changed = body.changed;
          return keep.put(record).then(function () { if (record.form === here) changedPanel(record); });
        }
        if (r.status >= 400 && r.status < 500) {
          var problems = (body.problems || []).map(function (p) { return (en ? p.message_en : p.message_vi) + (p.value ? " (" + p.value + ")" : ""); });
          record.refused = [en ? body.message_en : body.message_vi].concat(problems).join(" ");
          return keep.put(record).then(function () { line(say("refused", { form: record.title || record.form, reason: record.refused }), "error"); });
        }
      });
    }).catch(function (e) { if (e && e.message === "signed out") throw e; });
  }

  // On any other page: the forms whose kept figures wait for a choice, linked.
  function listElsewhere(records) {
    var waiting = (records || []).filter(function (r) { return r.form !== here && r.changed && r.changed.length; });
    var box = document.getElementById("kept-list");
    if (box) {
      var ul = box.querySelector("ul");
      ul.textContent = "";
      records.forEach(function (r) {
        var li = document.createElement("li");
        var a = document.createElement("a");
        a.href = r.form;
        a.textContent = r.title || r.form;
        li.appendChild(a);
        li.appendChild(document.createTextNode(" · " + say("kept", { count: r.values.length, time: time(r.kept_at) })));
        ul.appendChild(li);
      });
      box.hidden = records.length === 0;
    }
    if (waiting.length) {
      var p = line(say("changed-elsewhere", { count: waiting.reduce(function (n, r) { return n + r.changed.length; }, 0) }), "error");
      waiting.forEach(function (r) {
        var a = document.createElement("a");
        a.href = r.form;
        a.textContent = " " + (r.title || r.form);
        p.appendChild(a);
      });
    }
  }

  try {
    var sent = sessionStorage.getItem("solieu-sent");
    if (sent) { sessionStorage.removeItem("solieu-sent"); line(sent).className = "notice sent"; }
  } catch (e) {}
  offlineNotice();
  window.addEventListener("offline", offlineNotice);
  window.addEventListener("online", function () { offlineNotice(); send(); });
  (form ? keep.get(user, here).then(showRecord) : Promise.resolve()).then(send);
})();

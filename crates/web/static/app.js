// Checks each figure as it is typed: Vietnamese style (1.234,5) or a plain number (1234.5).
// The server checks again on save with the import's rules; this only spares a round trip.
(function () {
  var ok = /^\s*-?(\d{1,3}(\.\d{3})+|\d+)(,\d+)?\s*$|^\s*-?\d+(\.\d+)?\s*$/;
  document.querySelectorAll("input.num").forEach(function (input) {
    input.addEventListener("input", function () {
      var bad = input.value.trim() !== "" && !ok.test(input.value);
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
    }).catch(function () {});
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

// Đảng vụ — optional enhancements; every page works without this file.
// 1. Forms marked data-live update their results region as the user types (debounced).
// 2. The organization picker on inputs marked data-picker (suggestions from /units/search).
// 3. Offline reading: the service worker (sw.js), "keep for offline" buttons, an offline class.
(function () {
  "use strict";
  function debounce(fn, ms) {
    var t;
    return function () { var a = arguments; clearTimeout(t); t = setTimeout(function () { fn.apply(null, a); }, ms); };
  }
  function formQuery(form) {
    var params = new URLSearchParams();
    new FormData(form).forEach(function (v, k) { if (String(v).trim() !== "") params.append(k, v); });
    return params.toString();
  }
  document.querySelectorAll("form[data-live]").forEach(function (form) {
    var target = document.getElementById(form.getAttribute("data-live"));
    if (!target) return;
    var seq = 0;
    var update = debounce(function () {
      var qs = formQuery(form);
      var url = form.getAttribute("action") + (qs ? "?" + qs : "");
      var mine = ++seq;
      fetch(url, { headers: { "Accept": "text/html" } }).then(function (r) { return r.text(); }).then(function (html) {
        if (mine !== seq) return;
        var doc = new DOMParser().parseFromString(html, "text/html");
        var fresh = doc.getElementById(target.id);
        if (fresh) { target.innerHTML = fresh.innerHTML; history.replaceState(null, "", url); }
      }).catch(function () {});
    }, 350);
    // A unit being typed in the organization picker updates the results once it is picked.
    var unlessPicking = function (ev) { if (!(ev.target && ev.target.hasAttribute("data-picker"))) update(); };
    form.addEventListener("input", unlessPicking);
    form.addEventListener("change", unlessPicking);
  });
  // The organization picker (ARIA 1.2 combobox with a listbox popup): type a name or a code,
  // Down/Up move through the suggestions, Enter picks (and does not submit while the list is
  // open), Esc closes. The visible field shows the chosen unit's name and path; its id goes into
  // the hidden input of the field's own name. Without this script the server reads the text.
  var pickers = 0;
  document.querySelectorAll("input[data-picker]").forEach(function (input) {
    var box = input.closest("[data-picker-box]");
    var hidden = box && box.querySelector("input[data-picker-id]");
    if (!box || !hidden) return;
    var n = ++pickers;
    var list = document.createElement("ul");
    list.className = "suggest";
    list.id = input.id + "-list";
    list.hidden = true;
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "Tổ chức gợi ý");
    box.appendChild(list);
    var status = document.createElement("span");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    box.appendChild(status);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);
    var active = -1;
    var seq = 0;
    function options() { return list.querySelectorAll("[role=option]"); }
    function close() {
      list.hidden = true;
      active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }
    function open() {
      if (options().length === 0) return;
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }
    function highlight(i) {
      var opts = options();
      if (opts.length === 0) return;
      active = (i + opts.length) % opts.length;
      opts.forEach(function (o, k) { o.setAttribute("aria-selected", k === active ? "true" : "false"); });
      input.setAttribute("aria-activedescendant", opts[active].id);
      opts[active].scrollIntoView({ block: "nearest" });
    }
    function pick(opt) {
      input.value = opt.getAttribute("data-label");
      hidden.value = opt.getAttribute("data-id");
      box.parentNode.querySelectorAll("input[type=radio][name='" + hidden.name + "']").forEach(function (r) { r.checked = false; });
      close();
      hidden.dispatchEvent(new Event("change", { bubbles: true }));
      input.focus();
    }
    function offer() {
      var kind = input.form && input.form.elements.namedItem("kind");
      var transferKind = input.getAttribute("data-transfer-kind");
      if (transferKind && kind && kind.value !== transferKind) return "register";
      return input.getAttribute("data-offer") || "register";
    }
    var lookup = debounce(function () {
      var q = input.value.trim();
      var mine = ++seq;
      if (q.length < 2) { list.innerHTML = ""; close(); return; }
      var membersOnly = offer() === "register" ? (input.getAttribute("data-members-only") || "") : "";
      var url = "/units/search?offer=" + offer() + "&members_only=" + membersOnly + "&q=" + encodeURIComponent(q);
      fetch(url, { headers: { "Accept": "text/html" } })
        .then(function (r) { return r.ok ? r.text() : ""; })
        .then(function (html) {
          if (mine !== seq) return;
          var doc = new DOMParser().parseFromString(html, "text/html");
          list.innerHTML = "";
          doc.querySelectorAll("li[data-id]").forEach(function (li, k) {
            var opt = document.createElement("li");
            opt.id = "picker" + n + "-opt" + k;
            opt.setAttribute("role", "option");
            opt.setAttribute("aria-selected", "false");
            opt.setAttribute("data-id", li.getAttribute("data-id"));
            opt.setAttribute("data-label", li.getAttribute("data-label"));
            var name = document.createElement("span");
            name.className = "name";
            name.textContent = li.getAttribute("data-name");
            opt.appendChild(name);
            var more = document.createElement("span");
            more.className = "path";
            var path = li.getAttribute("data-path");
            more.textContent = (path ? path + " · " : "") + "mã " + li.getAttribute("data-code");
            opt.appendChild(more);
            list.appendChild(opt);
          });
          active = -1;
          input.removeAttribute("aria-activedescendant");
          var count = options().length;
          status.textContent = count === 0 ? "Không có tổ chức nào khớp." : count + " tổ chức gợi ý.";
          if (count === 0) close(); else open();
        }).catch(function () {});
    }, 250);
    input.addEventListener("input", function () { hidden.value = ""; lookup(); });
    input.addEventListener("keydown", function (ev) {
      var isOpen = !list.hidden;
      if (ev.key === "ArrowDown" || ev.key === "Down") {
        ev.preventDefault();
        if (!isOpen) { open(); if (list.hidden) { lookup(); return; } }
        highlight(active + 1);
      } else if (ev.key === "ArrowUp" || ev.key === "Up") {
        ev.preventDefault();
        if (!isOpen) open();
        highlight(active < 0 ? -1 : active - 1);
      } else if (ev.key === "Enter") {
        if (!isOpen) return;
        ev.preventDefault();
        var opts = options();
        if (active >= 0 && opts[active]) pick(opts[active]);
        else if (opts.length === 1) pick(opts[0]);
      } else if (ev.key === "Escape" || ev.key === "Esc") {
        if (isOpen) { ev.preventDefault(); close(); }
      } else if (ev.key === "Tab") {
        close();
      }
    });
    list.addEventListener("mousedown", function (ev) { ev.preventDefault(); });
    list.addEventListener("click", function (ev) {
      var opt = ev.target.closest("[role=option]");
      if (opt) pick(opt);
    });
    input.addEventListener("blur", function () { close(); });
  });
})();
// Offline reading (over HTTPS or on localhost). The service worker is told the current
// stylesheet and script so it keeps them for pages shown without a network. Buttons marked
// data-offline-save (hidden in the page) list the addresses to keep, separated by spaces; they
// are shown only when a worker can keep them. Logging out forgets everything kept.
(function () {
  "use strict";
  var root = document.documentElement;
  if (navigator.onLine === false) root.classList.add("offline");
  window.addEventListener("offline", function () { root.classList.add("offline"); });
  window.addEventListener("online", function () { root.classList.remove("offline"); });
  if (!("serviceWorker" in navigator) || !window.isSecureContext) return;
  var sw = navigator.serviceWorker;
  var css = document.querySelector('link[rel="stylesheet"]');
  var js = document.querySelector('script[src^="/static/app-"]');
  if (css && js) {
    var worker = "/sw.js?css=" + encodeURIComponent(css.getAttribute("href")) + "&js=" + encodeURIComponent(js.getAttribute("src"));
    sw.register(worker, { scope: "/" }).catch(function () {});
  }
  // Each button's note (role=status) next to it, for what it cannot do.
  function note(button, text) {
    var n = button.nextElementSibling;
    if (!n || !n.classList.contains("offline-note")) {
      n = document.createElement("span");
      n.className = "offline-note";
      n.setAttribute("role", "status");
      button.insertAdjacentElement("afterend", n);
    }
    n.textContent = text;
  }
  var buttons = [];
  document.querySelectorAll("button[data-offline-save]").forEach(function (button) {
    var urls = button.getAttribute("data-offline-save").split(/\s+/).filter(Boolean);
    if (urls.length === 0) return;
    var state = { button: button, pending: [], failed: false };
    buttons.push(state);
    button.hidden = false;
    button.addEventListener("click", function () {
      if (!sw.controller) { note(button, "Trình duyệt này không lưu được để đọc ngoại tuyến (cần HTTPS)."); return; }
      state.pending = urls.slice();
      state.failed = false;
      button.disabled = true;
      note(button, "");
      sw.controller.postMessage({ type: "save", urls: urls });
    });
  });
  // One answer per address; the button is done when all of its addresses have answered.
  sw.addEventListener("message", function (ev) {
    var data = ev.data || {};
    if (data.type !== "saved") return;
    buttons.forEach(function (state) {
      var i = state.pending.indexOf(data.url);
      if (i < 0) return;
      state.pending.splice(i, 1);
      if (!data.ok) state.failed = true;
      if (state.pending.length > 0) return;
      if (state.failed) {
        state.button.disabled = false;
        note(state.button, "Chưa lưu được, hãy thử lại khi có mạng.");
      } else {
        state.button.textContent = "Đã lưu để đọc ngoại tuyến";
      }
    });
  });
  document.querySelectorAll('form[action="/logout"]').forEach(function (form) {
    form.addEventListener("submit", function () {
      if (sw.controller) sw.controller.postMessage({ type: "clear" });
      else if (window.caches) caches.keys().then(function (keys) { keys.forEach(function (k) { caches.delete(k); }); });
    });
  });
})();

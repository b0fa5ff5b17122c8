// Đảng vụ — optional enhancements; every page works without this file.
// 1. Forms marked data-live update their results region as the user types (debounced).
// 2. Inputs marked data-unit-suggest propose units from /units/search.
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
    form.addEventListener("input", update);
    form.addEventListener("change", update);
  });
  document.querySelectorAll("input[data-unit-suggest]").forEach(function (input) {
    var list = document.createElement("ul");
    list.className = "suggest";
    list.hidden = true;
    list.setAttribute("role", "listbox");
    input.insertAdjacentElement("afterend", list);
    var lookup = debounce(function () {
      var q = input.value.trim();
      if (q.length < 2 || /^\d+$/.test(q)) { list.hidden = true; return; }
      fetch("/units/search?members_only=" + (input.getAttribute("data-unit-suggest") || "") + "&q=" + encodeURIComponent(q))
        .then(function (r) { return r.text(); })
        .then(function (html) {
          var doc = new DOMParser().parseFromString(html, "text/html");
          var items = doc.querySelectorAll("li[data-id]");
          list.innerHTML = "";
          items.forEach(function (li) { list.appendChild(document.importNode(li, true)); });
          list.hidden = items.length === 0;
        }).catch(function () {});
    }, 300);
    input.addEventListener("input", lookup);
    list.addEventListener("click", function (ev) {
      var li = ev.target.closest("li[data-id]");
      if (!li) return;
      input.value = li.getAttribute("data-id");
      list.hidden = true;
      input.focus();
    });
  });
})();

// The officer's page: results appear while typing (step 1). Everything works without it.
"use strict";

(function () {
  const input = document.getElementById("q");
  const list = document.getElementById("matches");
  if (!input || !list) return;
  let timer = 0;
  let latest = 0;

  function show(query, items) {
    list.replaceChildren(...items.map(function (m) {
      const li = document.createElement("li");
      const a = document.createElement("a");
      a.href = "/case?item=" + encodeURIComponent(m.code) + "&q=" + encodeURIComponent(query);
      const name = document.createElement("b");
      name.textContent = m.name;
      const meta = document.createElement("small");
      meta.textContent = m.code + " · 匹配度 " + Math.round(m.score * 100) + "%";
      a.append(name, meta);
      li.append(a);
      return li;
    }));
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    const query = input.value.trim();
    if (!query) { list.replaceChildren(); return; }
    timer = setTimeout(function () {
      const ticket = ++latest;
      fetch("/v1/query?top=6&q=" + encodeURIComponent(query))
        .then(function (r) { return r.ok ? r.json() : []; })
        .then(function (items) { if (ticket === latest) show(query, items); })
        .catch(function () { /* the form still works */ });
    }, 250);
  });
}());

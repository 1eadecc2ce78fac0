// Search of the static site, entirely in the browser, over search/search-index.json.
// Every ".typeahead[data-search-index]" box becomes an ARIA 1.2 combobox (combobox.js, loaded
// first): typing lists covered papers whose title, authors or id match, arrows choose, Enter
// opens the chosen paper's page (or submits the form, a search on search/?q=), Escape closes the
// list and then clears the box.
// On the search page, "#search-results" shows every match for ?q=. Without this script the
// search page still lists every covered link, grouped by haul.
(function () {
  "use strict";

  var MAX_SUGGESTIONS = 8;
  var loaded = {};  // index URL -> Promise of the prepared index
  var isSitePath = window.paperhaulCombobox.isSitePath;

  // Lower-case, without accents, one space between words: "Schölkopf" matches "scholk".
  function fold(text) {
    return String(text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
      .replace(/\s+/g, " ").trim();
  }

  function isWordChar(ch) {
    return /[a-z0-9]/.test(ch);
  }

  function prepare(body) {
    var hauls = {};
    (body.hauls || []).forEach(function (haul) { hauls[haul.number] = haul; });
    return (body.papers || []).filter(function (paper) { return isSitePath(paper.url); }).map(function (paper) {
      var authors = paper.authors || [];
      var id = String(paper.key || "").replace(/^arxiv:/, "");
      return {
        paper: paper,
        authors: authors,
        hauls: (paper.hauls || []).map(function (n) { return hauls[n]; }).filter(Boolean),
        title: fold(paper.title),
        hay: fold(paper.title + " \u0001 " + authors.join(", ") + " \u0001 " + id + " " + paper.key),
      };
    });
  }

  function loadIndex(url) {
    if (!loaded[url]) {
      loaded[url] = fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) throw new Error("search index answered " + response.status);
          return response.json();
        })
        .then(prepare);
    }
    return loaded[url];
  }

  // Whether the token starts a word of the text (or, failing that, appears in it at all: 1).
  function place(text, token) {
    var at = text.indexOf(token);
    if (at < 0) return -1;
    while (at >= 0) {
      if (at === 0 || !isWordChar(text.charAt(at - 1))) return 0;
      at = text.indexOf(token, at + 1);
    }
    return 1;
  }

  // Rank 0: the title starts with the query; 1: the query starts a word of the title; 2: every
  // word starts a word somewhere; 3: every word is somewhere. Within a rank, the index's order.
  function match(entries, query, limit) {
    var phrase = fold(query);
    var tokens = phrase.split(" ").filter(Boolean);
    if (!tokens.length) return [];
    var ranked = [[], [], [], []];
    for (var i = 0; i < entries.length; i++) {
      var entry = entries[i];
      var loose = false;
      var found = true;
      for (var t = 0; t < tokens.length; t++) {
        var where = place(entry.hay, tokens[t]);
        if (where < 0) { found = false; break; }
        if (where > 0) loose = true;
      }
      if (!found) continue;
      var rank = entry.title.indexOf(phrase) === 0 ? 0 : (place(entry.title, phrase) === 0 ? 1 : (loose ? 3 : 2));
      ranked[rank].push(entry);
      if (limit && ranked[0].length >= limit) break;
    }
    var all = ranked[0].concat(ranked[1], ranked[2], ranked[3]);
    return limit ? all.slice(0, limit) : all;
  }

  function shortAuthors(authors) {
    return authors.length > 3 ? authors.slice(0, 3).join(", ") + " et al." : authors.join(", ");
  }

  function describe(entry) {
    var latest = entry.hauls[entry.hauls.length - 1];
    return {
      label: entry.paper.title,
      detail: [shortAuthors(entry.authors), latest ? "in " + latest.title : ""].filter(Boolean).join(" · "),
    };
  }

  // The index is fetched once per page; after that every answer is immediate.
  function enhance(box) {
    var indexUrl = box.getAttribute("data-search-index");
    var entries = null;
    var input = window.paperhaulCombobox.attach(box, {
      source: function (text, deliver) {
        if (entries) {
          deliver(match(entries, text, MAX_SUGGESTIONS));
          return;
        }
        loadIndex(indexUrl).then(function (prepared) {
          entries = prepared;
          deliver(match(entries, text, MAX_SUGGESTIONS));
        }, function () {
          deliver([], "Suggestions are unavailable; press Enter to search");
        });
      },
      describe: describe,
      page: function (entry) { return entry.paper.url; },
      label: "Covered papers",
      empty: "No covered paper matches",
      delay: 0,
    });
    if (input) input.addEventListener("focus", function () { loadIndex(indexUrl).catch(function () {}); });
  }

  // search/?q=...: every match, with the hauls that covered it, in place of the full listing.
  function showResults(section) {
    var query = new URLSearchParams(window.location.search).get("q") || "";
    var box = document.getElementById("q");
    if (box) box.value = query;
    if (!query.trim()) return;
    var notice = section.querySelector(".notice");
    var list = section.querySelector("ol");
    var everything = document.getElementById("all-links");
    section.hidden = false;
    if (everything) everything.hidden = true;
    notice.textContent = "Searching…";
    loadIndex(section.getAttribute("data-search-index")).then(function (entries) {
      var found = match(entries, query, 0);
      list.replaceChildren.apply(list, found.map(result));
      notice.textContent = found.length
        ? found.length + (found.length === 1 ? " covered paper matches" : " covered papers match") + " “" + query.trim() + "”."
        : "No covered paper matches “" + query.trim() + "”.";
    }).catch(function () {
      notice.textContent = "The search index could not be loaded; every covered link is listed below.";
      section.hidden = true;
      if (everything) everything.hidden = false;
    });
  }

  function result(entry) {
    var item = document.createElement("li");
    var body = document.createElement("div");
    var heading = document.createElement("h3");
    var link = document.createElement("a");
    var meta = document.createElement("p");
    item.className = "paper-item";
    body.className = "paper-body";
    heading.className = "paper-title";
    link.href = entry.paper.url;
    link.textContent = entry.paper.title;
    heading.appendChild(link);
    body.appendChild(heading);
    meta.className = "meta";
    if (entry.authors.length) {
      var authors = document.createElement("span");
      authors.textContent = shortAuthors(entry.authors);
      meta.appendChild(authors);
    }
    entry.hauls.forEach(function (haul) {
      if (!isSitePath(haul.path)) return;
      var covered = document.createElement("a");
      covered.href = haul.path;
      covered.textContent = haul.title + (haul.date ? " (" + haul.date + ")" : "");
      meta.appendChild(covered);
    });
    body.appendChild(meta);
    item.appendChild(body);
    return item;
  }

  document.querySelectorAll(".typeahead[data-search-index]").forEach(enhance);
  var results = document.getElementById("search-results");
  if (results) showResults(results);
})();

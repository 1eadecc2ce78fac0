// The header's search box as an ARIA 1.2 combobox (combobox.js) with suggestions from /api/typeahead.
// Without this script the box is a plain search form; with it, typing lists papers and authors,
// arrows choose, Enter opens the chosen page (or searches when none is chosen), Escape closes.
(function () {
  "use strict";

  var DELAY_MS = 120;

  // Asks the endpoint for each text; the combobox cancels a question that is no longer wanted.
  function ask(endpoint) {
    var separator = endpoint.indexOf("?") === -1 ? "?" : "&";
    return function (text, deliver) {
      var controller = new AbortController();
      fetch(endpoint + separator + "q=" + encodeURIComponent(text), {
        signal: controller.signal,
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      })
        .then(function (response) {
          if (!response.ok) throw new Error("typeahead answered " + response.status);
          return response.json();
        })
        .then(function (body) { deliver(body.suggestions || []); })
        .catch(function () { deliver([]); });  // dropped when it was cancelled
      return function () { controller.abort(); };
    };
  }

  function describe(suggestion) {
    return {
      label: suggestion.label,
      detail: (suggestion.kind === "author" ? "Author" : "Paper") + (suggestion.detail ? " · " + suggestion.detail : ""),
      kind: suggestion.kind,
    };
  }

  document.querySelectorAll(".typeahead[data-typeahead-url]").forEach(function (box) {
    window.paperhaulCombobox.attach(box, {
      source: ask(box.getAttribute("data-typeahead-url")),
      describe: describe,
      page: function (suggestion) { return suggestion.page; },
      label: "Suggestions",
      empty: "No suggestions",
      delay: DELAY_MS,
    });
  });
})();

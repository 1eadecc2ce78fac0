// The header's search box as an ARIA 1.2 combobox with suggestions from /api/typeahead.
// Without this script the box is a plain search form; with it, typing lists papers and authors,
// arrows choose, Enter opens the chosen page (or searches when none is chosen), Escape closes.
(function () {
  "use strict";

  var DELAY_MS = 120;

  function enhance(box) {
    var input = box.querySelector("input");
    if (!input) return;
    var endpoint = box.getAttribute("data-typeahead-url");
    var base = input.id || "typeahead";
    var list = document.createElement("ul");
    var status = document.createElement("div");
    var options = [];
    var active = -1;
    var timer = 0;
    var controller = null;
    var asked = 0;

    list.id = base + "-listbox";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "Suggestions");
    list.hidden = true;
    status.id = base + "-status";
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    box.appendChild(list);
    box.appendChild(status);

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);

    function isOpen() {
      return !list.hidden;
    }

    function open() {
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      highlight(-1);
    }

    function highlight(index) {
      active = index;
      var items = list.children;
      for (var i = 0; i < items.length; i++) {
        items[i].setAttribute("aria-selected", i === index ? "true" : "false");
      }
      if (index < 0) {
        input.removeAttribute("aria-activedescendant");
        return;
      }
      input.setAttribute("aria-activedescendant", items[index].id);
      items[index].scrollIntoView({ block: "nearest" });
    }

    function move(step) {
      if (!options.length) return;
      open();
      var next = active < 0 ? (step > 0 ? 0 : options.length - 1) : active + step;
      highlight((next + options.length) % options.length);
    }

    function go(index) {
      var target = options[index] && options[index].page;
      if (target) window.location.assign(target);
    }

    // Only this site's own pages: a path, never another host.
    function isSitePath(page) {
      return typeof page === "string" && page.charAt(0) === "/" && page.charAt(1) !== "/" && page.charAt(1) !== "\\";
    }

    function option(suggestion, index) {
      var item = document.createElement("li");
      var label = document.createElement("span");
      var detail = document.createElement("span");
      item.id = base + "-option-" + index;
      item.className = "typeahead-option";
      item.setAttribute("role", "option");
      item.setAttribute("aria-selected", "false");
      item.setAttribute("data-kind", suggestion.kind);
      label.className = "label";
      label.textContent = suggestion.label;
      detail.className = "detail";
      detail.textContent = (suggestion.kind === "author" ? "Author" : "Paper") +
        (suggestion.detail ? " · " + suggestion.detail : "");
      item.appendChild(label);
      item.appendChild(detail);
      // Keep the focus in the box, so choosing with the mouse does not blur (and close) it first.
      item.addEventListener("mousedown", function (event) { event.preventDefault(); });
      item.addEventListener("click", function () { go(index); });
      return item;
    }

    function show(suggestions) {
      options = suggestions.filter(function (s) { return isSitePath(s.page); });
      list.replaceChildren.apply(list, options.map(option));
      highlight(-1);
      var count = options.length;
      status.textContent = count
        ? count + (count === 1 ? " suggestion" : " suggestions") + ", use the up and down arrows to choose"
        : "No suggestions";
      if (count && document.activeElement === input) open(); else close();
    }

    function cancel() {
      clearTimeout(timer);
      if (controller) controller.abort();
      controller = null;
    }

    function fetchSuggestions(text) {
      cancel();
      controller = new AbortController();
      var mine = ++asked;
      var separator = endpoint.indexOf("?") === -1 ? "?" : "&";
      fetch(endpoint + separator + "q=" + encodeURIComponent(text), {
        signal: controller.signal,
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      })
        .then(function (response) {
          if (!response.ok) throw new Error("typeahead answered " + response.status);
          return response.json();
        })
        .then(function (body) {
          // An answer to an older question, or to text no longer in the box, is dropped.
          if (mine !== asked || input.value.trim() !== text) return;
          show(body.suggestions || []);
        })
        .catch(function (error) {
          if (error.name !== "AbortError" && mine === asked) show([]);
        });
    }

    function changed() {
      var text = input.value.trim();
      cancel();
      asked++;
      if (!text) {
        options = [];
        list.replaceChildren();
        status.textContent = "";
        close();
        return;
      }
      timer = setTimeout(function () { fetchSuggestions(text); }, DELAY_MS);
    }

    input.addEventListener("input", changed);

    input.addEventListener("keydown", function (event) {
      if (event.isComposing || event.altKey || event.ctrlKey || event.metaKey) return;
      switch (event.key) {
        case "ArrowDown":
          event.preventDefault();
          move(1);
          break;
        case "ArrowUp":
          event.preventDefault();
          move(-1);
          break;
        case "Enter":
          if (isOpen() && active >= 0) {
            event.preventDefault();
            go(active);
          } else {
            cancel();
            close();  // and the form is submitted: a plain search
          }
          break;
        case "Escape":
          if (isOpen()) {
            event.preventDefault();
            cancel();  // a suggestion still on its way must not open the list again
            close();
          } else if (input.value) {
            event.preventDefault();
            input.value = "";
            changed();
          }
          break;
        case "Tab":
          close();
          break;
      }
    });

    input.addEventListener("blur", close);
  }

  document.querySelectorAll(".typeahead[data-typeahead-url]").forEach(enhance);
})();

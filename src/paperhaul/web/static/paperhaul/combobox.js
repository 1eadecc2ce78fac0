// A search box as an ARIA 1.2 combobox: the listbox, the keyboard, the mouse and the status
// messages that the app's header typeahead (typeahead.js) and the static site's search
// (search.js) share, so both behave alike. Each of them only says where suggestions come from
// and how one reads; this script knows neither. Load it first (`defer` keeps the order): it
// defines window.paperhaulCombobox = {attach, isSitePath}.
//
// attach(box, settings) enhances the box's input and returns it (null when the box has none):
//   source(text, deliver): find the suggestions for text and call deliver(suggestions) once,
//     now or later; deliver([], message) puts message in the status instead. It may return a
//     function that cancels the question. Answers to older questions, or to text no longer in
//     the box, are dropped.
//   describe(suggestion): {label, detail, kind} of its option (kind, if any, becomes data-kind).
//   page(suggestion): the path the option opens; one that is not this site's own is left out.
//   label: the listbox's name. empty: the status when nothing matches. delay: milliseconds to
//   wait after the last key before asking (0: at once).
(function () {
  "use strict";

  // Only this site's own pages: a path, never another host.
  function isSitePath(page) {
    return typeof page === "string" && page.charAt(0) === "/" && page.charAt(1) !== "/" && page.charAt(1) !== "\\";
  }

  function attach(box, settings) {
    var input = box.querySelector("input");
    if (!input) return null;
    var base = input.id || "combobox";
    var list = document.createElement("ul");
    var status = document.createElement("div");
    var shown = [];
    var active = -1;
    var timer = 0;
    var stop = null;
    var asked = 0;

    list.id = base + "-listbox";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", settings.label);
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
      if (!shown.length) return;
      open();
      var next = active < 0 ? (step > 0 ? 0 : shown.length - 1) : active + step;
      highlight((next + shown.length) % shown.length);
    }

    function go(index) {
      if (shown[index]) window.location.assign(settings.page(shown[index]));
    }

    function option(suggestion, index) {
      var about = settings.describe(suggestion);
      var item = document.createElement("li");
      var label = document.createElement("span");
      var detail = document.createElement("span");
      item.id = base + "-option-" + index;
      item.className = "typeahead-option";
      item.setAttribute("role", "option");
      item.setAttribute("aria-selected", "false");
      if (about.kind) item.setAttribute("data-kind", about.kind);
      label.className = "label";
      label.textContent = about.label;
      detail.className = "detail";
      detail.textContent = about.detail;
      item.appendChild(label);
      item.appendChild(detail);
      // Keep the focus in the box, so choosing with the mouse does not blur (and close) it first.
      item.addEventListener("mousedown", function (event) { event.preventDefault(); });
      item.addEventListener("click", function () { go(index); });
      return item;
    }

    function show(suggestions, message) {
      shown = suggestions.filter(function (s) { return isSitePath(settings.page(s)); });
      list.replaceChildren.apply(list, shown.map(option));
      highlight(-1);
      var count = shown.length;
      status.textContent = message || (count
        ? count + (count === 1 ? " suggestion" : " suggestions") + ", use the up and down arrows to choose"
        : settings.empty);
      if (count && document.activeElement === input) open(); else close();
    }

    // Whatever is still on its way is dropped: it must not open the list again.
    function cancel() {
      clearTimeout(timer);
      if (stop) stop();
      stop = null;
      asked++;
    }

    function ask(text) {
      var mine = asked;
      stop = settings.source(text, function (suggestions, message) {
        if (mine !== asked || input.value.trim() !== text) return;
        stop = null;
        show(suggestions, message);
      }) || null;
    }

    function changed() {
      var text = input.value.trim();
      cancel();
      if (!text) {
        shown = [];
        list.replaceChildren();
        status.textContent = "";
        close();
        return;
      }
      if (settings.delay) timer = setTimeout(function () { ask(text); }, settings.delay);
      else ask(text);
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
            cancel();
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
    return input;
  }

  window.paperhaulCombobox = { attach: attach, isSitePath: isSitePath };
})();

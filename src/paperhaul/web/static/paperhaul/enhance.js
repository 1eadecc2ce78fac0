// Upvote and save buttons, and a shared list's up/down/remove, without a page reload. The forms
// work on their own; this script sends them with fetch, asks for JSON and updates the page in
// place (the button, or the list's order). On any failure it submits the form the ordinary way, so
// the reader lands on the page the server answers with (log-in, 429...).
// Copy buttons (data-copy="ID", hidden until this script shows them) put the text of element ID
// on the clipboard, e.g. a paper's BibTeX entry.
(function () {
  "use strict";

  function apply(form, data) {
    var kind = form.getAttribute("data-enhance");
    var pressed = kind === "vote" ? data.voted : data.saved;
    var button = form.querySelector("button[aria-pressed]");
    if (typeof pressed !== "boolean" || !button) {
      return false;
    }
    button.setAttribute("aria-pressed", String(pressed));
    var count = form.querySelector(".count");
    if (kind === "vote" && count && typeof data.upvotes === "number") {
      count.textContent = String(data.upvotes);
    }
    var icon = form.querySelector(".icon[data-on]");
    if (icon) {
      icon.textContent = icon.getAttribute(pressed ? "data-on" : "data-off");
    }
    return true;
  }

  // The list's up and down buttons: none above the first entry, none below the last.
  function renumber(list) {
    var entries = list.children;
    for (var i = 0; i < entries.length; i++) {
      var up = entries[i].querySelector("button[value=up]");
      var down = entries[i].querySelector("button[value=down]");
      if (up) up.hidden = i === 0;
      if (down) down.hidden = i === entries.length - 1;
    }
  }

  function rearrange(form, action) {
    if (["up", "down", "remove"].indexOf(action) < 0) {
      return false;
    }
    var entry = form.closest("li");
    var list = entry.parentNode;
    var title = entry.querySelector("h3, h2");
    var said = document.getElementById("list-said");
    if (action === "up" && entry.previousElementSibling) {
      list.insertBefore(entry, entry.previousElementSibling);
    } else if (action === "down" && entry.nextElementSibling) {
      list.insertBefore(entry.nextElementSibling, entry);
    } else if (action === "remove") {
      var next = entry.nextElementSibling || entry.previousElementSibling;
      entry.remove();
      var focus = next && next.querySelector("button[value=remove]");
      if (focus) focus.focus();
    }
    renumber(list);
    var pressed = form.querySelector("button[value=" + action + "]");
    if (pressed && pressed.hidden) {
      pressed = form.querySelector("button:not([hidden])");
    }
    if (pressed && action !== "remove") pressed.focus();
    if (said && title) {
      var what = action === "remove" ? "Removed: " : "Moved " + action + ": ";
      said.textContent = what + title.textContent.trim();
    }
    return true;
  }

  function send(form, submitter) {
    var token = form.querySelector("input[name=csrfmiddlewaretoken]");
    var body = new FormData(form);
    if (submitter && submitter.name) {
      body.append(submitter.name, submitter.value);
    }
    form.setAttribute("aria-busy", "true");
    // The attribute, not form.action: a button named "action" would shadow that property.
    fetch(form.getAttribute("action"), {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": token ? token.value : "" },
    })
      .then(function (response) {
        var json = response.headers.get("Content-Type") || "";
        if (!response.ok || json.indexOf("application/json") !== 0) {
          throw new Error("not a JSON answer");
        }
        return response.json();
      })
      .then(function (data) {
        form.removeAttribute("aria-busy");
        var listed = form.getAttribute("data-enhance") === "list-item";
        var done = listed ? rearrange(form, data.done) : apply(form, data);
        if (!done) {
          window.location.reload();
        }
      })
      .catch(function () {
        form.removeAttribute("aria-busy");
        if (submitter && submitter.name) {
          var chosen = document.createElement("input");
          chosen.type = "hidden";
          chosen.name = submitter.name;
          chosen.value = submitter.value;
          form.appendChild(chosen);
        }
        form.submit();
      });
  }

  function copy(button) {
    var source = document.getElementById(button.getAttribute("data-copy"));
    var label = button.textContent;
    navigator.clipboard.writeText(source.textContent).then(
      function () {
        button.textContent = "Copied";
        button.setAttribute("aria-live", "polite");
        setTimeout(function () {
          button.textContent = label;
        }, 2000);
      },
      function () {
        window.getSelection().selectAllChildren(source);
      }
    );
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (!navigator.clipboard) {
      return;
    }
    document.querySelectorAll("button[data-copy]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        copy(button);
      });
    });
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-enhance") || !window.fetch) {
      return;
    }
    event.preventDefault();
    if (form.getAttribute("aria-busy") !== "true") {
      send(form, event.submitter);
    }
  });
})();

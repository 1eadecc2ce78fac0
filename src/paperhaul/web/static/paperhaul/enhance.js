// Upvote and save buttons without a page reload. The forms work on their own; this script sends
// them with fetch, asks for JSON and updates the button in place. On any failure it submits the
// form the ordinary way, so the reader lands on the page the server answers with (log-in, 429...).
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

  function send(form) {
    var token = form.querySelector("input[name=csrfmiddlewaretoken]");
    form.setAttribute("aria-busy", "true");
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
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
        if (!apply(form, data)) {
          window.location.reload();
        }
      })
      .catch(function () {
        form.removeAttribute("aria-busy");
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
      send(form);
    }
  });
})();

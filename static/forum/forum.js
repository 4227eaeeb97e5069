/* Forum composer helpers (no inline scripts under the CSP):
 * - after an image upload, its Markdown is inserted at the cursor of the composer textarea
 *   named by data-forum-insert on the upload form;
 * - clicking the Markdown snippet copies it into the composer too.
 * Live replies need nothing here: static/notifications/live.js refreshes #posts. */
(function () {
  "use strict";

  function insert(textareaId, text) {
    var area = document.getElementById(textareaId);
    if (!area || !text) return;
    var start = area.selectionStart || area.value.length;
    var end = area.selectionEnd || area.value.length;
    var before = area.value.slice(0, start);
    var glue = before && !before.endsWith("\n") ? "\n" : "";
    area.value = before + glue + text + "\n" + area.value.slice(end);
    area.focus();
  }

  document.addEventListener("htmx:afterSwap", function (event) {
    var form = event.target.closest && event.target.closest("form[data-forum-insert]");
    if (!form) return;
    var code = event.target.querySelector("[data-markdown]");
    if (code) insert(form.getAttribute("data-forum-insert"), code.getAttribute("data-markdown"));
    var input = form.querySelector("input[type=file]");
    if (input) input.value = "";
  });

  document.addEventListener("click", function (event) {
    var code = event.target.closest && event.target.closest("[data-markdown]");
    if (!code) return;
    var form = code.closest("form[data-forum-insert]");
    if (form) insert(form.getAttribute("data-forum-insert"), code.getAttribute("data-markdown"));
  });
})();

/* Board drag and drop (HTML5), persisted with one POST per move: the server places the card
 * after the card above it (or before the card below it) under a lock on the column, so two
 * people moving at once never lose or duplicate a card. The Move buttons on each card are
 * the keyboard alternative (they work without this script too). Other people's boards
 * refresh through the live topic (static/notifications/live.js). */
(function () {
  "use strict";

  var dragged = null;
  var origin = null;

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  function announce(text) {
    var status = document.getElementById("board-status");
    if (status) status.textContent = text;
  }

  function refreshBoard() {
    var live = document.getElementById("board-live");
    if (live && window.htmx) {
      window.htmx.ajax("GET", live.getAttribute("data-live-get"), { target: live, swap: "innerHTML" });
    }
  }

  function cardAfter(list, y) {
    var cards = Array.prototype.slice.call(list.querySelectorAll(".task-card:not(.is-dragging)"));
    for (var i = 0; i < cards.length; i++) {
      var box = cards[i].getBoundingClientRect();
      if (y < box.top + box.height / 2) return cards[i];
    }
    return null;
  }

  function sibling(el, direction) {
    var node = direction < 0 ? el.previousElementSibling : el.nextElementSibling;
    while (node && !node.classList.contains("task-card")) {
      node = direction < 0 ? node.previousElementSibling : node.nextElementSibling;
    }
    return node;
  }

  function save(card) {
    var list = card.closest(".board__cards");
    var above = sibling(card, -1);
    var below = sibling(card, 1);
    var body = new URLSearchParams();
    body.set("column", list.getAttribute("data-column"));
    if (above) body.set("after", above.getAttribute("data-task"));
    if (below) body.set("before", below.getAttribute("data-task"));
    card.classList.add("is-moving");
    fetch(card.getAttribute("data-move-url"), {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
      body: body
    })
      .then(function (response) {
        card.classList.remove("is-moving");
        if (!response.ok) throw new Error("move refused");
        var column = list.closest(".board__column").querySelector(".board__title");
        announce("Moved to " + (column ? column.firstChild.textContent.trim() : "the column") + ".");
        refreshBoard();
      })
      .catch(function () {
        announce("The card could not be moved; the board was reloaded.");
        refreshBoard();
      });
  }

  document.addEventListener("dragstart", function (event) {
    var card = event.target.closest && event.target.closest(".task-card[draggable='true']");
    if (!card) return;
    dragged = card;
    origin = { list: card.parentNode, next: card.nextElementSibling };
    card.classList.add("is-dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.getAttribute("data-task"));
  });

  document.addEventListener("dragover", function (event) {
    if (!dragged) return;
    var list = event.target.closest && event.target.closest(".board__column");
    if (!list) return;
    list = list.querySelector(".board__cards");
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    document.querySelectorAll(".board__cards.is-drop-target").forEach(function (el) {
      if (el !== list) el.classList.remove("is-drop-target");
    });
    list.classList.add("is-drop-target");
    var next = cardAfter(list, event.clientY);
    if (next) list.insertBefore(dragged, next);
    else list.appendChild(dragged);
  });

  document.addEventListener("drop", function (event) {
    if (!dragged) return;
    event.preventDefault();
    var card = dragged;
    var moved = card.parentNode !== origin.list || card.nextElementSibling !== origin.next;
    finish();
    if (moved) save(card);
  });

  function finish() {
    if (dragged) dragged.classList.remove("is-dragging");
    document.querySelectorAll(".board__cards.is-drop-target").forEach(function (el) {
      el.classList.remove("is-drop-target");
    });
    dragged = null;
  }

  // A live refresh (someone else's change) must not pull the board from under a drag.
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (dragged && event.detail.target && event.detail.target.id === "board-live") {
      event.detail.shouldSwap = false;
    }
  });

  document.addEventListener("dragend", function () {
    if (!dragged) return;
    // Dropped outside a column: put the card back where it was.
    if (origin.next) origin.list.insertBefore(dragged, origin.next);
    else origin.list.appendChild(dragged);
    finish();
  });
})();

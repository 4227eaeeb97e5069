/*
 * Site behaviour that CSS cannot do alone. Load with `defer`, after htmx.
 * Everything is delegated from `document`, so it keeps working after htmx
 * swaps (including hx-boost) without re-binding.
 */
(function () {
  "use strict";

  // ---- Navigation toggle (phones) ---------------------------------------

  function navFor(toggle) {
    var id = toggle.getAttribute("aria-controls");
    var nav = id && document.getElementById(id);
    if (nav) return nav;
    var header = toggle.closest(".site-header");
    return (header || document).querySelector(".site-nav");
  }

  function setNavOpen(toggle, open) {
    var nav = navFor(toggle);
    if (!nav) return;
    nav.classList.toggle("is-open", open);
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
  }

  // ---- Account menu (<details class="account-menu">) ---------------------

  function closeMenus(except) {
    document.querySelectorAll("details.account-menu[open]").forEach(function (menu) {
      if (menu !== except) menu.removeAttribute("open");
    });
  }

  document.addEventListener("click", function (event) {
    var toggle = event.target.closest(".nav-toggle");
    if (toggle) {
      setNavOpen(toggle, toggle.getAttribute("aria-expanded") !== "true");
      return;
    }
    // A click outside every open account menu closes them; a click on a
    // link inside a menu also closes it (useful with hx-boost).
    var menu = event.target.closest("details.account-menu");
    closeMenus(menu);
    if (menu && event.target.closest(".menu a")) menu.removeAttribute("open");
  });

  // Opening one menu closes the others ("toggle" does not bubble: capture).
  document.addEventListener(
    "toggle",
    function (event) {
      var el = event.target;
      if (el.matches && el.matches("details.account-menu") && el.open) closeMenus(el);
    },
    true
  );

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var active = document.activeElement;
    document.querySelectorAll("details.account-menu[open]").forEach(function (menu) {
      menu.removeAttribute("open");
      if (menu.contains(active)) menu.querySelector("summary").focus();
    });
    document.querySelectorAll(".nav-toggle[aria-expanded='true']").forEach(function (toggle) {
      var nav = navFor(toggle);
      setNavOpen(toggle, false);
      if (nav && nav.contains(active)) toggle.focus();
    });
  });

  // Focus leaving an open account menu (Tab past its last link) closes it.
  document.addEventListener("focusout", function (event) {
    var menu = event.target.closest && event.target.closest("details.account-menu[open]");
    if (menu && event.relatedTarget && !menu.contains(event.relatedTarget)) {
      menu.removeAttribute("open");
    }
  });

  // ---- htmx: CSRF token on every same-origin request --------------------

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : null;
  }

  function isSameOrigin(path) {
    try {
      return new URL(path, document.baseURI).origin === window.location.origin;
    } catch (e) {
      return false;
    }
  }

  document.addEventListener("htmx:configRequest", function (event) {
    var token = csrfToken();
    if (token && isSameOrigin(event.detail.path)) {
      event.detail.headers["X-CSRFToken"] = token;
    }
  });
})();

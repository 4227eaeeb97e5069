/* Live updates: one WebSocket to /ws/live/ per page.
 *
 * Any element with data-live-topic="forum.thread.12" (or "user", the signed-in user's own
 * notifications) subscribes to that topic. On an event:
 *   - if the element has data-live-get (or hx-get), it is refreshed from that URL with
 *     htmx.ajax, using data-live-swap / hx-swap (default innerHTML) and data-live-select /
 *     hx-select;
 *   - in every case a "live:event" DOM event is dispatched on the element (bubbling), with
 *     detail {topic, event}, for pages that handle events themselves.
 * Elements added later (htmx swaps) are subscribed too. Reconnects with exponential backoff.
 */
(function () {
  "use strict";

  var socket = null;
  var attempts = 0;
  var subscribed = {};
  var timer = null;

  function topicsOnPage() {
    var topics = {};
    document.querySelectorAll("[data-live-topic]").forEach(function (el) {
      var topic = el.getAttribute("data-live-topic");
      if (topic) topics[topic] = true;
    });
    return Object.keys(topics);
  }

  function send(message) {
    if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
  }

  function subscribeAll() {
    topicsOnPage().forEach(function (topic) {
      if (!subscribed[topic]) {
        subscribed[topic] = "pending";
        send({ action: "subscribe", topic: topic });
      }
    });
  }

  function refresh(el, topic, event) {
    var url = el.getAttribute("data-live-get") || el.getAttribute("hx-get");
    if (url && window.htmx) {
      var swap = el.getAttribute("data-live-swap") || el.getAttribute("hx-swap") || "innerHTML";
      var options = { source: el, target: el, swap: swap };
      var select = el.getAttribute("data-live-select") || el.getAttribute("hx-select");
      if (select) options.select = select;
      window.htmx.ajax("GET", url, options);
    }
    el.dispatchEvent(
      new CustomEvent("live:event", { bubbles: true, detail: { topic: topic, event: event } })
    );
  }

  function onMessage(message) {
    var data;
    try {
      data = JSON.parse(message.data);
    } catch (error) {
      return;
    }
    if (data.type === "subscribed") {
      subscribed[data.topic] = true;
    } else if (data.type === "error" && data.topic) {
      subscribed[data.topic] = "refused";
    } else if (data.type === "event") {
      document.querySelectorAll("[data-live-topic]").forEach(function (el) {
        if (el.getAttribute("data-live-topic") === data.topic) refresh(el, data.topic, data.event);
      });
    }
  }

  function connect() {
    if (!topicsOnPage().length) return;
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + window.location.host + "/ws/live/");
    socket.addEventListener("open", function () {
      attempts = 0;
      subscribed = {};
      subscribeAll();
    });
    socket.addEventListener("message", onMessage);
    socket.addEventListener("close", function (event) {
      socket = null;
      if (event.code === 4403) return; // refused host or origin: retrying will not help
      var delay = Math.min(30000, 1000 * Math.pow(2, attempts)) * (0.5 + Math.random() / 2);
      attempts += 1;
      clearTimeout(timer);
      timer = setTimeout(connect, delay);
    });
  }

  document.addEventListener("DOMContentLoaded", connect);
  document.addEventListener("htmx:afterSettle", function () {
    if (socket) subscribeAll();
    else if (!timer) connect();
  });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible" && !socket) {
      clearTimeout(timer);
      attempts = 0;
      connect();
    }
  });
})();

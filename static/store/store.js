// The store's htmx fragments answer bad input with 400 (or 409 for a stale stock figure) and a
// fragment that says what is wrong; htmx does not swap error responses by default, so inside
// the store's pages (marked data-store) they are swapped like any other answer.
document.addEventListener("htmx:beforeSwap", function (event) {
  var status = event.detail.xhr.status;
  if ((status === 400 || status === 409) && event.detail.elt.closest("[data-store]")) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});

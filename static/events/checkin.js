// Check-in page: keep the code field focused for keyboard-wedge scanners, and offer the
// phone's camera where the browser has a BarcodeDetector (Chrome on Android, Safari 17+).
(function () {
  function focusCode() {
    var input = document.querySelector("#checkin-form input[name=code]");
    if (input) { input.focus(); input.select(); }
  }
  document.addEventListener("htmx:afterSwap", focusCode);
  document.addEventListener("DOMContentLoaded", function () {
    focusCode();
    var button = document.getElementById("checkin-camera");
    var video = document.getElementById("checkin-video");
    if (!button || !video || !("BarcodeDetector" in window) || !navigator.mediaDevices) return;
    button.hidden = false;
    var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    var last = "";
    button.addEventListener("click", function () {
      navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (stream) {
        video.srcObject = stream;
        video.hidden = false;
        video.play();
        setInterval(function () {
          detector.detect(video).then(function (codes) {
            if (!codes.length || codes[0].rawValue === last) return;
            last = codes[0].rawValue;
            var input = document.querySelector("#checkin-form input[name=code]");
            input.value = last;
            input.form.requestSubmit();
            setTimeout(function () { last = ""; }, 3000);
          });
        }, 400);
      });
    });
  });
})();

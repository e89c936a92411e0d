// Small helpers of every page: drag and drop onto the file fields, bar widths, CSRF for htmx.
(function () {
  "use strict";
  var token = document.querySelector('meta[name="csrf-token"]');
  document.body.addEventListener("htmx:configRequest", function (event) {
    if (token) { event.detail.headers["X-CSRF-Token"] = token.content; }
  });

  document.querySelectorAll("[data-drop]").forEach(function (drop) {
    var input = drop.querySelector("input[type=file]");
    ["dragenter", "dragover"].forEach(function (name) {
      drop.addEventListener(name, function (event) { event.preventDefault(); drop.classList.add("over"); });
    });
    ["dragleave", "drop"].forEach(function (name) {
      drop.addEventListener(name, function () { drop.classList.remove("over"); });
    });
    drop.addEventListener("drop", function (event) {
      event.preventDefault();
      if (event.dataTransfer && event.dataTransfer.files.length) {
        input.files = event.dataTransfer.files;
      }
    });
  });

  function bars(root) {
    root.querySelectorAll("[data-width]").forEach(function (bar) {
      bar.style.width = (Math.max(0, Math.min(1, parseFloat(bar.dataset.width) || 0)) * 100) + "%";
    });
  }
  bars(document);
  document.body.addEventListener("htmx:afterSwap", function (event) { bars(event.target); });
})();

/* Back-office pages: confirmations, a warning before leaving unsaved input, running totals on screen.
   Loaded as a file (the Content Security Policy allows no inline script). Totals typed here are only a guide:
   the saved totals are computed on the server. */
(function () {
  "use strict";

  function ready(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }

  function parsePoints(text) {
    var cleaned = (text || "").trim();
    if (!/^[0-9]+([.,][0-9]+)?$/.test(cleaned)) { return 0; }
    return parseFloat(cleaned.replace(",", "."));
  }

  function show(number) {
    var text = (Math.round(number * 100) / 100).toFixed(2).replace(/\.?0+$/, "");
    return text.replace(".", ",");
  }

  function confirmations() {
    document.querySelectorAll("[data-confirm]").forEach(function (button) {
      button.addEventListener("click", function (event) {
        if (!window.confirm(button.getAttribute("data-confirm"))) { event.preventDefault(); }
      });
    });
  }

  function unsavedWarnings() {
    var dirty = false;
    document.querySelectorAll("form[data-unsaved-warning]").forEach(function (form) {
      form.addEventListener("input", function () {
        dirty = true;
        form.querySelectorAll("[data-dirty-note]").forEach(function (note) { note.hidden = false; });
      });
      form.addEventListener("change", function () { dirty = true; });
      form.addEventListener("submit", function () { dirty = false; });
    });
    document.querySelectorAll("form:not([data-unsaved-warning])").forEach(function (form) {
      form.addEventListener("submit", function () { dirty = false; });
    });
    window.addEventListener("beforeunload", function (event) {
      if (dirty) { event.preventDefault(); event.returnValue = ""; }
    });
  }

  // Marks a points field whose text is not a number in the accepted form, or is over the node's max, while
  // the user types (the server checks again on saving).
  function checkPoints(input) {
    var text = (input.value || "").trim();
    var max = parseFloat(input.getAttribute("data-max"));
    var message = "";
    if (text && !/^[0-9]+([.,][0-9]+)?$/.test(text)) {
      message = "Không phải số: chỉ dùng chữ số và một dấu phẩy, ví dụ 0,75";
    } else if (text && !isNaN(max) && parsePoints(text) > max) {
      message = "Vượt điểm tối đa " + show(max);
    }
    input.classList.toggle("bo-invalid", message !== "");
    input.title = message;
  }

  function pointsChecks() {
    document.querySelectorAll("input.points").forEach(function (input) {
      input.addEventListener("input", function () { checkPoints(input); });
    });
  }

  function runningTotals() {
    var total = document.querySelector("[data-total]");
    if (!total) { return; }
    var form = total.closest("body").querySelector("form[data-unsaved-warning]");
    function update() {
      var sums = {}, all = 0;
      document.querySelectorAll("input.points[data-domain]").forEach(function (input) {
        var max = parseFloat(input.getAttribute("data-max")) || 0;
        var value = Math.min(Math.max(parsePoints(input.value), 0), max);
        var domain = input.getAttribute("data-domain");
        sums[domain] = (sums[domain] || 0) + value;
        if (!input.hasAttribute("data-adjustment")) { all += value; }  // bonus and deduction: outside the base
      });
      document.querySelectorAll("[data-domain-total]").forEach(function (cell) {
        cell.textContent = show(sums[cell.getAttribute("data-domain-total")] || 0);
      });
      total.textContent = show(all);
    }
    if (form) { form.addEventListener("input", update); }
    update();
  }

  ready(function () {
    confirmations();
    unsavedWarnings();
    runningTotals();
    pointsChecks();
  });
})();

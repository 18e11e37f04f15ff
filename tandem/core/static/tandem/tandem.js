// Small progressive enhancements; every page works without them.
(function () {
  "use strict";

  // Topic picker: filter rows by name or synonym, count and highlight chosen topics.
  function setupTopicPicker(root) {
    var input = root.querySelector("[data-topic-filter]");
    var counter = root.querySelector("[data-topic-count]");
    var none = root.querySelector("[data-topic-none]");
    var limit = parseInt(root.getAttribute("data-topic-limit") || "0", 10);
    var rows = Array.prototype.slice.call(root.querySelectorAll(".topic-row"));
    var groups = Array.prototype.slice.call(root.querySelectorAll(".topic-group"));

    function count() {
      var chosen = rows.filter(function (row) {
        var chose = row.querySelector("select").value !== "";
        row.classList.toggle("chosen", chose);
        return chose;
      }).length;
      if (counter && limit) {
        counter.textContent = chosen + " of at most " + limit + " chosen" +
          (chosen > limit ? ": please remove " + (chosen - limit) + "." : ".");
      }
    }
    rows.forEach(function (row) { row.querySelector("select").addEventListener("change", count); });
    count();

    if (!input) return;
    input.addEventListener("input", function () {
      var q = input.value.trim().toLowerCase();
      var shown = 0;
      rows.forEach(function (row) {
        var text = (row.getAttribute("data-search") || "").toLowerCase();
        row.hidden = q !== "" && text.indexOf(q) === -1;
        if (!row.hidden) shown += 1;
      });
      groups.forEach(function (group) {
        var visible = group.querySelectorAll(".topic-row:not([hidden])").length;
        group.hidden = visible === 0;
        if (q !== "" && visible > 0) group.open = true;
      });
      if (none) none.hidden = shown > 0;
    });
  }

  // After a refused submit, take the person to the first problem.
  function focusFirstError() {
    var target = document.querySelector("[aria-invalid='true'], .form-errors, #topic-errors");
    if (!target) return;
    if (!/^(INPUT|SELECT|TEXTAREA)$/.test(target.tagName)) target.setAttribute("tabindex", "-1");
    target.focus();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-topic-picker]").forEach(setupTopicPicker);
    focusFirstError();
  });
})();

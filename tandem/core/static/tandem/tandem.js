// Small progressive enhancements; every page works without them.
(function () {
  "use strict";

  // Topic picker: filter rows by name or synonym, and highlight chosen topics.
  function setupTopicPicker(root) {
    var input = root.querySelector("[data-topic-filter]");
    var rows = Array.prototype.slice.call(root.querySelectorAll(".topic-row"));
    var groups = Array.prototype.slice.call(root.querySelectorAll(".topic-group"));
    rows.forEach(function (row) {
      var select = row.querySelector("select");
      var mark = function () { row.classList.toggle("chosen", select.value !== ""); };
      select.addEventListener("change", mark);
      mark();
    });
    if (!input) return;
    input.addEventListener("input", function () {
      var q = input.value.trim().toLowerCase();
      rows.forEach(function (row) {
        var text = (row.getAttribute("data-search") || "").toLowerCase();
        row.hidden = q !== "" && text.indexOf(q) === -1;
      });
      groups.forEach(function (group) {
        var visible = group.querySelectorAll(".topic-row:not([hidden])").length;
        group.hidden = visible === 0;
        if (q !== "" && visible > 0) group.open = true;
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-topic-picker]").forEach(setupTopicPicker);
  });
})();

/* Filters the list of purposes on the overview page as you type.
   Optional by design: without JavaScript the filter stays hidden and the whole list shows. */
(function () {
  "use strict";
  var box = document.querySelector(".filter");
  var input = document.getElementById("purpose-filter");
  var list = document.getElementById("purpose-list");
  if (!box || !input || !list) {
    return;
  }
  var status = box.querySelector(".filter-status");
  var items = Array.prototype.slice.call(list.children);
  function normalise(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  box.hidden = false;
  input.addEventListener("input", function () {
    var wanted = normalise(input.value.trim());
    var shown = 0;
    items.forEach(function (item) {
      var match = !wanted || normalise(item.textContent).indexOf(wanted) !== -1;
      item.hidden = !match;
      if (match) {
        shown += 1;
      }
    });
    if (status) {
      status.textContent = wanted ? status.getAttribute("data-template")
        .replace("{shown}", String(shown)).replace("{total}", String(items.length)) : "";
    }
  });
}());

/* Pantau Pakta: a finding picked from the catalogue fills its row's title and dimension.
   Progressive enhancement only: without this script the server uses the catalogue's title
   for a row whose title was left empty. No dependencies; served from /static (no CDN). */
(function () {
  "use strict";
  function setup(rows) {
    var map = {};
    try { map = JSON.parse(rows.getAttribute("data-catalogue") || "{}"); } catch (e) { return; }
    rows.addEventListener("change", function (event) {
      var select = event.target;
      if (!select.hasAttribute || !select.hasAttribute("data-catalogue-code")) { return; }
      var row = select.closest(".finding-row");
      if (!row) { return; }
      var title = row.querySelector("[data-catalogue-title]");
      var category = row.querySelector("[data-catalogue-category]");
      var entry = map[select.value];
      var filled = title && title.getAttribute("data-filled");
      // Fill an empty title, or one this script filled before; never overwrite typed text.
      if (title && (!title.value || title.value === filled)) {
        title.value = entry ? entry.title : "";
        title.setAttribute("data-filled", title.value);
      }
      if (category && entry && !category.value) { category.value = entry.category; }
    });
  }
  var all = document.querySelectorAll("fieldset[data-catalogue]");
  for (var i = 0; i < all.length; i++) { setup(all[i]); }
})();

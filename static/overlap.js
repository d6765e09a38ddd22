/* The overlap page: filter the letter choices as the reader types (the form works without it). */
(function () {
  "use strict";
  var input = document.getElementById("letter-filter");
  if (!input) { return; }
  input.addEventListener("input", function () {
    var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
    document.querySelectorAll(".letter-choices li").forEach(function (li) {
      var text = li.dataset.search || "";
      var checked = li.querySelector("input").checked;
      li.hidden = !checked && !words.every(function (w) { return text.indexOf(w) >= 0; });
    });
  });
}());

// The public door's address suggestions: road names and dongs from the product's own address data
// (GET /report/addresses/?q=…), shown in the address field's <datalist>. Without JavaScript the field is a plain
// text box and the address still routes the request when it is sent.
(function () {
  "use strict";
  var script = document.getElementById("address-script");
  var list = document.getElementById("address-suggestions");
  if (!script || !list) return;
  var url = script.getAttribute("data-url");
  var timer = null;
  var last = "";
  function fill(results) {
    list.textContent = "";
    results.forEach(function (r) {
      var option = document.createElement("option");
      option.value = r.road + " ";
      option.label = r.dong + " (" + r.district + ")";
      option.textContent = r.dong + " (" + r.district + ")";
      list.appendChild(option);
    });
  }
  document.querySelectorAll("[data-address-suggest]").forEach(function (input) {
    input.addEventListener("input", function () {
      var q = input.value.trim();
      if (q.length < 2 || q === last) return;
      last = q;
      clearTimeout(timer);
      timer = setTimeout(function () {
        fetch(url + "?q=" + encodeURIComponent(q), {credentials: "same-origin"})
          .then(function (r) { return r.ok ? r.json() : {results: []}; })
          .then(function (data) { fill(data.results || []); })
          .catch(function () {});
      }, 200);
    });
  });
})();

// Follows an import's progress: asks the server every two seconds and updates the bar and the
// counts; reloads the page once the import has ended (to show the result or the refused rows).
(function () {
  "use strict";
  var box = document.getElementById("import-progress");
  if (!box) { return; }
  var bar = box.querySelector("progress");
  function tick() {
    fetch(box.dataset.url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        bar.value = data.percent;
        bar.textContent = data.percent + " %";
        box.querySelectorAll("[data-field]").forEach(function (node) {
          var value = data[node.dataset.field];
          if (value !== undefined) { node.textContent = value; }
        });
        if (data.working) { window.setTimeout(tick, 2000); } else { window.location.reload(); }
      })
      .catch(function () { window.setTimeout(tick, 5000); });
  }
  window.setTimeout(tick, 1000);
})();

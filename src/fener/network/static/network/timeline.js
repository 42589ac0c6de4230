// Timeline of an investigation's transfers with plotly (served by Fener): time across, amount
// up (logarithmic), one point per transfer with its reference and accounts on hover.
(function () {
  "use strict";
  var box = document.getElementById("timeline");
  var source = document.getElementById("timeline-points");
  if (!box || !source || typeof Plotly === "undefined") { return; }
  var points = JSON.parse(source.textContent);
  Plotly.newPlot(box, [{
    type: "scattergl", mode: "markers",
    x: points.map(function (p) { return p.t; }),
    y: points.map(function (p) { return p.amount; }),
    text: points.map(function (p) { return p.text; }),
    hoverinfo: "text+x", marker: { size: 6, color: "#b5651d", opacity: 0.7 }
  }], {
    margin: { l: 60, r: 20, t: 10, b: 40 }, height: 360,
    yaxis: { type: "log", title: { text: box.dataset.amount } }, xaxis: { type: "date" }
  }, { displaylogo: false, responsive: true });
})();

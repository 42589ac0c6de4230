// The investigation's link chart, drawn with cytoscape.js (served by Fener, never a CDN).
// Nodes are entities (shape and colour by kind), edges are links and money flows (money drawn
// thicker, with count and total). Accounts with money-flow patterns get a red border. Labels
// are set as text by cytoscape (never as HTML), so nothing from the data can run as code.
(function () {
  "use strict";
  var box = document.getElementById("chart");
  if (!box || typeof cytoscape === "undefined") { return; }
  var colours = { person: "#1f5fa8", company: "#6b3fa0", phone: "#2f8f5b", email: "#2f8f8f",
    account: "#b5651d", address: "#7a7a7a", vehicle: "#555555", handle: "#3f7fbf", ad: "#c0392b", "case": "#8e44ad" };
  var shapes = { person: "ellipse", company: "round-rectangle", phone: "diamond", email: "diamond",
    account: "hexagon", address: "triangle", vehicle: "vee", handle: "diamond", ad: "rectangle", "case": "star" };
  var details = document.getElementById("chart-details");
  var controls = document.getElementById("chart-controls");
  var cy = null;

  function text(tag, value) { var node = document.createElement(tag); node.textContent = value; return node; }

  function show(node) {
    details.replaceChildren();
    var data = node.data();
    details.appendChild(text("h3", data.label));
    details.appendChild(text("p", data.kindLabel));
    if (data.flags.length) { details.appendChild(text("p", data.flags.join(", "))); }
    var link = document.createElement("a");
    link.href = data.url; link.textContent = box.dataset.open || "→";
    details.appendChild(link);
  }

  function filter() {
    var kinds = {};
    controls.querySelectorAll("input[name=kind]").forEach(function (input) { kinds[input.value] = input.checked; });
    var money = controls.querySelector("input[name=money]").checked;
    var flaggedOnly = controls.querySelector("input[name=flagged]").checked;
    cy.batch(function () {
      var keep = cy.nodes().filter(function (n) { return kinds[n.data("kind")]; });
      if (flaggedOnly) {
        var flagged = keep.filter(function (n) { return n.data("flags").length > 0; });
        keep = flagged.union(flagged.neighborhood().nodes()).intersection(keep);
      }
      cy.nodes().style("display", "none");
      keep.style("display", "element");
      cy.edges().forEach(function (e) {
        var visible = (money || e.data("kind") !== "money");
        e.style("display", visible ? "element" : "none");
      });
    });
    box.dataset.visible = String(cy.nodes().filter(function (n) { return n.style("display") !== "none"; }).length);
  }

  function layout() {
    cy.layout({ name: "cose", animate: false, randomize: true, nodeRepulsion: function () { return 8000; },
      idealEdgeLength: function () { return 80; }, numIter: 1500 }).run();
  }

  fetch(box.dataset.url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
    .then(function (response) { return response.json(); })
    .then(function (graph) {
      var kindLabels = {};
      controls.querySelectorAll("input[name=kind]").forEach(function (input) {
        kindLabels[input.value] = input.parentNode.textContent.trim();
      });
      var elements = [];
      graph.nodes.forEach(function (n) {
        elements.push({ data: { id: "n" + n.id, label: n.label, kind: n.kind, kindLabel: kindLabels[n.kind] || n.kind,
          flags: n.flags, url: n.url, size: 18 + Math.min(30, 3 * n.degree) } });
      });
      graph.edges.forEach(function (e) {
        elements.push({ data: { id: e.id, source: "n" + e.source, target: "n" + e.target, label: e.label,
          kind: e.kind, width: e.kind === "money" ? Math.min(8, 1 + Math.log10(1 + (e.count || 1)) * 3) : 1 } });
      });
      cy = cytoscape({
        container: box,
        elements: elements,
        wheelSensitivity: 0.3,
        style: [
          { selector: "node", style: { "label": "data(label)", "font-size": 9, "text-valign": "bottom", "text-margin-y": 3,
            "width": "data(size)", "height": "data(size)", "background-color": function (n) { return colours[n.data("kind")] || "#999"; },
            "shape": function (n) { return shapes[n.data("kind")] || "ellipse"; }, "text-wrap": "ellipsis", "text-max-width": 120 } },
          { selector: "node", style: { "border-width": function (n) { return n.data("flags").length ? 4 : 0; }, "border-color": "#d0021b" } },
          { selector: "edge", style: { "curve-style": "bezier", "target-arrow-shape": "triangle", "width": "data(width)",
            "line-color": "#9aa5b1", "target-arrow-color": "#9aa5b1", "font-size": 7, "label": "", "arrow-scale": 0.8 } },
          { selector: "edge[kind = 'money']", style: { "line-color": "#b5651d", "target-arrow-color": "#b5651d" } },
          { selector: "edge:selected, edge.hover", style: { "label": "data(label)" } },
          { selector: "node:selected", style: { "overlay-opacity": 0.15 } }
        ]
      });
      cy.on("tap", "node", function (event) { show(event.target); });
      cy.on("mouseover", "edge", function (event) { event.target.addClass("hover"); });
      cy.on("mouseout", "edge", function (event) { event.target.removeClass("hover"); });
      layout();
      controls.addEventListener("change", filter);
      document.getElementById("chart-layout").addEventListener("click", layout);
      document.getElementById("chart-png").addEventListener("click", function () {
        var a = document.createElement("a");
        a.href = cy.png({ full: true, scale: 2, bg: "#ffffff" });
        a.download = "link-chart.png";
        a.click();
      });
      box.dataset.nodes = String(cy.nodes().length);
      box.dataset.flagged = String(cy.nodes().filter(function (n) { return n.data("flags").length > 0; }).length);
      box.dataset.ready = "1";
    });
})();

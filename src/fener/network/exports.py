"""Exports of an investigation for other tools: GraphML (Gephi, yEd, i2 through its import) and
two CSV files (entities and links, the shape i2's and Gephi's spreadsheet imports take).

Cells that a spreadsheet would run as a formula are neutralised.
"""

from __future__ import annotations

import csv
import io
import re
from typing import Any
from xml.sax.saxutils import escape, quoteattr

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


_NUMBER = re.compile(r"^[+-]?[\d .]+$")


def _cell(value: Any) -> str:
    """The text, with a leading apostrophe when a spreadsheet would run it as a formula (a
    phone in international form, ``+389...``, is a number to a spreadsheet, not a formula)."""
    text = "" if value is None else str(value)
    if text.startswith(_FORMULA_START) and not _NUMBER.match(text):
        return "'" + text
    return text


NODE_KEYS = ("kind", "label", "origin", "degree")
EDGE_KEYS = ("kind", "type", "label", "confidence", "origin", "time", "count", "total", "currency")


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml(value: Any) -> str:
    """Text for an XML 1.0 element: escaped, and without the control characters XML forbids."""
    return escape(_CONTROL.sub("", str(value)))


def graphml(graph: dict[str, Any], name: str) -> str:
    """The graph as GraphML 1.0 text (directed; attributes declared as keys)."""
    out = io.StringIO()
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    out.write('<graphml xmlns="http://graphml.graphdrawing.org/xmlns">\n')
    for key in NODE_KEYS:
        kind = "int" if key == "degree" else "string"
        out.write(f'  <key id="n_{key}" for="node" attr.name="{key}" attr.type="{kind}"/>\n')
    for key in EDGE_KEYS:
        kind = {"confidence": "double", "count": "int"}.get(key, "string")
        out.write(f'  <key id="e_{key}" for="edge" attr.name="{key}" attr.type="{kind}"/>\n')
    out.write(f'  <graph id={quoteattr(name)} edgedefault="directed">\n')
    for node in graph["nodes"]:
        out.write(f'    <node id="n{node["id"]}">\n')
        for key in NODE_KEYS:
            out.write(f'      <data key="n_{key}">{_xml(node.get(key, ""))}</data>\n')
        out.write("    </node>\n")
    for edge in graph["edges"]:
        out.write(
            f'    <edge id={quoteattr(str(edge["id"]))} source="n{edge["source"]}" '
            f'target="n{edge["target"]}">\n'
        )
        for key in EDGE_KEYS:
            if key in edge and edge[key] not in (None, ""):
                out.write(f'      <data key="e_{key}">{_xml(edge[key])}</data>\n')
        out.write("    </edge>\n")
    out.write("  </graph>\n</graphml>\n")
    return out.getvalue()


def nodes_csv(graph: dict[str, Any]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Id", "Label", "Kind", "Origin", "Degree"])
    for node in graph["nodes"]:
        writer.writerow(
            [node["id"], _cell(node["label"]), node["kind"], node["origin"], node["degree"]]
        )
    return out.getvalue()


def edges_csv(graph: dict[str, Any]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "Source",
            "Target",
            "Type",
            "Kind",
            "Label",
            "Confidence",
            "Time",
            "Count",
            "Total",
            "Currency",
        ]
    )
    for edge in graph["edges"]:
        writer.writerow(
            [
                edge["source"],
                edge["target"],
                edge["type"],
                edge["kind"],
                _cell(edge["label"]),
                edge.get("confidence", ""),
                edge.get("time", ""),
                edge.get("count", ""),
                edge.get("total", ""),
                edge.get("currency", ""),
            ]
        )
    return out.getvalue()

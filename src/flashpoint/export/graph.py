"""The actor graph: actors as nodes; relations read from text, relations known to the dictionary,
and events between actors as edges. Written as GraphML (Gephi, yEd, networkx) or JSON.

Why three kinds of edge in one graph: analysts ask "who backs whom" (text and dictionary) and
"who fights whom" (events) of the same actors; keeping the kind on each edge lets them filter.
Every text-derived edge carries its tellings (article id and evidence words), so it can be checked.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any, TextIO
from xml.etree import ElementTree as ET

from ..actors.dictionary import ActorDictionary

GRAPHML_NS = "http://graphml.graphdrawing.org/xmlns"
_MAX_EVIDENCE = 5  # per edge: enough to check, not a copy of the corpus


def build(
    actors: Iterable[Mapping[str, Any]],
    relations: Iterable[Mapping[str, Any]],
    events: Iterable[Mapping[str, Any]],
    dictionary: ActorDictionary | None = None,
) -> dict[str, Any]:
    """Nodes and edges, deterministic in order, from store rows."""
    nodes: dict[str, dict[str, Any]] = {}

    def node(name: str, **attrs: Any) -> dict[str, Any]:
        if name not in nodes:
            known = dictionary.actor(name) if dictionary else None
            nodes[name] = {
                "id": name, "name": name,
                "actor_type": known.actor_type if known else None,
                "inter": known.inter if known else None,
                "country": known.country if known else None,
                "wikidata": known.wikidata if known else None,
                "mentions": 0, "articles": 0, "events": 0,
            }
        for k, v in attrs.items():
            if v is not None and nodes[name].get(k) in (None, 0):
                nodes[name][k] = v
        return nodes[name]

    for a in actors:
        node(a["actor"], actor_type=a.get("actor_type"), inter=a.get("inter"), country=a.get("country"),
             mentions=a.get("mentions", 0), articles=a.get("articles", 0))

    edges: dict[tuple[str, str, str], dict[str, Any]] = {}

    def edge(src: str, rel: str, dst: str, kind: str) -> dict[str, Any]:
        key = (src, rel, dst)
        if key not in edges:
            edges[key] = {"source": src, "target": dst, "relation": rel, "kind": kind,
                          "count": 0, "articles": [], "evidence": []}
        return edges[key]

    for r in relations:
        if r["relation"] == "alias_of":  # a name, not another actor: keep it on the node
            aliases = node(r["subject"]).setdefault("aliases", [])
            if r["object"] not in aliases:
                aliases.append(r["object"])
            continue
        node(r["subject"])
        node(r["object"])
        e = edge(r["subject"], r["relation"], r["object"], "text")
        e["count"] += 1
        if r["article_id"] not in e["articles"]:
            e["articles"].append(r["article_id"])
        ev = r.get("evidence")
        if ev and len(e["evidence"]) < _MAX_EVIDENCE:
            e["evidence"].append({"article_id": r["article_id"], **ev})

    for ev in events:
        a1, a2 = ev.get("actor1"), ev.get("actor2")
        for name in (a1, a2):
            if name:
                node(name)["events"] += 1
        if not a1 or not a2 or a1 == a2:
            continue
        kind = (ev.get("acled") or {}).get("event_type") or (ev.get("plover") or {}).get("type") or "event"
        e = edge(a1, f"event:{kind}", a2, "event")
        e["count"] += 1
        art = (ev.get("article") or {}).get("article_id") or ev.get("article_id")
        if art and art not in e["articles"]:
            e["articles"].append(art)

    if dictionary is not None:
        for name in list(nodes):
            known = dictionary.actor(name)
            if known is None:
                continue
            if known.parent and known.parent in nodes:
                edge(name, "member_of", known.parent, "dictionary")
            for sponsor in known.backed_by:
                if sponsor in nodes:
                    edge(name, "backed_by", sponsor, "dictionary")
    for e in edges.values():
        e["articles"] = sorted(e["articles"])
    return {
        "nodes": sorted(nodes.values(), key=lambda n: n["id"]),
        "edges": sorted(edges.values(), key=lambda e: (e["source"], e["relation"], e["target"])),
    }


def write_json(graph: Mapping[str, Any], fp: TextIO) -> int:
    json.dump(graph, fp, ensure_ascii=False, indent=2)
    fp.write("\n")
    return len(graph["nodes"])


_NODE_KEYS = (("name", "string"), ("actor_type", "string"), ("inter", "int"), ("country", "string"),
              ("wikidata", "string"), ("mentions", "int"), ("articles", "int"), ("events", "int"),
              ("aliases", "string"))
_EDGE_KEYS = (("relation", "string"), ("kind", "string"), ("count", "int"), ("articles", "string"),
              ("evidence", "string"))


def write_graphml(graph: Mapping[str, Any], fp: TextIO) -> int:
    """GraphML with typed attributes; list values are joined with " | "."""
    ET.register_namespace("", GRAPHML_NS)
    root = ET.Element(f"{{{GRAPHML_NS}}}graphml")
    for scope, keys in (("node", _NODE_KEYS), ("edge", _EDGE_KEYS)):
        for name, typ in keys:
            ET.SubElement(root, f"{{{GRAPHML_NS}}}key", {
                "id": f"{scope[0]}_{name}", "for": scope, "attr.name": name, "attr.type": typ})
    g = ET.SubElement(root, f"{{{GRAPHML_NS}}}graph", {"id": "actors", "edgedefault": "directed"})
    ids = {n["id"]: f"n{i}" for i, n in enumerate(graph["nodes"])}
    for n in graph["nodes"]:
        el = ET.SubElement(g, f"{{{GRAPHML_NS}}}node", {"id": ids[n["id"]]})
        _data(el, "n", _NODE_KEYS, {**n, "aliases": " | ".join(n.get("aliases", []))})
    for i, e in enumerate(graph["edges"]):
        el = ET.SubElement(g, f"{{{GRAPHML_NS}}}edge", {
            "id": f"e{i}", "source": ids[e["source"]], "target": ids[e["target"]]})
        flat = dict(e)
        flat["articles"] = " | ".join(e["articles"])
        flat["evidence"] = " | ".join(" ".join(x.get("text", "").split()) for x in e["evidence"])
        _data(el, "e", _EDGE_KEYS, flat)
    ET.indent(root)
    fp.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    fp.write(ET.tostring(root, encoding="unicode"))
    fp.write("\n")
    return len(graph["nodes"])


def _data(el: ET.Element, prefix: str, keys: tuple[tuple[str, str], ...], values: Mapping[str, Any]) -> None:
    for name, _ in keys:
        v = values.get(name)
        if v is None or v == "":
            continue
        d = ET.SubElement(el, f"{{{GRAPHML_NS}}}data", {"key": f"{prefix}_{name}"})
        d.text = str(v)

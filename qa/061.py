#!/usr/bin/env python3
"""061.py - what the dashboard's DOM shows, for QA test 061.

    061.py NAMES DOM.html BUSIEST

NAMES has "style<TAB>instance" lines, DOM.html is the page's outerHTML
after it ran, BUSIEST the style that should be drawn first (the one
burning CPU).  Prints the page state, whether the legend holds exactly the
lab's containers, whether each has a line in every chart that has data,
the table rows, and which container comes first.
"""
import sys
from html.parser import HTMLParser


class Dom(HTMLParser):
    def __init__(self):
        super().__init__()
        self.body = {}
        self.legend, self.rows, self.paths = [], [], {}
        self.charts, self.unavailable = 0, 0
        self.stack, self.text = [], None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "body":
            self.body = a
        where = [t for t, _ in self.stack]
        name = a.get("data-container")
        if tag == "svg":
            self.charts += 1
        if tag == "text" and a.get("class") == "nodata":
            self.text = ""
        if name is not None:
            if tag == "li":
                self.legend.append(name)
            elif tag == "tr":
                self.rows.append(name)
            elif tag == "path" and "svg" in where:
                self.paths[name] = self.paths.get(name, 0) + 1
        if tag not in ("input", "meta", "link", "br", "img"):
            self.stack.append((tag, a))

    def handle_endtag(self, tag):
        while self.stack:
            t, _ = self.stack.pop()
            if t == tag:
                break
        if tag == "text" and self.text is not None:
            if self.text.strip() == "not available":
                self.unavailable += 1
            self.text = None

    def handle_data(self, data):
        if self.text is not None:
            self.text += data


def main():
    with open(sys.argv[1]) as f:
        styles = [tuple(line.rstrip("\n").split("\t")) for line in f if line.strip()]
    dom = Dom()
    with open(sys.argv[2]) as f:
        dom.feed(f.read())
    busiest = sys.argv[3]
    insts = [i for _, i in styles]
    style_of = {i: s for s, i in styles}
    print("state: %s" % dom.body.get("data-state"))
    print("legend: %s" % ("the %d lab containers" % len(insts)
                          if sorted(dom.legend) == sorted(insts) else dom.legend))
    with_data = dom.charts - dom.unavailable
    lines = {style_of.get(n, n): dom.paths.get(n, 0) for n in insts}
    print("lines: %s" % ("each container in every chart with data"
                         if with_data >= 2 and all(v == with_data for v in lines.values())
                         else "%s in %d charts" % (lines, with_data)))
    print("charts %d, not available %d" % (dom.charts, dom.unavailable), file=sys.stderr)
    print("table: %s" % ("a row per container" if sorted(dom.rows) == sorted(insts)
                         else dom.rows))
    first = style_of.get(dom.legend[0], dom.legend[0]) if dom.legend else None
    print("drawn first: %s" % ("the busiest (%s)" % busiest if first == busiest else first))


if __name__ == "__main__":
    main()

"""Sphinx extension: ``docs/METHODS.md`` as a page of the book, and every "METHODS §N"
of the book a link to its section.

* The page ``book/methods`` (a stub in the source tree) is replaced, when Sphinx reads
  it, by the text of ``docs/METHODS.md`` with a label ``methods-N`` (``methods-3-2`` for
  §3.2) before each numbered heading, so the specification is never copied.
* A transform turns, in every page (the chapters' computed sentences included), each
  ``§N`` of a "METHODS §N", "METHODS §1–§5, §9" or "METHODS.md (§4)" mention into a
  reference to that label (a subsection without a heading falls back to its section),
  and the file name ``docs/METHODS.md`` written as code into a link to the page (only
  when the book contains the page).

* The page ``book/running`` gets its table of options from :func:`mutualism.core.config.options_table`.

* Every "chapter N" and "chapter N, §M" of a page becomes a link to that chapter and its
  numbered section M (section N.M of the table of contents), once Sphinx has numbered it.

Listed in ``_config.yml`` under ``sphinx.extra_extensions``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ..core.config import with_options_table
from ..core.resources import source_tree
from ..core.errors import MutualismError

#: Name of the page in the book (its stub is ``book/methods.md``).
PAGE = "book/methods"
_HEADING = re.compile(r"^(#{2,4})\s+(\d+(?:\.\d+)*)\.?\s+(.*)$")
_MENTION = re.compile(r"(?:docs/)?METHODS(?:\.md)?(?P<chain>(?:[\s,;–-]*(?:and\s+|sections?\s+)?\(?§\s?\d+(?:\.\d+)?\)?)+)")
_SECTION = re.compile(r"§\s?(\d+(?:\.\d+)?)")
_CHAIN_AFTER_FILE = re.compile(r"^(?P<chain>\s*\((?:[\s,;–-]*(?:and\s+)?§\s?\d+(?:\.\d+)?)+)")


def methods_file() -> Path:
    """``docs/METHODS.md`` of the source tree the library belongs to."""
    path = source_tree() / "docs" / "METHODS.md"
    if not path.is_file():
        raise MutualismError(f"the methods page needs {path}, which is missing")
    return path


def label(section: str) -> str:
    """The label of a METHODS section: ``"3.2"`` → ``methods-3-2``."""
    return "methods-" + section.replace(".", "-")


def sections(text: str) -> list[str]:
    """Numbers of the headed sections of METHODS.md, in order (``["1", …, "3.1", …]``)."""
    return [m.group(2) for m in map(_HEADING.match, text.splitlines()) if m]


#: Lines that open and close a note for developers in METHODS.md (how a quantity is
#: computed, its cost): kept in the file, left out of the book's page.
DEVELOPER_NOTE = ("<!-- developer -->", "<!-- /developer -->")


def for_readers(text: str) -> str:
    """METHODS.md without its notes for developers (between :data:`DEVELOPER_NOTE` lines)."""
    out, skipping = [], False
    for line in text.splitlines():
        if line.strip() == DEVELOPER_NOTE[0]:
            skipping = True
        elif line.strip() == DEVELOPER_NOTE[1]:
            skipping = False
        elif not skipping:
            out.append(line)
    if skipping:
        raise MutualismError(f"docs/METHODS.md: a {DEVELOPER_NOTE[0]} note is not closed by {DEVELOPER_NOTE[1]}")
    return "\n".join(out) + "\n"


def labelled(text: str) -> str:
    """METHODS.md with a MyST label line before each numbered heading."""
    out = []
    for line in text.splitlines():
        m = _HEADING.match(line)
        if m:
            out += [f"({label(m.group(2))})=", ""]
        out.append(line)
    return "\n".join(out) + "\n"


def target(section: str, known: set[str]) -> str | None:
    """The label to link for ``section`` (the nearest headed parent), or ``None``."""
    parts = section.split(".")
    while parts:
        candidate = ".".join(parts)
        if candidate in known:
            return label(candidate)
        parts.pop()
    return None


#: The API reference page (a stub in the source tree, filled from the package's modules).
API_PAGE = "book/api"


def api_modules() -> list[str]:
    """Every module of the ``mutualism`` package, layer by layer (``mutualism.LAYERS``):
    each subpackage, then its modules in name order; the command line last."""
    import pkgutil

    import mutualism

    found = [m.name for m in pkgutil.walk_packages(mutualism.__path__, "mutualism.")
             if not m.name.rpartition(".")[2].startswith("_")]
    rank = {layer: i for i, layer in enumerate(mutualism.LAYERS)}
    return sorted(found, key=lambda name: (rank[name.split(".")[1]], name.count(".") > 1, name))


def api_page() -> str:
    """The MyST of the API reference: one section per layer (its subpackage's docstring),
    one subsection per module, its docstring and the public members it defines (not those
    it re-exports) by Sphinx autodoc (numpy-style docstrings read by napoleon)."""
    lines = ["# API reference", "",
             "Every module of the library, generated from its docstrings when the book is built (Sphinx "
             "autodoc with napoleon), layer by layer as the folders of `lib/mutualism/` hold them. What each "
             "module owns is in `docs/ARCHITECTURE.md`; the definitions the functions implement are on the "
             "methods page.", ""]
    for module in api_modules():
        heading = "##" if module.count(".") == 1 else "###"
        lines += [f"{heading} `{module}`", "", "```{eval-rst}", f".. automodule:: {module}", "   :members:",
                  "   :ignore-module-all:", "```", ""]
    return "\n".join(lines) + "\n"


#: The page whose table of options is generated (``config.with_options_table``).
RUNNING_PAGE = "book/running"


def _source_read(app: Any, docname: str, source: list[str]) -> None:
    if docname == PAGE:
        source[0] = labelled(for_readers(methods_file().read_text(encoding="utf-8")))
    elif docname == API_PAGE:
        source[0] = api_page()
    elif docname == RUNNING_PAGE:
        source[0] = with_options_table(source[0], where="book/running.md")


def _link_nodes(text: str, known: set[str], make_ref) -> list | None:
    """Split ``text`` into text and reference nodes, or ``None`` when it cites nothing."""
    from docutils import nodes

    pieces, last = [], 0
    for mention in _MENTION.finditer(text):
        chain_start = mention.start("chain")
        for sec in _SECTION.finditer(mention.group("chain")):
            start, end = chain_start + sec.start(), chain_start + sec.end()
            ref = target(sec.group(1), known)
            if ref is None:
                continue
            pieces.append(nodes.Text(text[last:start]))
            pieces.append(make_ref(ref, text[start:end]))
            last = end
    if not pieces:
        return None
    pieces.append(nodes.Text(text[last:]))
    return pieces


def _setup_transform(app: Any):
    from docutils import nodes
    from sphinx import addnodes
    from sphinx.transforms import SphinxTransform

    class LinkMethods(SphinxTransform):
        """"METHODS §N" → a reference to the section on the methods page."""

        default_priority = 400

        def apply(self, **kwargs: Any) -> None:
            if PAGE not in self.env.found_docs:  # a book without the methods page: nothing to link to
                return
            known = set(sections(methods_file().read_text(encoding="utf-8")))
            skip = (nodes.literal_block, nodes.reference, nodes.title, addnodes.pending_xref, nodes.raw,
                    nodes.math, nodes.math_block, nodes.target)

            def make_ref(ref: str, text: str):
                node = addnodes.pending_xref("", refdomain="std", reftype="ref", reftarget=ref, refexplicit=True,
                                             refwarn=True, refdoc=self.env.docname)
                node += nodes.inline(text, text, classes=["xref", "std", "std-ref", "methods-ref"])
                return node

            for literal in list(self.document.findall(nodes.literal)):  # ``docs/METHODS.md``
                if literal.astext() in ("docs/METHODS.md", "METHODS.md") and not _inside(literal, skip):
                    ref = addnodes.pending_xref("", refdomain="std", reftype="doc", reftarget=f"/{PAGE}",
                                                refexplicit=True, refdoc=self.env.docname)
                    ref += nodes.literal(literal.astext(), literal.astext())
                    literal.replace_self(ref)
            if self.env.docname == PAGE:
                return
            for text in list(self.document.findall(nodes.Text)):
                if "§" not in text or _inside(text, skip + (nodes.literal,)):
                    continue
                value = str(text)
                pieces = _link_nodes(value, known, make_ref)
                if pieces is None:
                    match = _CHAIN_AFTER_FILE.match(value)  # "`docs/METHODS.md` (§1–§5, §9)"
                    previous = text.parent.index(text) - 1 if text.parent is not None else -1
                    if match and previous >= 0 and "METHODS" in text.parent[previous].astext():
                        pieces = _link_nodes("METHODS" + value, known, make_ref)
                        if pieces is not None:
                            pieces[0] = nodes.Text(str(pieces[0])[len("METHODS"):])
                if pieces is not None:
                    text.parent.replace(text, pieces)

    return LinkMethods


def _inside(node: Any, kinds: tuple) -> bool:
    parent = node.parent
    while parent is not None:
        if isinstance(parent, kinds):
            return True
        parent = parent.parent
    return False


#: "chapter 2", "Chapter 10", "chapter 2, §6" (§6: the chapter's sixth numbered section, 2.6).
_CHAPTER = re.compile(r"\b[Cc]hapters? (?P<chapter>\d{1,2})(?:, §(?P<section>\d+(?:\.\d+)*))?\b")


def chapter_targets(secnumbers: dict[str, dict[str, tuple]]) -> dict[tuple[int, ...], tuple[str, str]]:
    """Section number → (document, anchor) from Sphinx's ``env.toc_secnumbers``:
    ``(2,)`` → ``("notebooks/02_indices", "")``, ``(2, 6)`` → ``(…, "#the-coordination-index")``."""
    out: dict[tuple[int, ...], tuple[str, str]] = {}
    for doc, numbers in (secnumbers or {}).items():
        for anchor, number in numbers.items():
            if number:
                out.setdefault(tuple(number), (doc, anchor))
    return out


def chapter_links(text: str, targets: dict[tuple[int, ...], tuple[str, str]]):
    """``(start, end, document, anchor)`` of each "chapter N" / "chapter N, §M" in ``text``
    that names a numbered chapter (and section) of the book."""
    found = []
    for match in _CHAPTER.finditer(text):
        chapter = int(match.group("chapter"))
        number = (chapter, *map(int, match.group("section").split("."))) if match.group("section") else (chapter,)
        hit = targets.get(number) or (targets.get((chapter,)) if match.group("section") else None)
        if hit and (number in targets or not match.group("section")):
            found.append((match.start(), match.end(), *hit))
    return found


def _link_chapters(app: Any, doctree: Any, docname: str) -> None:
    """Every "chapter N" and "chapter N, §M" of a page becomes a link to that chapter (and
    section), by the numbers Sphinx gave the table of contents."""
    from docutils import nodes
    from sphinx import addnodes

    if getattr(app.builder, "format", "") != "html":
        return
    targets = chapter_targets(getattr(app.env, "toc_secnumbers", {}))
    if not targets:
        return
    skip = (nodes.literal_block, nodes.reference, nodes.title, addnodes.pending_xref, nodes.raw, nodes.math,
            nodes.math_block, nodes.target, nodes.literal, addnodes.toctree, nodes.caption)
    for text in list(doctree.findall(nodes.Text)):
        if "hapter" not in text or _inside(text, skip):
            continue
        value = str(text)
        links = chapter_links(value, targets)
        if not links:
            continue
        pieces, last = [], 0
        for start, end, doc, anchor in links:
            uri = app.builder.get_relative_uri(docname, doc) + anchor
            pieces += [nodes.Text(value[last:start]),
                       nodes.reference(value[start:end], value[start:end], refuri=uri, internal=True,
                                       classes=["chapter-ref"])]
            last = end
        pieces.append(nodes.Text(value[last:]))
        text.parent.replace(text, pieces)


def setup(app: Any) -> dict[str, Any]:
    """Sphinx entry point."""
    methods_file()
    app.connect("source-read", _source_read)
    app.add_transform(_setup_transform(app))
    app.connect("doctree-resolved", _link_chapters)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}

"""Schematics drawn by code: the five transfer routes (METHODS §4) and the mechanism
model of the theory chapter (METHODS §8, mediation).

Each function returns ``(figure, data)``: the matplotlib figure and a DataFrame of what
it draws (the legs of every route, the arrows of the model), saved beside the PNG by
:func:`mutualism.report.figures.save_figure`. Drawn in the Okabe–Ito palette of
:mod:`mutualism.report.figures`, with line styles that survive greyscale printing
(intermediate goods dashed, final goods solid).
"""

from __future__ import annotations

import pandas as pd

from .figures import OKABE_ITO

#: The five routes of industrial transfer from ``a`` to ``b`` (METHODS §4): the legs of
#: each path in order (from, to, goods) and the formula of the route.
TRANSFER_ROUTES = {
    "dva_fin": ([("a", "b", "final")], r"$\mathrm{diag}(v_a)B_{aa}Y_{ab}$",
                "final goods a → b"),
    "dva_int": ([("a", "b", "intermediate")], r"$W_a A_{ab} B_{bb} Y_{bb}$",
                "intermediates a → b, in b's own final goods"),
    "dva_intrex": ([("a", "b", "intermediate"), ("b", "d", "intermediate"), ("d", "b", "final")],
                   r"$W_a A_{ab} \sum_d B_{bd} Y_{db}$", "a → b → d, back to b as final goods"),
    "dva_int_third": ([("a", "d", "intermediate"), ("d", "b", "final")],
                      r"$\sum_d W_a A_{ad} B_{dd} Y_{db}$", "a → d, final goods of d to b"),
    "dva_intrex_third": ([("a", "d", "intermediate"), ("d", "b", "intermediate")],
                         r"$\sum_d W_a A_{ad} B_{db} Y_{bb}$", "a → d → b, in b's own final goods"),
}
_NODES = {"a": (0.0, 1.0), "b": (2.0, 1.0), "d": (1.0, 0.0)}
_NODE_TEXT = {"a": "a\n(source)", "b": "b\n(destination)", "d": "d\n(third\ncountry)"}
_GOODS_STYLE = {"intermediate": dict(linestyle=(0, (4, 2)), color=OKABE_ITO[4]),
                "final": dict(linestyle="-", color=OKABE_ITO[5])}


def _box(ax, xy, text, *, color="white", width=0.62, height=0.42, fontsize=9, weight="normal"):
    from matplotlib.patches import FancyBboxPatch

    x, y = xy
    ax.add_patch(FancyBboxPatch((x - width / 2, y - height / 2), width, height, boxstyle="round,pad=0.04",
                                facecolor=color, edgecolor="0.2", linewidth=1.0, zorder=3))
    ax.text(x, y, text, ha="center", va="center", fontsize=fontsize, weight=weight, zorder=4)


def _edge_point(centre, towards, half_width=0.35, half_height=0.25):
    """Where the segment from a box's ``centre`` towards another point leaves the box."""
    (x0, y0), (x1, y1) = centre, towards
    dx, dy = x1 - x0, y1 - y0
    t = min(half_width / abs(dx) if dx else float("inf"), half_height / abs(dy) if dy else float("inf"))
    return x0 + t * dx, y0 + t * dy


def _arrow(ax, start, end, *, rad=0.0, label=None, shrink=3, **style):
    from matplotlib.patches import FancyArrowPatch

    start, end = _edge_point(start, end), _edge_point(end, start)

    ax.add_patch(FancyArrowPatch(start, end, connectionstyle=f"arc3,rad={rad}", arrowstyle="-|>",
                                 mutation_scale=14, linewidth=1.8, shrinkA=shrink, shrinkB=shrink, zorder=3.5,
                                 **style))
    if label:
        mx, my = (start[0] + end[0]) / 2, (start[1] + end[1]) / 2
        dx, dy = end[0] - start[0], end[1] - start[1]
        ax.text(mx + rad * dy * 0.55, my - rad * dx * 0.55, label, ha="center", va="center", fontsize=8,
                bbox=dict(boxstyle="circle,pad=0.15", facecolor="white", edgecolor="0.4", linewidth=0.6), zorder=5)


def transfer_routes():
    """Schematic of the five routes by which value added of ``a``'s industry reaches the
    final demand of ``b`` (METHODS §4), one panel per route, legs numbered in order.

    Returns
    -------
    (matplotlib.figure.Figure, DataFrame) : the figure and one row per leg
        (``route, step, from, to, goods, path, formula``).
    """
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    fig, axes = plt.subplots(2, 3, figsize=(8.6, 5.8), layout="constrained")
    rows = []
    # Which way a leg between two nodes bends, so that b → d and d → b do not overlap.
    bend = {("b", "d"): 0.55, ("d", "b"): 0.55, ("a", "d"): -0.15, ("a", "b"): 0.0}
    for ax, (name, (legs, formula, path)) in zip(axes.flat, TRANSFER_ROUTES.items()):
        for node, xy in _NODES.items():
            used = any(node in leg[:2] for leg in legs)
            _box(ax, xy, _NODE_TEXT[node], color="#F2F2F2" if used else "white", fontsize=9)
            if not used:
                ax.texts[-1].set_alpha(0.35)
                ax.patches[-1].set_alpha(0.35)
        for k, (src, dst, goods) in enumerate(legs, 1):
            _arrow(ax, _NODES[src], _NODES[dst], rad=bend.get((src, dst), 0.0), label=str(k), **_GOODS_STYLE[goods])
            rows.append({"route": name, "step": k, "from": src, "to": dst, "goods": goods, "path": path,
                         "formula": formula.strip("$")})
        ax.text(2.0, 1.43, "absorbed by b's\nfinal demand", ha="center", va="bottom", fontsize=8.5, color="0.25")
        ax.set_title(f"{name}\n{formula}", fontsize=11)
        ax.set_xlim(-0.5, 2.5)
        ax.set_ylim(-0.4, 1.75)
        ax.set_aspect("equal")
        ax.axis("off")
    key = axes.flat[-1]
    key.axis("off")
    handles = [Line2D([0], [0], linewidth=1.8, **_GOODS_STYLE[g], label=f"{g} goods") for g in _GOODS_STYLE]
    key.legend(handles=handles, loc="upper left", frameon=False, fontsize=10, title="each leg carries",
               title_fontsize=10)
    key.text(0.0, 0.45, "$W_a = \\mathrm{diag}(v_a)\\,L_{aa}$, $L_{aa} = (I - A_{aa})^{-1}$\n"
             "$d$: every third country, $d \\notin \\{a, b\\}$\n"
             "numbers: the order of the legs\n"
             "ITR adds the routes in both directions,\n"
             "China → partner and partner → China",
             transform=key.transAxes, fontsize=9.5, va="top")
    return fig, pd.DataFrame(rows)


#: The mechanism model (METHODS §8): arrows ``(from, to, coefficient, equation)``.
MECHANISM_EDGES = (
    ("ln ITR", "RVC", "α1", "mediator equation: M = α1 ln ITR + …"),
    ("ln ITR", "INC", "α1", "mediator equation: M = α1 ln ITR + …"),
    ("RVC", "ln RH, ln HD, ln XT", "φ2", "outcome equation: ln Y = φ1 ln ITR + φ2 M + …"),
    ("INC", "ln RH, ln HD, ln XT", "φ2", "outcome equation: ln Y = φ1 ln ITR + φ2 M + …"),
    ("ln ITR", "ln RH, ln HD, ln XT", "φ1 (β1 without M)", "H1: ln Y = β1 ln ITR + … ; direct effect φ1 given M"),
)


def mechanism():
    """The paper's mechanism diagram: transfer raises symbiosis directly (H1) and through
    regional value chain cooperation and industrial agglomeration (H2), with the
    coefficient each arrow stands for.

    Returns
    -------
    (matplotlib.figure.Figure, DataFrame) : the figure and one row per arrow
        (``from, to, coefficient, equation``).
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import FancyArrowPatch

    fig, ax = plt.subplots(figsize=(7.6, 4.3), layout="constrained")
    pos = {"ln ITR": (0.0, 1.0), "RVC": (2.0, 2.0), "INC": (2.0, 0.0), "ln RH, ln HD, ln XT": (4.0, 1.0)}
    text = {"ln ITR": "industrial transfer\n$\\ln \\mathit{ITR}$",
            "RVC": "regional value chain\ncooperation $\\mathit{RVC}$",
            "INC": "industrial\nagglomeration $\\mathit{INC}$",
            "ln RH, ln HD, ln XT": "mutualism\nfusion $\\ln \\mathit{RH}$\ninteraction $\\ln \\mathit{HD}$\n"
                                   "coordination $\\ln \\mathit{XT}$"}
    colours = {"ln ITR": "#FCE8C8", "RVC": "#D9EEF9", "INC": "#D9EEF9", "ln RH, ln HD, ln XT": "#D5F0E6"}
    for node, xy in pos.items():
        _box(ax, xy, text[node], color=colours[node], width=1.35, height=0.62 if node != "ln RH, ln HD, ln XT" else 0.95,
             fontsize=10)
    labels = {"α1": "$\\alpha_1$", "φ2": "$\\varphi_2$", "φ1 (β1 without M)": "$\\varphi_1$ (H1: $\\beta_1$)"}
    ends = {("ln ITR", "RVC"): ((0.68, 1.2), (1.32, 1.95)), ("ln ITR", "INC"): ((0.68, 0.8), (1.32, 0.05)),
            ("RVC", "ln RH, ln HD, ln XT"): ((2.68, 1.95), (3.32, 1.3)),
            ("INC", "ln RH, ln HD, ln XT"): ((2.68, 0.05), (3.32, 0.7)),
            ("ln ITR", "ln RH, ln HD, ln XT"): ((0.68, 1.0), (3.32, 1.0))}
    for src, dst, coef, _ in MECHANISM_EDGES:
        start, end = ends[(src, dst)]
        direct = src == "ln ITR" and dst.startswith("ln RH")
        ax.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=18, linewidth=2.0,
                                     color=OKABE_ITO[0] if direct else OKABE_ITO[4],
                                     linestyle="-" if direct else (0, (5, 2)), zorder=2))
        mx, my = (start[0] + end[0]) / 2, (start[1] + end[1]) / 2
        ax.text(mx, my + (0.06 if direct else 0.0), labels[coef], ha="center", va="bottom" if direct else "center",
                fontsize=11, bbox=dict(facecolor="white", edgecolor="none", pad=1.5), zorder=5)
    ax.text(2.0, -0.66, "H1: the direct arrow.  H2: the indirect effect $\\alpha_1\\varphi_2$ through a mediator:\n"
            "mediation if it has the sign of $\\varphi_1$, masking if the opposite",
            ha="center", va="center", fontsize=10, color="0.25")
    ax.set_xlim(-0.8, 4.8)
    ax.set_ylim(-0.8, 2.45)
    ax.axis("off")
    data = pd.DataFrame(MECHANISM_EDGES, columns=["from", "to", "coefficient", "equation"])
    return fig, data

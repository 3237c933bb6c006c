"""The option catalogue (every run option: values, default, METHODS section, meaning, flag),
generated from the metadata of ``mutualism.core.config.Params``.

    .venv/bin/python scripts/options_table.py           # print the Markdown table
    .venv/bin/python scripts/options_table.py --write   # rewrite README.md's table in place

``tests/test_config.py`` fails while README.md's table differs from the generated one; the
book's page on re-running (book/running.md) is filled from the same function when it is built.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from mutualism.core.config import options_table, with_options_table
from mutualism.core.fileio import atomic_write_text

README = Path(__file__).resolve().parents[1] / "README.md"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--write", action="store_true", help=f"rewrite the table in {README.name}")
    if parser.parse_args().write:
        text = README.read_text(encoding="utf-8")
        new = with_options_table(text, where=str(README))
        if new != text:
            atomic_write_text(README, new)
        print(f"{README}: {'table rewritten' if new != text else 'table already up to date'}")
    else:
        print(options_table(), end="")


if __name__ == "__main__":
    main()

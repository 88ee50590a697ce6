"""`activity-metrics report`."""

from __future__ import annotations

import sys

from ..warehouse import Settings
from .common import (
    _command,
    _month,
)


def cmd_report(args, settings: Settings) -> int:
    from ..report import read_pack, render_markdown
    from ..report_html import render_html

    pack = read_pack(settings, args.month)
    page = render_html(pack) if args.format == "html" else render_markdown(pack)
    path = args.output or f"board-pack-{pack.month:%Y-%m}.{args.format}"
    if path == "-":
        sys.stdout.write(page)
        return 0
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(page)
    state = "complete" if pack.is_complete else f"incomplete, through {pack.as_of}"
    print(
        f"wrote {path}: {pack.month:%B %Y} ({state}), {len(pack.revisions)} revisions since "
        f"the previous pack, {len(pack.anomalies)} anomalies under test"
    )
    return 0


def register(sub, options) -> None:
    report = _command(
        sub,
        "report",
        "the board pack: one self-contained page of a month's figures",
        "DAU, WAU, MAU and stickiness over 12 months, the month's growth accounting and\n"
        "quick ratio, the retention triangle, coverage and anomaly status, every revision\n"
        "since the previous pack, a footnote per definition. HTML with its charts inline\n"
        "(no script, style or font from elsewhere: it opens from an email attachment), or\n"
        "Markdown. Default month: the last complete one; the current month is marked\n"
        "incomplete.",
        ["report", "report --month 2026-10 --output october.html", "report --format md --output -"],
        parents=[options.common],
    )
    report.add_argument(
        "--month", type=_month, default=None, metavar="YYYY-MM", help="default: the last complete"
    )
    report.add_argument(
        "--output",
        default=None,
        metavar="FILE",
        help="default: board-pack-YYYY-MM.<format>; - for stdout",
    )
    report.add_argument(
        "--format", choices=("html", "md"), default="html", help="html (default) or md (Markdown)"
    )
    report.set_defaults(func=cmd_report)

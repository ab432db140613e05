"""Values OCR read as one number from stacked lines, one of them unsure.

A cell's lines are joined top to bottom (`tables.grid.cell_text`), and a number printed
over two lines reads as one ("12" over "34" is 1234). A seal's lettering or star over a cell
is read as an extra line too, often as a digit the recogniser is unsure of: a grey seal's
star over "4" read "4" (0.39) over "4" (0.93), and the cell became 44 with only a
low-confidence warning (scan-r2023-word-tbrl). Such a value may be wrong by a whole digit:
an error, not a warning, unless the table's arithmetic repaired it.
"""

from __future__ import annotations

from typing import Mapping

from ..records import CellRecord, Finding

RULE = "cell.stacked_unsure"


def stacked_unsure_findings(cells: Mapping[str, CellRecord], min_confidence: float) -> list[Finding]:
    """An error per OCR cell whose number was joined from several text lines while one of
    them read below `min_confidence` (a cell's confidence is its least sure line's)."""
    findings = []
    for key, record in cells.items():
        lines = [line for line in record.text.split("\n") if line.strip()]
        if (record.source != "ocr" or record.repair is not None or len(lines) < 2
                or not isinstance(record.value, (int, float)) or record.confidence >= min_confidence):
            continue
        findings.append(Finding(
            rule=RULE,
            severity="error",
            message=f"{key} 读作 {record.value}，由上下 {len(lines)} 行文字（“{'”“'.join(lines)}”）拼合，"
            f"其中有识别不确定的一行（置信度 {record.confidence:.2f}，可能是印章笔画），数值可能多出或缺少数字，请核对原件",
            message_en=f"{key} reads {record.value}, joined from {len(lines)} stacked lines ({' / '.join(lines)}) of which "
            f"one was recognised unsurely (confidence {record.confidence:.2f}; a seal's stroke read as a digit?): the value "
            f"may have a digit too many or too few; check the original",
            cells=(key,),
        ))
    return findings

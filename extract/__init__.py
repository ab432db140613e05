"""extract: validated records from 政府信息公开工作年度报告 PDFs."""

from .pipeline import extract_file
from .records import Report
from .settings import Settings

__all__ = ["extract_file", "load", "Report", "Settings"]
__version__ = "0.1.0"


def __getattr__(name: str):
    # extract.load(db): pandas frames of a batch database (extra `research`), imported on use.
    if name == "load":
        from .export.frames import load

        return load
    raise AttributeError(f"module 'extract' has no attribute {name!r}")

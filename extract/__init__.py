"""extract: validated records from 政府信息公开工作年度报告 PDFs."""

from .pipeline import extract_file
from .records import Report
from .settings import Settings

__all__ = ["extract_file", "Report", "Settings"]
__version__ = "0.1.0"

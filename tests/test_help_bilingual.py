"""Every command's --help is in both languages (issue 18): its description opens with a
Chinese line, an English paragraph follows, and the exit codes are named 退出码 / exit codes.
In-process (`extract.cli.main`), so the subcommands are found the way the command finds them.
"""

from __future__ import annotations

import re

import pytest

from extract.cli import _STAGE_SUBCOMMANDS, main

CJK = re.compile(r"[\u4e00-\u9fff]")
COMMANDS = [None, "schema", "eval", *_STAGE_SUBCOMMANDS]


def _help(capsys, command) -> str:
    with pytest.raises(SystemExit) as stop:
        main([*([command] if command else []), "--help"])
    assert stop.value.code == 0
    return capsys.readouterr().out


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c or "extract")
def test_help_is_chinese_then_english(capsys, command):
    text = _help(capsys, command)
    assert text.startswith(f"usage: extract{' ' + command if command else ''}")
    # The description starts after the usage block's blank line.
    description = text.split("\n\n", 1)[1].split("\n\n", 1)[0].splitlines()
    first = description[0]
    assert CJK.match(first) and len(CJK.findall(first)) >= 10, first
    english = [line for line in description[1:] if not CJK.search(line[:20])]
    assert english and len(re.findall(r"\b[a-zA-Z]{2,}\b", english[0])) >= 4, description
    # Lines are wrapped for a terminal: no description line wider than 100 columns.
    assert all(sum(2 if CJK.match(ch) else 1 for ch in line) <= 100 for line in description), description
    if command != "schema":
        assert "退出码 exit codes: 0 " in text


def test_every_subcommand_is_listed_in_the_main_help(capsys):
    text = " ".join(_help(capsys, None).split())
    for command in COMMANDS[1:]:
        assert f"extract {command} " in text, command

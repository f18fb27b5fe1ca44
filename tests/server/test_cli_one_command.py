"""The command line imports only the subcommand it is given, and parses and fails exactly as with all of them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from vetline.server import cli


def test_scan_imports_no_other_subcommand(tmp_path: Path) -> None:
    """Ensure that `vetline scan` does not import the modules of the other subcommands."""
    (tmp_path / "app.py").write_text("x = 1\n")
    code = (
        "import sys\nfrom vetline.server.cli import main\n"
        f"main(['scan', '--format', 'json', {str(tmp_path)!r}])\n"
        "commands = [m for m in sys.modules if m.startswith('vetline.server.commands.')]\n"
        "print(sorted(m for m in commands if not m.rsplit('.', 1)[1].startswith('_')))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip().splitlines()[-1] == "['vetline.server.commands.scan']"


@pytest.mark.parametrize(
    "words",
    [
        ["scan", "--format", "json", "x.py"],
        ["scan", "--bogus"],
        ["scan", "--fromat", "json"],
        ["scan", "--jobs", "many"],
        ["scan", "--help"],
        ["test-rules", "--help"],
        ["ai-context"],
        ["rules", "--output-format", "x"],
        ["bogus"],
        ["--version"],
        [],
    ],
)
def test_one_command_parse_matches_the_full_parser(words: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    """Ensure that parsing with only the named subcommand gives the full parser's result, output and exit code."""

    def outcome(parse: object) -> tuple[object, str, str]:
        try:
            args = parse(words)  # type: ignore[operator]
            result: object = sorted((k, repr(v)) for k, v in vars(args).items())
        except SystemExit as exit:
            result = ("exit", exit.code)
        out, err = capsys.readouterr()
        return result, out, err

    assert outcome(cli._parse) == outcome(lambda w: cli.build_parser().parse_args(w))

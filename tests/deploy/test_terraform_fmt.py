"""The Terraform files are in `terraform fmt` canonical layout.

No `terraform` binary is packaged for this machine (neither Debian nor PyPI ship a current
one), so the test checks the rules of `terraform fmt` that matter for review diffs in pure
Python: two-space indentation by nesting depth, no tabs or trailing spaces, one blank line at
most, aligned `=` in each run of consecutive single-line attributes, and a final newline.
Where a `terraform` binary exists, `terraform fmt -check -recursive terraform/` is the
reference, and it is run as well.
"""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

TERRAFORM_DIR = Path(__file__).resolve().parents[2] / "terraform"
TF_FILES = sorted(TERRAFORM_DIR.rglob("*.tf"))

_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_ATTRIBUTE = re.compile(r"^(?P<indent> *)(?P<key>[A-Za-z_][\w.-]*|\"[^\"]*\") *= ")


def _code_of(line: str) -> str:
    """The line without string literals and comments, for counting brackets."""
    code = _STRING.sub('""', line)
    for marker in ("#", "//"):
        if marker in code:
            code = code.split(marker, 1)[0]
    return code


class _Indenter:
    """terraform fmt's indentation: a line that opens brackets indents what follows by one
    level, however many it opens; closing lines give the levels back (hclwrite's rule)."""

    def __init__(self) -> None:
        self.levels: list[int] = []

    def indent_of(self, code: str) -> int:
        net = sum(code.count(c) for c in "{[(") - sum(code.count(c) for c in "}])")
        if net > 0:
            indent = 2 * len(self.levels)
            self.levels.append(net)
            return indent
        closed = -net
        while closed > 0 and self.levels:
            if closed >= self.levels[-1]:
                closed -= self.levels.pop()
            else:
                self.levels[-1] -= closed
                closed = 0
        return 2 * len(self.levels)


def format_problems(text: str) -> list[str]:
    """Each way the text differs from terraform fmt's layout, as 'line N: problem'."""
    problems: list[str] = []
    lines = text.split("\n")
    if not text.endswith("\n") or text.endswith("\n\n"):
        problems.append("file must end with exactly one newline")
    indenter = _Indenter()
    group: list[tuple[int, int]] = []  # (line number, column of '=' relative to the indent)
    group_indent = -1
    blank_run = 0

    def close_group() -> None:
        if group:
            expected = max(column for _, column in group)
            for number, column in group:
                if column != expected:
                    problems.append(f"line {number}: '=' not aligned with its neighbours")
        group.clear()

    for number, line in enumerate(lines[:-1], start=1):
        if "\t" in line:
            problems.append(f"line {number}: tab character")
        if line != line.rstrip():
            problems.append(f"line {number}: trailing whitespace")
        stripped = line.strip()
        if not stripped:
            blank_run += 1
            if blank_run > 1:
                problems.append(f"line {number}: more than one blank line")
            close_group()
            continue
        blank_run = 0
        code = _code_of(stripped)
        expected_indent = indenter.indent_of(code)
        indent = len(line) - len(line.lstrip(" "))
        if indent != expected_indent:
            problems.append(f"line {number}: indent {indent}, expected {expected_indent}")
        match = _ATTRIBUTE.match(line)
        spans_lines = sum(code.count(c) for c in "{[(") != sum(code.count(c) for c in "}])")
        if match and indent == expected_indent and not spans_lines:
            if group and group_indent != indent:
                close_group()
            group_indent = indent
            key_end = len(match.group("indent")) + len(match.group("key"))
            equals = line.index("=", key_end)
            group.append((number, equals - indent))
            if line[equals + 1 : equals + 3] != " " + line[equals + 2 : equals + 3].strip():
                problems.append(f"line {number}: exactly one space after '='")
        else:
            # Blocks, comments and attributes whose value spans lines end a run of aligned '='.
            close_group()
            if match and spans_lines and not re.match(r"^ *\S+ = \S", line):
                problems.append(f"line {number}: exactly one space around '='")
    close_group()
    if indenter.levels:
        problems.append("unbalanced brackets at end of file")
    return problems


def test_there_are_terraform_files():
    assert len(TF_FILES) >= 20


@pytest.mark.parametrize("path", TF_FILES, ids=lambda p: str(p.relative_to(TERRAFORM_DIR)))
def test_terraform_file_has_canonical_layout(path):
    problems = format_problems(path.read_text())
    assert problems == [], f"{path}: " + "; ".join(problems)


def test_format_checker_catches_misaligned_and_misindented_attributes():
    good = 'resource "a" "b" {\n  name  = "x"\n  count = 1\n\n  tags = {\n    A = "1"\n  }\n}\n'
    assert format_problems(good) == []
    assert format_problems(good.replace('name  = "x"', 'name = "x"'))
    assert format_problems(good.replace('    A = "1"', '   A = "1"'))
    assert format_problems(good.replace("  count = 1", "\tcount = 1"))


def test_terraform_fmt_agrees_where_the_binary_exists():
    terraform = shutil.which("terraform") or shutil.which("tofu")
    if terraform is None:
        # The pure-Python checks above ran; the binary is the stricter reference where present.
        return
    result = subprocess.run(
        [terraform, "fmt", "-check", "-recursive", "-diff", str(TERRAFORM_DIR)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr

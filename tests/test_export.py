"""`tutor export`: the worked solution of one iteration as Markdown, LaTeX and HTML.

Every number of a handout is the engine's; every text from the scenario file is escaped;
a bad scenario, extension or --steps writes nothing and exits with status 2."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest
import yaml
from typer.testing import CliRunner

from backprop_tutor.cli import app
from backprop_tutor.engine import Engine
from backprop_tutor.export import build, format_of, parse_steps, render, StepRangeError, ExportError
from backprop_tutor.render.matrix import number
from backprop_tutor.scenario import load

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = ("<script>alert(1)</script> $x^2$ \\input{/etc/passwd} ``` `rm -rf` *b* [l](javascript:x) "
           "% & # _ ~ ^ { } | é ạ 中")
runner = CliRunner()


@pytest.fixture(scope="module")
def height_weight():
    model = load("height-weight", up_close=True)
    return model, list(Engine(model).steps())


@pytest.fixture(scope="module")
def handout(height_weight):
    return build(*height_weight)


@pytest.fixture(scope="module")
def hostile_file(tmp_path_factory) -> Path:
    raw = yaml.safe_load((ROOT / "scenarios" / "height-weight.yaml").read_text(encoding="utf-8"))
    raw["name"] = "hw-<b>$\\input{x}`"
    raw["title"] = "T " + HOSTILE
    raw["description"] = "D " + HOSTILE + "\nsecond line"
    raw["source"]["document"] = "S " + HOSTILE
    path = tmp_path_factory.mktemp("hostile") / "hostile.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def hostile(hostile_file):
    model = load(str(hostile_file), up_close=True)
    return build(model, Engine(model).steps())


def tutor(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "backprop_tutor", *map(str, args)], capture_output=True,
                          text=True, cwd=cwd, timeout=120)


# the handout's records ----------------------------------------------------------------------

def test_every_step_is_in_the_handout_with_a_derivation_for_every_gradient(height_weight, handout):
    model, steps = height_weight
    assert [item.step.key for item in handout.items] == [st.key for st in steps]
    assert handout.total == len(steps) == 21
    grads = [item for item in handout.items if item.step.grad]
    assert {item.step.key for item in grads} == {"dL/dA2", "dL/dZ2", "dL/dW2", "dL/db2", "dL/dA1", "dL/dZ1",
                                                   "dL/dW1", "dL/db1"}
    for item in grads:  # the derivation's value is the engine's, and the central difference agrees
        ex = item.explanation
        assert ex is not None, item.step.key
        np.testing.assert_allclose(np.asarray(ex.engine_value, float), np.asarray(item.step.value, float))
        np.testing.assert_allclose(np.asarray(ex.value, float), np.asarray(item.step.value, float), rtol=1e-9)
        np.testing.assert_allclose(np.asarray(ex.finite_difference, float), np.asarray(item.step.value, float),
                                   rtol=1e-5, atol=1e-9)
    z1 = next(item for item in handout.items if item.step.key == "Z1")
    assert z1.elements and z1.elements[0].endswith(number(z1.step.value[0, 0]))
    dz2 = next(item for item in handout.items if item.step.key == "dL/dZ2")
    assert len(dz2.derivative) == 3  # σ′(z), as sympy derives it, and in terms of a: a(1 − a)
    assert any("(step" in r for r in dz2.reuses)


def test_steps_range():
    assert parse_steps(None, 21) == (1, 21)
    assert parse_steps("5-12", 21) == (5, 12)
    assert parse_steps("5-", 21) == (5, 21)
    assert parse_steps("-4", 21) == (1, 4)
    assert parse_steps("7", 21) == (7, 7)
    for bad in ("0-3", "12-5", "5-22", "x", "", "-", "1-2-3"):
        with pytest.raises(StepRangeError):
            parse_steps(bad, 21)


def test_the_extension_chooses_the_format():
    assert [format_of(f"a{ext}") for ext in (".md", ".tex", ".html", ".HTML")] == ["markdown", "latex", "html", "html"]
    for bad in ("a.pdf", "a", "a.txt"):
        with pytest.raises(ExportError):
            format_of(bad)


# Markdown -------------------------------------------------------------------------------------

def test_markdown_has_every_step_its_math_and_its_numbers(handout, height_weight):
    text = render(handout, "markdown")
    assert text.startswith("# 2-2-1 sigmoid net: weight from height, one pass on the second record\n")
    assert len(re.findall(r"^## Step \d+/21 ", text, re.M)) == 21
    assert text.count("$$") % 2 == 0 and text.count("$$") > 40
    assert text.count("<details>") == text.count("</details>") == 8
    assert r"\frac{\partial L}{\partial " in text  # the chain rule, by sympy's LaTeX printer
    for st in height_weight[1]:  # each step's result, to 6 significant digits
        for x in np.ravel(st.value)[:4]:
            shown = number(x)
            assert shown.split("e")[0] in text, (st.key, shown)


def test_markdown_escapes_the_scenarios_text(hostile):
    text = render(hostile, "markdown")
    head = text.split("## Step 1/")[0]
    assert "<script>" not in head and "\\<script\\>" in head
    assert "$x" not in head.replace("\\$x", "")  # every dollar escaped: no math from a title
    assert "``" not in head.replace("\\`", "")
    assert "[l](javascript" not in head and "\\[l\\]\\(javascript:x\\)" in head
    assert "second line" in head and "D \\<script" in head


# LaTeX ----------------------------------------------------------------------------------------

def _tex_structure(text: str) -> None:
    assert text.startswith(r"\documentclass") and text.rstrip().endswith(r"\end{document}")
    assert text.count(r"\begin{document}") == 1
    for env in set(re.findall(r"\\begin\{(\w+\*?)\}", text)):
        assert text.count(rf"\begin{{{env}}}") == text.count(rf"\end{{{env}}}"), env
    body = re.sub(r"\\[{}$&#%_]", "", text)  # escaped braces do not count
    assert body.count("{") == body.count("}")
    declared = set(re.findall(r"DeclareUnicodeCharacter\{([0-9A-F]+)\}", text))
    assert {f"{ord(ch):04X}" for ch in text if ord(ch) > 127} <= declared  # pdflatex can set every character


def test_latex_is_a_complete_document(handout):
    text = render(handout, "latex")
    _tex_structure(text)
    assert len(re.findall(r"\\subsection\*\{Step \d+/21", text)) == 21
    assert text.count(r"\begin{align*}") == 8  # one derivation per gradient
    assert "0.206236" in text  # ∂L/∂w11⁽²⁾, as the notes print it


def test_latex_escapes_the_scenarios_text(hostile):
    text = render(hostile, "latex")
    _tex_structure(text)
    head = text.split(r"\subsection*")[0]
    assert r"\input{" not in head and r"\ensuremath{\backslash}input\{" in head
    assert "$x^2$" not in head
    assert re.search(r"(?<!\\)%", head.split(r"\begin{document}")[1]) is None  # no comment hides the rest
    assert r"\texttt{[U+4E2D]}" in text  # a character the standard fonts lack, shown by its code


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex is not installed (apt-get install texlive-latex-base)")
def test_latex_compiles_with_pdflatex(handout, hostile, tmp_path):
    for name, h in (("hw", handout), ("hostile", hostile)):
        (tmp_path / f"{name}.tex").write_text(render(h, "latex"), encoding="utf-8")
        done = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "-no-shell-escape",
                               f"{name}.tex"], cwd=tmp_path, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stdout[-3000:]
        assert (tmp_path / f"{name}.pdf").stat().st_size > 10_000
        assert "mktexpk" not in done.stdout  # the standard fonts only: nothing to make first


# HTML -----------------------------------------------------------------------------------------

class _Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def _page(text: str) -> _Page:
    page = _Page()
    page.feed(text)
    return page


def test_html_is_one_offline_page(handout):
    text = render(handout, "html")
    page = _page(text)
    tags = [t for t, _ in page.tags]
    assert tags.count("section") == 21 and tags.count("details") == 8 and tags.count("svg") == 1
    assert tags.count("script") == 1 and tags.count("math") > 21
    for tag, attrs in page.tags:  # nothing to fetch: no src, no link, no external href
        assert "src" not in attrs and tag not in ("link", "img", "iframe", "object", "embed"), (tag, attrs)
        assert not attrs.get("href", "#").split("#")[0], attrs
    csp = next(a["content"] for t, a in page.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy")
    assert "default-src 'none'" in csp
    assert "@media print" in text
    assert 'data-label="step 1 of 21"' in text


def test_html_escapes_the_scenarios_text(hostile):
    text = render(hostile, "html")
    page = _page(text)
    assert [t for t, _ in page.tags].count("script") == 1  # only the page's own
    assert "<b>$" not in text and "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "T " + HOSTILE in "".join(page.text)  # shown as it was written


# the command ----------------------------------------------------------------------------------

def test_export_command_writes_each_format(tmp_path):
    for name in ("hw.md", "hw.tex", "hw.html"):
        result = runner.invoke(app, ["export", "height-weight", "-o", str(tmp_path / name), "--steps", "5-12",
                                     "--digits", "4"])
        assert result.exit_code == 0, result.output
        assert "steps 5 to 12 of 21" in result.output
    md = (tmp_path / "hw.md").read_text(encoding="utf-8")
    assert len(re.findall(r"^## Step \d+/21", md, re.M)) == 8 and "## Step 5/21" in md and "## Step 13/" not in md
    assert "0.2062" in md and "0.206236" not in md  # --digits 4
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hw.html", "hw.md", "hw.tex"]  # no temporary left


def test_export_refuses_and_writes_nothing(tmp_path, hostile_file):
    bad = tmp_path / "bad.yaml"
    bad.write_text(hostile_file.read_text(encoding="utf-8").replace("learning_rate: 0.1", "learning_rate: -1"),
                   encoding="utf-8")
    for args in (["export", "height-weight", "-o", "hw.pdf"], ["export", "no-such", "-o", "hw.md"],
                 ["export", "height-weight", "-o", "hw.md", "--steps", "15-40"],
                 ["export", str(bad), "-o", "hw.html"], ["export", "height-weight", "-o", "no-folder/hw.md"]):
        done = tutor(*args, cwd=tmp_path)
        assert done.returncode == 2, (args, done.stderr)
        assert done.stderr.strip() and "Traceback" not in done.stderr and not done.stdout
        if args[1] == str(bad):
            assert "learning_rate" in done.stderr  # the scenario's own message, file:line: field: ...
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.yaml"]


def test_export_replaces_a_file_whole(tmp_path):
    target = tmp_path / "hw.md"
    target.write_text("old", encoding="utf-8")
    assert runner.invoke(app, ["export", "height-weight", "-o", str(target), "--steps", "3"]).exit_code == 0
    assert target.read_text(encoding="utf-8").startswith("# ")
    assert [p.name for p in tmp_path.iterdir()] == ["hw.md"]


def test_markdown_reads_as_commonmark(handout, hostile):
    """A CommonMark parser (markdown-it, which rich brings) reads the structure meant: a
    heading per step, the derivations folded, the code blocks whole, and the scenario's
    hostile text as text."""
    from markdown_it import MarkdownIt

    parser = MarkdownIt("commonmark").enable("table").enable("strikethrough")
    page = parser.render(render(handout, "markdown"))
    assert page.count("<h2>") == 21 and page.count("<details>") == 8 and page.count("<pre><code") > 5
    bad = parser.render(render(hostile, "markdown"))
    assert "<script" not in bad and "&lt;script&gt;alert(1)&lt;/script&gt;" in bad
    assert "<em>b</em>" not in bad and "<a href" not in bad and "<code>rm" not in bad and "*b* [l](javascript:x)" in bad
    assert bad.count("<h2>") == 21


def test_a_large_value_is_cut_to_its_edges_with_its_shape():
    from backprop_tutor.export.html import matrix as html_matrix
    from backprop_tutor.export.texmath import matrix as tex_matrix

    m = np.arange(120.0).reshape(12, 10) / 7
    tex = tex_matrix(m, 6)
    rows = tex.removeprefix(r"\begin{bmatrix}").removesuffix(r"\end{bmatrix}").split(r" \\ ")
    assert len(rows) == 8 and rows[6].count(r"\vdots") == 7 and r"\ddots" in rows[6]
    assert rows[0].split(" & ")[:2] == ["0", number(1 / 7)] and rows[-1].split(" & ")[-1] == number(119 / 7)
    page = html_matrix(m, number)
    assert page.count("<tr>") == 8 and "12 x 10" in page and number(119 / 7) in page
    assert tex_matrix(np.array([1.5e-7, -2.0]), 6) == r"\begin{bmatrix}1.5 \times 10^{-7} & -2\end{bmatrix}"
    assert tex_matrix(0.25, 6) == "0.25" and tex_matrix(float("inf"), 6) == r"\infty"

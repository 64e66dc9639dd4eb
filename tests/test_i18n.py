"""The Vietnamese catalog: every message of the code has a translation, the compiled .mo is
the .po's, and the commands speak Vietnamese with --lang vi, TUTOR_LANG=vi or a vi_* locale:
run and explain with no English word outside the symbols, the help of every command, a
scenario error in the same `file:line: field: message` shape, the handout."""

from __future__ import annotations

import gettext
import os
import re
import subprocess
import sys
from pathlib import Path
from string import Formatter

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from backprop_tutor import i18n

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "backprop_tutor" / "locale" / "vi" / "LC_MESSAGES" / "backprop_tutor.po"
MO = PO.with_suffix(".mo")

#: ASCII words of three letters or more that may stand in Vietnamese output: the names of
#: functions and symbols in formulas, the loanwords the source documents use in their
#: Vietnamese text (gradient, affine, entropy, sigmoid), the tools and commands named
#: (sympy, tutor run), and Vietnamese syllables written without diacritics
ALLOWED = {
    "exp", "log", "min", "max", "sigmoid", "tanh", "softmax", "relu",
    "gradient", "affine", "entropy", "sympy", "tutor", "run",
    "lan", "theo", "cho", "quay", "enter", "qua", "trong", "ghi", "cao", "hai", "tay", "ron", "tham", "ban",
    "thay", "con", "sai", "trung", "quy", "chi", "sau", "khi", "nhau", "thu", "ngay",
}
#: letters only Vietnamese writes: a translated sentence has some
VIETNAMESE = re.compile("[ăâđêôơưạảãàáầấậẩẫằắặẳẵẹẻẽèéềếệểễịỉĩìíọỏõòóồốộổỗờớợởỡụủũùúừứựửữỵỷỹỳý]", re.I)


def catalog():
    with open(PO, "rb") as f:
        return read_po(f)


def extracted() -> dict[str, str]:
    """Every message the code and the built-in scenarios hold, as scripts/i18n.sh extracts
    them (babel.cfg, the scenario extractor in scripts/), with where each one is."""
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        with open(ROOT / "babel.cfg", encoding="utf-8") as f:
            method_map, options_map = parse_mapping_cfg(f)
        keywords = dict(DEFAULT_KEYWORDS, sentence=None)
        found = {}
        for folder in ("backprop_tutor", "scenarios"):
            for filename, line, message, _comments, _context in extract_from_dir(
                    ROOT / folder, method_map, options_map, keywords=keywords):
                found.setdefault(message if isinstance(message, str) else message[0], f"{folder}/{filename}:{line}")
        return found
    finally:
        sys.path.remove(str(ROOT / "scripts"))


def test_every_message_has_a_vietnamese_translation():
    messages = extracted()
    assert len(messages) > 200
    po = {m.id: m for m in catalog() if m.id}
    missing = [f"{where}: {msg!r}" for msg, where in messages.items()
               if msg not in po or not po[msg].string or po[msg].fuzzy]
    assert not missing, "messages without a Vietnamese translation (run scripts/i18n.sh, then translate " \
                        "them in the .po):\n" + "\n".join(missing)


def test_the_catalog_holds_no_message_the_code_no_longer_has():
    stale = sorted(set(m.id for m in catalog() if m.id) - set(extracted()))
    assert not stale, f"run scripts/i18n.sh: {stale}"


def test_the_compiled_catalog_is_the_po():
    with open(MO, "rb") as f:
        compiled = gettext.GNUTranslations(f)
    messages = [m for m in catalog() if m.id]
    differ = [m.id for m in messages if compiled.gettext(m.id) != m.string]
    assert not differ, f"the .mo is older than the .po: run scripts/i18n.sh compile ({differ[:3]} ...)"
    assert len(compiled._catalog) - 1 == len(messages)  # less the header


def test_each_translation_keeps_the_fields_of_its_message():
    def fields(text):
        return sorted({name for _, name, _, _ in Formatter().parse(text) if name is not None})

    wrong = [m.id for m in catalog() if m.id and fields(m.id) != fields(m.string)]
    assert not wrong, wrong


def test_the_translations_use_the_source_documents_terms():
    vi = {m.id: m.string for m in catalog() if m.id}
    assert vi["forward"] == "lan truyền xuôi" and vi["backward"] == "lan truyền ngược"
    assert vi["loss"] == "hàm mất mát" and vi["gradient of the weights"] == "gradient của trọng số"
    assert "bão hòa" in vi["saturated {operation}: {units}. Its local derivative is almost 0, so almost no "
                          "gradient flows back through it and its weights barely move (scaling the "
                          "inputs keeps z small)."]
    assert "tốc độ học" in vi[next(k for k in vi if k.startswith("One input (height, cm)"))]
    assert "độ lệch" in vi["gradient of the biases (a sum over the batch)"]


@pytest.fixture
def english():
    yield
    i18n.set_language("en")


@pytest.mark.parametrize("argv, environ, expected", [
    (["run", "x", "--lang", "vi"], {}, "vi"),
    (["run", "x", "--lang=vi"], {"TUTOR_LANG": "en"}, "vi"),
    (["--lang", "en", "run", "x"], {"TUTOR_LANG": "vi"}, "en"),
    (["run", "x"], {"TUTOR_LANG": "vi"}, "vi"),
    (["run", "x"], {"LC_ALL": "vi_VN.UTF-8", "LANG": "en_US.UTF-8"}, "vi"),
    (["run", "x"], {"LC_MESSAGES": "vi_VN"}, "vi"),
    (["run", "x"], {"LANG": "vi_VN.UTF-8"}, "vi"),
    (["run", "x"], {"LC_ALL": "de_DE.UTF-8", "LANG": "vi_VN.UTF-8"}, "en"),
    (["run", "x"], {}, "en"),
    (["run", "x"], {"TUTOR_LANG": "klingon"}, "en"),
    (["run", "x", "--", "--lang", "vi"], {}, "en"),
])
def test_the_language_is_chosen_from_the_command_line_then_the_environment(english, argv, environ, expected):
    assert i18n.choose(argv, environ) == expected == i18n.language()
    assert i18n._("forward") == {"en": "forward", "vi": "lan truyền xuôi"}[expected]


def test_choosing_the_language_imports_nothing_heavy():
    code = ("import sys; from backprop_tutor import i18n; i18n.choose(['--lang', 'vi'], {}); "
            "assert i18n._('loss') == 'hàm mất mát'; "
            "print(sorted(m for m in ('numpy', 'sympy', 'typer', 'rich', 'yaml') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def tutor(*args, env=None, cwd=None):
    environ = {k: v for k, v in os.environ.items() if k not in ("TUTOR_LANG", "LC_ALL", "LC_MESSAGES", "LANG")}
    environ.update({"NO_COLOR": "1", "COLUMNS": "80", "TERM": "dumb"}, **(env or {}))
    return subprocess.run([sys.executable, "-m", "backprop_tutor", *args], capture_output=True, text=True,
                          env=environ, cwd=cwd, timeout=300)


def english_words(text: str, *names: str) -> list[str]:
    """ASCII words of three letters or more left in `text` once the given names (the
    scenario's, its source file's) are taken out, other than ALLOWED."""
    for name in names:
        text = text.replace(name, " ")
    text = re.sub(r"--[\w-]+(?:[ =][\w.\[\],-]+=\S+)?", " ", text)  # a command's options, as typed (--set a.b=c)
    words = re.findall(r"[^\W\d_]+", text)
    return sorted({w for w in words if w.isascii() and len(w) >= 3 and w.lower() not in ALLOWED})


@pytest.mark.parametrize("args", [
    ("run", "height-weight", "--lang", "vi"),
    ("explain", "dL/dw12^(1)", "-s", "height-weight", "--lang", "vi"),
])
def test_run_and_explain_in_vietnamese_have_no_english_word(args):
    done = tutor(*args)
    assert done.returncode == 0, done.stderr
    assert VIETNAMESE.search(done.stdout) and "lan truyền" in done.stdout or args[0] == "explain"
    left = english_words(done.stdout, "height-weight", "001_ccda558a4ae8e48f.txt")
    assert not left, left
    english = tutor(*args[:-2])
    assert english_words(english.stdout, "height-weight")  # the check sees English where there is some


def test_the_numbers_are_the_same_in_both_languages():
    vi, en = tutor("run", "height-weight", "--lang", "vi"), tutor("run", "height-weight")

    def numbers(text):
        return re.findall(r"-?\d+\.\d+(?:e-?\d+)?", text)

    assert numbers(vi.stdout) == numbers(en.stdout) and "0.0215529" in numbers(vi.stdout)


COMMANDS = (None, "list", "run", "train", "validate", "compare", "explain", "export", "check", "quiz", "plot")


def test_every_command_s_help_is_checked_below():
    from backprop_tutor.cli import app

    group = __import__("typer.main", fromlist=["get_command"]).get_command(app)
    assert set(group.commands) == set(COMMANDS) - {None}


@pytest.mark.parametrize("command", COMMANDS)
def test_the_help_of_every_command_is_vietnamese(command):
    from backprop_tutor.cli import app

    group = __import__("typer.main", fromlist=["get_command"]).get_command(app)
    english = (group.commands[command] if command else group).help
    vietnamese = catalog()[english].string
    args = ([command] if command else []) + ["--help"]
    for how in ({"TUTOR_LANG": "vi"}, {"LANG": "vi_VN.UTF-8"}):
        done = tutor(*args, env=how)
        assert done.returncode == 0, done.stderr
        shown = " ".join(done.stdout.replace("│", " ").split())
        assert " ".join(vietnamese.replace("`", "").split()[:6]) in shown
        assert " ".join(english.split()[:5]) not in shown
        assert "Tùy chọn" in shown and "Options" not in shown
    done = tutor(*(["--lang", "vi"] + args))
    assert " ".join(vietnamese.replace("`", "").split()[:6]) in " ".join(done.stdout.replace("│", " ").split())


BAD = """name: bad
data: {inputs: [[160], [165]], targets: [[62], [64]]}
network:
  inputs: 1
  layers:
    - {units: 2, activation: sigmod}
loss: {type: mse}
training: {learning_rate: -1}
"""


def test_a_scenario_error_is_vietnamese_in_the_same_shape(tmp_path):
    (tmp_path / "bad.yaml").write_text(BAD, encoding="utf-8")
    done = tutor("run", "bad.yaml", "--lang", "vi", cwd=tmp_path)
    english = tutor("run", "bad.yaml", cwd=tmp_path)
    assert done.returncode == english.returncode == 2 and "Traceback" not in done.stderr
    lines, english_lines = done.stderr.splitlines(), english.stderr.splitlines()
    assert lines[0] == ("bad.yaml:6: network.layers[0].activation: hàm kích hoạt không xác định 'sigmod'; "
                        "cho phép: identity, sigmoid, tanh, relu, leaky_relu, elu, swish, softmax, sign, prelu, relu6, "
                        "softplus, mish, gelu, maxout")
    assert lines[1] == "bad.yaml:8: training.learning_rate: -1 nằm ngoài khoảng; cho phép: một số lớn hơn 0"
    assert english_lines[1] == "bad.yaml:8: training.learning_rate: -1 is out of range; allowed: a number greater than 0"
    assert [line.split(": ")[:2] for line in lines] == [line.split(": ")[:2] for line in english_lines]


def test_a_bad_language_is_refused():
    done = tutor("run", "height-weight", "--lang", "fr")
    assert done.returncode == 2 and "--lang" in done.stderr and "en, vi" in done.stderr


def test_the_handout_is_vietnamese(tmp_path):
    done = tutor("export", "height-weight", "-o", "hw.html", "--lang", "vi", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "đã ghi các bước 1 đến 21 trên tổng số 21 vào hw.html"
    page = (tmp_path / "hw.html").read_text(encoding="utf-8")
    assert '<html lang="vi">' in page
    for words in ("Bước 1/21", "lan truyền xuôi", "lan truyền ngược", "suy ra bằng quy tắc chuỗi",
                  "gradient của trọng số", "sai phân hữu hạn trung tâm", "Nguồn: ",
                  "Một đầu vào (chiều cao, cm)", "Mạng sigmoid 2-2-1: cân nặng theo chiều cao"):
        assert words in page, words
    for words in ("Step 1/21", ">forward<", "derivation by the chain rule", "gradient of the weights",
                  "One input (height, cm)", "2-2-1 sigmoid net"):
        assert words not in page, words
    md = tutor("export", "height-weight", "-o", "hw.md", "--lang", "vi", cwd=tmp_path)
    assert md.returncode == 0 and "## Bước 9/21 · hàm mất mát" in (tmp_path / "hw.md").read_text(encoding="utf-8")


def test_json_is_the_same_in_both_languages():
    vi, en = tutor("run", "height-weight", "--json", "--lang", "vi"), tutor("run", "height-weight", "--json")
    assert vi.returncode == en.returncode == 0 and vi.stdout == en.stdout


def test_the_translated_catalog_ships_inside_the_package():
    """The compiled catalog is a file of the package (hatch puts every file of
    backprop_tutor/ in the wheel) and gettext finds it where i18n looks."""
    assert Path(i18n.LOCALE_DIR) == ROOT / "backprop_tutor" / "locale"
    assert gettext.find(i18n.DOMAIN, i18n.LOCALE_DIR, languages=["vi"]) == str(MO)


@pytest.mark.parametrize("args", [
    ("run", "height-weight"),
    ("explain", "dL/dw12^(1)", "-s", "height-weight"),
    ("--help",),
])
def test_a_warm_cache_answers_in_the_language_asked(tmp_path, args):
    """The printed formulas and the help are kept in the cache with their prose: an entry
    written in English is not read back for Vietnamese, nor the other way round."""
    cache = {"TUTOR_CACHE_DIR": str(tmp_path / "cache")}
    english = [tutor(*args, env=cache).stdout for _round in range(2)]
    vietnamese = [tutor(*args, env=dict(cache, TUTOR_LANG="vi")).stdout for _round in range(2)]
    again = tutor(*args, env=cache).stdout
    assert english[0] == english[1] == again and vietnamese[0] == vietnamese[1]
    assert VIETNAMESE.search(vietnamese[0]) and not VIETNAMESE.search(english[0])
    assert any(p.is_file() for p in (tmp_path / "cache").rglob("*"))  # the cache was used


def test_the_quiz_and_the_answer_sheet_are_vietnamese():
    done = subprocess.run([sys.executable, "-m", "backprop_tutor", "quiz", "height-weight", "--lang", "vi"],
                          input="0.25\n\nb\n0.3\nq\n", capture_output=True, text=True, timeout=300,
                          env={**os.environ, "NO_COLOR": "1", "COLUMNS": "80", "TERM": "dumb"})
    assert "lan truyền xuôi" in done.stdout and "bước 5" in done.stdout, done.stdout
    left = english_words(done.stdout + done.stderr, "height-weight")
    assert not left, left
    sheet = tutor("check", "--template", "height-weight", "--lang", "vi")
    assert sheet.returncode == 0, sheet.stderr
    comments = "\n".join(line for line in sheet.stdout.splitlines() if line.startswith("#"))
    assert "# lan truyền xuôi" in comments
    assert not english_words(comments, "height-weight", "tutor check"), comments  # the command is typed as it is
    assert "THIS_FILE" not in comments

"""typer's and click's own words in Vietnamese with --lang vi: the usage line, the help
panels, the help option, the kinds of value, the arguments' names and the usage errors;
PyYAML's description of a syntax error inside the Vietnamese sentence. English stays
exactly as typer, click and PyYAML write it."""

from __future__ import annotations

import re

import pytest
from test_i18n import VIETNAMESE, english_words, tutor

from backprop_tutor import i18n
from backprop_tutor.cli import clickwords
from backprop_tutor.scenario import yamlwords

PROG = "python -m backprop_tutor"  # as test_i18n.tutor runs the program
#: what a user types or a program reads, kept as written in both languages: the commands,
#: the values of options (--view element, --background dark, --format json, --only forward,loss, --dtype
#: float32), the keys of --json's output; and, beyond test_i18n's ALLOWED, the loanwords and
#: names the Vietnamese help keeps (terminal, epoch, LaTeX, ...) and Vietnamese syllables
#: written without diacritics
TYPED = {"list", "train", "validate", "check", "quiz", "compare", "explain", "export",
         "auto", "light", "dark", "element", "matrix", "table", "json", "gradescope", "forward", "loss", "backward",
         "update", "float", "runs", "value", "epochs", "align",
         "plot", "sigmoid", "tanh", "relu", "relu6", "softplus", "mish", "gelu", "swish", "beta", "slope"}
KEPT = {"terminal", "locale", "tab", "epoch", "latex", "markdown", "pdflatex", "stderr",
        "anh", "suy", "cong", "hay", "kinh", "quay", "sinh", "tra", "xem", "danh", "nhanh", "giai", "trang"}
TYPED_TEXT = re.compile(r"--?[\w-]+|\w*(?:[._-]\w+)+|\b[A-Z][A-Z_]+\b")  # options, fields, files, NAMES


def help_words(text: str) -> list[str]:
    """test_i18n's English words in a help or an error, once what the user types is out."""
    text = TYPED_TEXT.sub(" ", text.replace(PROG, " "))
    return [w for w in english_words(text) if w.lower() not in TYPED | KEPT]


@pytest.mark.parametrize("args", [("--help",), *[(command, "--help") for command in sorted(
    {"list", "run", "train", "validate", "check", "quiz", "compare", "explain", "export", "plot"})]])
def test_the_help_has_no_english_word(args):
    done = tutor(*args, "--lang", "vi")
    assert done.returncode == 0, done.stderr
    shown = " ".join(done.stdout.replace("│", " ").split())
    assert "Cách dùng: " + PROG in shown and "Hiện trợ giúp này rồi thoát." in shown
    left = help_words(done.stdout)
    assert not left, left
    english = tutor(*args)
    shown = " ".join(english.stdout.replace("│", " ").split())
    assert "Usage: " + PROG in shown and "Show this message and exit." in shown
    assert help_words(english.stdout)  # the check sees English where there is some


@pytest.mark.parametrize("args, vietnamese, english", [
    (("run", "--bogus"), "Không có tùy chọn: --bogus", "No such option: --bogus"),
    (("run",), "Thiếu đối số 'kịch-bản'.", "Missing argument 'scenario'."),
    (("run", "height-weight", "--digits", "abc"),
     "Giá trị không hợp lệ cho '--digits': cần một số nguyên, không đọc được chuỗi này thành số nguyên",
     "Invalid value for '--digits': Input should be a valid integer"),
    (("frob",), "Không có lệnh 'frob'.", "No such command 'frob'."),
])
def test_a_usage_error_has_no_english_word(args, vietnamese, english):
    done = tutor(*args, "--lang", "vi")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    shown = " ".join(done.stderr.replace("│", " ").split())
    assert vietnamese in shown and "Cách dùng: "+PROG in shown
    left = help_words(done.stderr.replace("frob", " ").replace("abc", " "))
    assert not left, left
    assert english in " ".join(tutor(*args).stderr.replace("│", " ").split())


def test_an_unknown_click_message_is_shown_as_written(english_to_vietnamese):
    assert clickwords.error_message("Something click says") == "Something click says"
    assert clickwords.error_message("Missing option '--x'.") == "Thiếu tùy chọn '--x'."
    # a message inside another one is translated too, an unknown one kept
    assert clickwords.error_message("Invalid value for '--k': Input should be greater than or equal to 0") == (
        "Giá trị không hợp lệ cho '--k': giá trị phải lớn hơn hoặc bằng 0")
    assert clickwords.error_message("Invalid value for '--k': odd") == "Giá trị không hợp lệ cho '--k': odd"


@pytest.fixture
def english_to_vietnamese():
    i18n.set_language("vi")
    yield
    i18n.set_language("en")


def test_yaml_problems_are_translated_where_known(english_to_vietnamese):
    assert yamlwords.problem("mapping values are not allowed here") == "không được đặt giá trị ánh xạ (dấu :) ở đây"
    assert yamlwords.problem("expected <block end>, but found '<scalar>'") == (
        "cần kết thúc khối, nhưng lại gặp một giá trị đơn")
    assert yamlwords.problem("found character '\\t' that cannot start any token") == (
        "gặp ký tự '\\t', ký tự này không thể mở đầu một thành phần nào")
    assert yamlwords.problem("invalid indentation or unclosed '[' or '{'") == (
        "thụt lề sai hoặc có '[' hay '{' chưa đóng")
    assert yamlwords.problem("a problem PyYAML has not had yet") == "a problem PyYAML has not had yet"
    i18n.set_language("en")
    assert yamlwords.problem("mapping values are not allowed here") == "mapping values are not allowed here"


def test_a_yaml_syntax_error_is_vietnamese_inside_and_out(tmp_path):
    (tmp_path / "bad.yaml").write_text("name: bad\n  network: x\n", encoding="utf-8")
    done = tutor("validate", "bad.yaml", "--lang", "vi", cwd=tmp_path)
    english = tutor("validate", "bad.yaml", cwd=tmp_path)
    assert done.returncode == english.returncode == 2
    assert done.stderr.strip() == ("bad.yaml:2: lỗi cú pháp YAML: không được đặt giá trị ánh xạ (dấu :) ở chỗ này; "
                                   "hãy kiểm tra thụt lề, dấu hai chấm và dấu ngoặc")
    assert english.stderr.strip().startswith("bad.yaml:2: YAML syntax error: mapping values are not allowed")
    assert VIETNAMESE.search(done.stderr) and not help_words(done.stderr)

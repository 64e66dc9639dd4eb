"""`tutor check` and `tutor quiz` as a user runs them: exit status, tables, JSON, Gradescope,
bad files reported as file:line, the blank sheet, and the quiz through a pipe."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import yaml
from typer.testing import CliRunner

from backprop_tutor.cli import app
from test_check import NOTES, with_values

runner = CliRunner()
SIGN = {"dL/db1^(2)": -0.367, "dL/dw11^(2)": -0.206, "dL/dw21^(2)": -0.228, "dL/db1^(1)": -0.09,
        "dL/db2^(1)": -0.043, "dL/dw11^(1)": -0.045, "dL/dw12^(1)": -0.0215, "w11^(1)_p": 0.5045,
        "w12^(1)_p": 1.00215, "b1^(1)_p": 0.009, "b2^(1)_p": 0.0043, "w11^(2)_p": 1.0206,
        "w21^(2)_p": 0.5228, "b1^(2)_p": 1.0367}


def tutor(*args, input=None):
    return runner.invoke(app, list(args), input=input)


def sheet(tmp_path, text, name="sheet.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_the_notes_are_all_right_exit_0(tmp_path):
    result = tutor("check", "height-weight", sheet(tmp_path, NOTES))
    assert result.exit_code == 0, result.output
    assert "score 20/20" in result.output and "1 by follow-through" in result.output
    assert "every value is right" in result.output


def test_a_mistake_exit_1_with_diagnosis_first_mistake_and_explain_command(tmp_path):
    result = tutor("check", "height-weight", sheet(tmp_path, with_values(NOTES, **SIGN)))
    assert result.exit_code == 1
    out = " ".join(result.output.split())
    assert "score 19/20" in out and "first mistake: dL/db1^(2) at step 13" in out
    assert "the loss derivative's sign flipped" in out
    assert "tutor explain 'dL/db1^(2)' -s height-weight" in out


def test_json(tmp_path):
    result = tutor("check", "height-weight", sheet(tmp_path, with_values(NOTES, **SIGN)), "--json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    one = data["sheets"][0]
    assert (one["score"], one["max_score"], one["first_mistake"]) == (19, 20, "dL/db1^(2)")
    by_name = {m["name"]: m for m in one["marks"]}
    wrong = by_name["dL/db1^(2)"]
    assert wrong["verdict"] == "wrong" and wrong["answer"] == "-0.367" and wrong["key"] == "dL/db2"
    assert wrong["expected"] == 0.3668519075889131 and "sign flipped" in wrong["diagnosis"]
    assert by_name["w11^(1)'"]["verdict"] == "follow-through" and by_name["w11^(1)'"]["step"] == 18


def test_gradescope_results_json(tmp_path):
    result = tutor("check", "height-weight", sheet(tmp_path, with_values(NOTES, **SIGN)), "--format", "gradescope")
    data = json.loads(result.stdout)
    assert (data["score"], data["max_score"]) == (19, 20) and len(data["tests"]) == 20
    for test in data["tests"]:
        assert set(test) == {"name", "score", "max_score", "output"} and test["max_score"] == 1
    failed = [t for t in data["tests"] if t["score"] == 0]
    assert len(failed) == 1 and "dL/db1^(2)" in failed[0]["name"] and "sign flipped" in failed[0]["output"]
    assert "follow-through" in next(t["output"] for t in data["tests"] if "w11^(1)'" in t["name"])
    two = tutor("check", "height-weight", sheet(tmp_path, NOTES), sheet(tmp_path, NOTES, "b.yaml"),
                "--format", "gradescope")
    assert two.exit_code == 2 and "one answer file" in two.output


def test_a_class_summary_of_the_most_common_mistakes(tmp_path):
    files = [sheet(tmp_path, with_values(NOTES, **SIGN), f"s{i}.yaml") for i in range(3)]
    files.append(sheet(tmp_path, NOTES, "good.yaml"))
    result = tutor("check", "height-weight", *files)
    assert result.exit_code == 1
    assert "4 sheets, 1 all right" in result.output and "most common mistakes" in result.output
    data = json.loads(tutor("check", "height-weight", *files, "--json").stdout)
    assert data["summary"]["mistakes"] == [{"name": "the loss derivative's sign flipped", "count": 3}]
    assert data["summary"]["first_mistakes"] == [{"name": "dL/db1^(2)", "count": 3}]


def test_csv_sheet_and_whole_matrices(tmp_path):
    text = ("name,value\nz1^(1),0.25\ndL/dW1,\"[[0.045, 0.0215]]\"\n# a comment\n"
            "dL/dW2,\"[0.206, 0.228]\"\nL,\n")
    result = tutor("check", "height-weight", sheet(tmp_path, text, "sheet.csv"), "--json")
    marks = {m["name"]: m["verdict"] for m in json.loads(result.stdout)["sheets"][0]["marks"]}
    assert marks == {"z1^(1)": "right", "dL/dw11^(1)": "right", "dL/dw12^(1)": "right",
                     "dL/dw11^(2)": "right", "dL/dw21^(2)": "right", "L": "blank"}
    assert result.exit_code == 1  # a blank is not all right


def test_bad_answer_files_are_reported_with_file_line_and_status_2(tmp_path):
    cases = {
        "z1^(1): 0.25\nz9^(1): 0.1\n": (2, "z9^(1): not a value of this scenario"),
        "z1^(1): 0.25\na1^(1): about 0.56\n": (2, "a1^(1): 'about 0.56' is not a number; write a decimal number"),
        "z1^(1): 0.25\nZ1[0,0]: 0.25\n": (2, "Z1[0,0]: this value is given twice (also at"),
        "w11^(1): 0.5\n": (1, "w11^(1): not a value of this scenario: w11^(1) is given by the scenario"),
        "- 1\n- 2\n": (1, "an answer sheet is a mapping of names to numbers"),
        "z1^(1): [0.25\n": (1, "YAML syntax error"),
        "dL/dW1: [[0.045]]\n": (1, "dL/dW1: this is a 1x2 matrix: give a list of 1 row(s) of 2 number(s)"),
        "z1^(1): !!python/object:os.system ls\n": (1, "not plain data"),
    }
    for text, (line, message) in cases.items():
        path = sheet(tmp_path, text)
        result = tutor("check", "height-weight", path)
        assert result.exit_code == 2, (text, result.output)
        assert f"{path}:" in result.output and message in result.output, (text, result.output)
        if "syntax" not in message:
            assert f"{path}:{line}:" in result.output, (text, result.output)
        assert "Traceback" not in result.output


def test_a_bad_file_among_many_the_rest_are_still_marked(tmp_path):
    result = tutor("check", "height-weight", sheet(tmp_path, "nonsense: 1\n", "bad.yaml"), sheet(tmp_path, NOTES))
    assert result.exit_code == 2 and "bad.yaml:1: nonsense" in result.output and "score 20/20" in result.output


def test_answer_files_are_bounded(tmp_path):
    path = tmp_path / "big.yaml"
    path.write_text("# " + "x" * (300 * 1024) + "\nz1^(1): 0.25\n", encoding="utf-8")
    result = tutor("check", "height-weight", str(path))
    assert result.exit_code == 2 and "an answer file may be at most 256 KiB" in result.output


def test_template_in_step_order_that_reads_back(tmp_path):
    result = tutor("check", "--template", "height-weight")
    assert result.exit_code == 0
    names = list(yaml.safe_load(result.stdout))
    assert names[:7] == ["z1^(1)", "z2^(1)", "a1^(1)", "a2^(1)", "z1^(2)", "a1^(2)", "L"]
    assert names[-7:] == ["w11^(1)'", "w12^(1)'", "b1^(1)'", "b2^(1)'", "w11^(2)'", "w21^(2)'", "b1^(2)'"]
    blank = tutor("check", "height-weight", sheet(tmp_path, result.stdout), "--json")
    assert blank.exit_code == 1 and {m["verdict"] for m in json.loads(blank.stdout)["sheets"][0]["marks"]} == {"blank"}
    # filled in with the values as `tutor run --json` gives them: all right
    steps = {s["key"]: s["value"] for s in json.loads(tutor("run", "height-weight", "--json").stdout)["steps"]}
    marks = json.loads(blank.stdout)["sheets"][0]["marks"]
    filled = "".join(f'"{m["name"]}": {_entry(steps[m["key"]], m["index"])!r}\n' for m in marks)
    assert tutor("check", "height-weight", sheet(tmp_path, filled)).exit_code == 0


def _entry(value, index):
    for i in index:
        value = value[i]
    return value


def test_template_in_the_scenarios_notation():
    out = tutor("check", "--template", "logistic-4x2").stdout
    names = list(yaml.safe_load(out))
    assert "Z1[3,2]" in names and "H1[0,0]" in names and "J" in names and "dJ/dw23^(1)" in names
    assert "W1'" not in names and "w23^(1)'" in names


# quiz through a pipe -------------------------------------------------------------------------
def quiz(*args, input=""):
    return subprocess.run([sys.executable, "-m", "backprop_tutor", "quiz", "height-weight", *args],
                          input=input, capture_output=True, text=True, timeout=120)


def test_quiz_reads_answers_line_by_line_skips_goes_back_and_scores():
    result = quiz(input="0.25\n0.6\n0.7\n\nb\n0.562\ns\n")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "z1^(1) = 0.25\n✓ right" in out
    assert "hint: z2⁽¹⁾ = x * w12⁽¹⁾ + b2⁽¹⁾ = 0.5 * 1 + 0" in out and "the value is 0.5" in out
    assert out.count("[3/25] step 6: a1^(1)") == 2  # skipped, then back to it
    assert "score 2/25" in out and "1 wrong" in out


def test_quiz_json_record_and_end_of_input():
    result = quiz("--json", input="0.25\n0.6\n0.5\n")
    assert result.returncode == 0
    record = json.loads(result.stdout)
    assert record["score"] == 2 and record["max_score"] == 25
    second = record["questions"][1]
    assert second["verdict"] == "right" and [a["verdict"] for a in second["attempts"]] == ["wrong", "right"]
    assert "score 2/25" in result.stderr


def test_quiz_with_nothing_to_read_ends_cleanly():
    result = subprocess.run([sys.executable, "-m", "backprop_tutor", "quiz", "height-weight"],
                            stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and "score 0/25" in result.stdout and "Traceback" not in result.stderr


def test_quiz_ctrl_c_is_130():
    proc = subprocess.Popen([sys.executable, "-m", "backprop_tutor", "quiz", "height-weight"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdin.write(b"0.25\n")
    proc.stdin.flush()
    seen, deadline = b"", time.monotonic() + 60
    while b"z2^(1) = " not in seen and time.monotonic() < deadline:  # the quiz waits for the 2nd answer
        seen += os.read(proc.stdout.fileno(), 4096)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    out = (seen + out).decode()
    assert proc.returncode == 130 and b"Traceback" not in err and "score 1/25" in out


def test_quiz_only_one_phase():
    result = quiz("--only", "update", input="0.4955\n")
    assert "score 1/7" in result.stdout
    bad = quiz("--only", "sideways")
    assert bad.returncode == 2 and "not a phase" in bad.stderr


def test_quiz_on_a_terminal_and_ctrl_c():
    import pexpect

    tutor_bin = os.path.join(os.path.dirname(sys.executable), "tutor")
    child = pexpect.spawn(tutor_bin, ["quiz", "height-weight"], dimensions=(24, 80), encoding="utf-8", timeout=60)
    child.expect_exact("z1^(1) = ")
    child.sendline("0.25")
    child.expect("right")
    child.expect_exact("z2^(1) = ")
    child.sendline("0.6")
    child.expect_exact("0.5 * 1 + 0")  # the hint, numbers put in
    child.expect_exact("z2^(1) = ")
    child.sendintr()
    child.expect("score 1/25")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130

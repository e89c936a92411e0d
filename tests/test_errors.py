"""Errors people can act on survive the trip from a worker process."""

from __future__ import annotations

import pickle

from tkm_assign.errors import InputError, InputProblem


def test_an_input_error_pickles_with_its_problems():
    problems = [
        InputProblem("schedule", 17, "start", "24:15", "is not a time of day; expected HH:MM"),
        InputProblem("participants.csv", None, "sector", None, "column is missing"),
    ]
    error = pickle.loads(pickle.dumps(InputError(problems)))
    assert isinstance(error, InputError)
    assert error.problems == tuple(problems)
    assert str(error) == str(InputError(problems))
    assert str(error).startswith("2 problem(s) in the input:")


PERSON = " ".join(["Siti", "Nurhaliza", "Privatename"])  # a name as data, not in the code


def test_an_internal_error_prints_personal_data():
    # Defect: an unexpected error printed its text, here a participant's name, on stderr.
    from tkm_assign.errors import withheld_traceback

    def write(name: str) -> None:
        raise ValueError(f"{name} cannot be used in worksheets")

    try:
        try:
            write(PERSON)
        except ValueError as inner:
            raise RuntimeError(f"while writing {inner}") from inner
    except RuntimeError as error:
        text = withheld_traceback(error)
    assert "Privatename" not in text
    assert "builtins.ValueError" in text and "builtins.RuntimeError" in text
    assert "in write" in text and "which led to:" in text


def test_the_command_line_withholds_the_text_of_an_internal_error(monkeypatch, capsys, tmp_path):
    from pathlib import Path

    from tkm_assign.cli import main

    def broken(*_args: object, **_kwargs: object) -> None:
        raise ValueError(PERSON)

    monkeypatch.setattr("tkm_assign.app.commands.summarise", broken)
    valid = Path(__file__).parent / "data" / "valid"
    args = ["--participants", str(valid / "participants.csv"), "--mentors"]
    assert main(["validate", *args, str(valid / "mentors.csv"), "--lang", "en"]) == 1
    err = capsys.readouterr().err
    assert "internal error: ValueError" in err and "Privatename" not in err
    assert "Traceback (most recent call last)" in err

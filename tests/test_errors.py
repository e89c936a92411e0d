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

"""The two input files as read, before validation: read once, validate under any configuration.

:func:`read_inputs` reads a participants file and (optionally) a mentors file, from paths or
from :class:`~tkm_assign.io.read.Upload` files in memory, into text cells without raising;
:meth:`Inputs.problem` validates them under a configuration and raises one
:class:`~tkm_assign.errors.InputError` with every problem of both files (unreadable files
included). A scenario grid reads once and validates once per distinct
:func:`~tkm_assign.io.validate.reading_settings`.
"""

from __future__ import annotations

from dataclasses import dataclass

from tkm_assign.config import Config
from tkm_assign.errors import InputError, InputProblem
from tkm_assign.io.read import Kind, Source, Table, read_table
from tkm_assign.io.validate import participants_problem, problem_from_tables
from tkm_assign.model import Problem


@dataclass(frozen=True)
class Inputs:
    """The input files as text cells.

    Attributes
    ----------
    participants, mentors
        The tables read; ``None`` when that file could not be read (its problems are in
        ``problems``) or, for ``mentors``, was not given.
    problems
        Why a file could not be read.
    mentors_given
        Whether a mentors file was given at all (capacity planning from scratch has none).
    """

    participants: Table | None
    mentors: Table | None
    problems: tuple[InputProblem, ...] = ()
    mentors_given: bool = True

    def problem(self, config: Config) -> Problem:
        """Validate both files under ``config``.

        Returns
        -------
        Problem
            Participants and mentors (participants only without a mentors file: their
            mentor references are then ignored with a warning).

        Raises
        ------
        InputError
            With every problem of both files.
        """
        if not self.mentors_given:
            if self.participants is None:
                raise InputError(self.problems)
            return participants_problem(self.participants, config)
        return problem_from_tables(self.participants, self.mentors, config, self.problems)


def read_inputs(participants: Source, mentors: Source | None = None) -> Inputs:
    """Read the participants and (optionally) mentors files; never raises for bad files.

    Parameters
    ----------
    participants, mentors
        Paths, or :class:`~tkm_assign.io.read.Upload` files (name + bytes): CSV, XLSX,
        GeoPackage or GeoJSON. ``mentors`` may be ``None``.

    Returns
    -------
    Inputs
        The tables read and the problems of the files that could not be read.
    """
    read: dict[Kind, Table | None] = {"participants": None, "mentors": None}
    problems: list[InputProblem] = []
    sources: tuple[tuple[Kind, Source | None], ...] = (
        ("participants", participants),
        ("mentors", mentors),
    )
    for kind, source in sources:
        if source is None:
            continue
        try:
            read[kind] = read_table(source, kind)
        except InputError as error:
            problems.extend(error.problems)
    return Inputs(read["participants"], read["mentors"], tuple(problems), mentors is not None)

"""The benchmark instances: sizes, the national sample, generated instances and their cache."""

from __future__ import annotations

import pytest

from benchmarks import instances
from tkm_assign.config import Config


@pytest.mark.parametrize(
    ("name", "size"),
    [("national", (3000, 150)), ("30000x1500", (30000, 1500)), ("12X3", (12, 3))],
)
def test_sizes_are_national_or_participants_x_mentors(name, size):
    assert instances.parse_size(name) == size


@pytest.mark.parametrize("name", ["", "3000", "x150", "3000x", "0x5", "axb", "3000x150x2"])
def test_anything_else_is_not_a_size(name):
    with pytest.raises(ValueError, match="is not a size"):
        instances.parse_size(name)


def test_size_labels_read_as_tables_show_them():
    assert instances.size_label("national") == "national (3,000 x 150)"
    assert instances.size_label("300000x15000") == "300,000 x 15,000"


def test_national_is_the_bundled_sample_read_like_a_coordinators_files():
    problem = instances.national(Config())
    assert (len(problem.participants), len(problem.mentors)) == (3000, 150)
    assert problem.participants_source.endswith("data/sample/participants.csv")
    assert len({p.location.province_code for p in problem.participants}) == 31


def test_generated_instances_are_written_once_and_read_back(tmp_path, monkeypatch):
    monkeypatch.setattr(instances, "CACHE_DIR", tmp_path)
    files = instances.synthetic_files(60, 4, seed=3)
    assert files.participants.parent.parent == tmp_path
    assert instances.generator_key() in files.participants.parent.name

    def no_second_generation(*args: object) -> None:
        raise AssertionError("generated again")

    monkeypatch.setattr(instances, "generate_frames", no_second_generation)
    assert instances.synthetic_files(60, 4, seed=3) == files
    problem = instances.synthetic(60, 4, seed=3)
    assert (len(problem.participants), len(problem.mentors)) == (60, 4)
    assert all(p.location.island_id >= 0 for p in problem.participants)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no staging left


def test_benchmark_config_sets_model_and_turns_the_travel_cache_off():
    config = instances.benchmark_config("caseload.max=15", model="haversine")
    assert config.travel.model == "haversine"
    assert config.travel.cache_dir == ""
    assert config.caseload.max == 15
    assert instances.benchmark_config(cache=True).travel.cache_dir == Config().travel.cache_dir

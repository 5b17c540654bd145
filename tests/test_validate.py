"""Corrupt data gives one clear line naming file, column and problem."""

import pandas as pd
import pytest

from clusterstudy.core.validate import DataError, Schema, check
from clusterstudy.data import seeds

T2 = "meng_forman_resource_city_clusters"


def _corrupt(project, name, edit):
    path = project / "data" / "seeds" / f"{name}.csv"
    path.write_text(edit(path.read_text()))
    return path


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda t: "", "file is empty"),
        (lambda t: t.replace("enterprises", "firms", 1), "column 'enterprises': missing column"),
        (lambda t: t.replace(",5000,", ",5k,"), "column 'enterprises': non-numeric value '5k'"),
        (lambda t: t.replace(",5000,", ",-5,"), "column 'enterprises': value -5 below minimum 1"),
        (lambda t: t.replace("unexhausted", "exhausted?"), "column 'resource_status': unknown"),
        (lambda t: t + t.splitlines()[1] + "\n", "column 'cluster': duplicated key"),
        (lambda t: t.replace('"000_162d3ef9e57ceb7c.txt, Table 2', '"Table 2', 1),
         "column 'citation': value"),
    ],
)
def test_corruptions_name_file_column_and_problem(project_copy, edit, message):
    path = _corrupt(project_copy, T2, edit)
    with pytest.raises(DataError) as err:
        seeds.load(T2)
    text = str(err.value)
    assert message in text
    assert str(path) in text
    assert "\n" not in text


def test_missing_file(project_copy):
    (project_copy / "data" / "seeds" / f"{T2}.csv").unlink()
    with pytest.raises(DataError, match="file not found"):
        seeds.load(T2)


def test_check_types_columns():
    schema = Schema(columns={"a": "int", "b": "float", "c": "str"}, key=("a",))
    out = check(pd.DataFrame({"a": ["1", "2"], "b": ["0.5", "1e3"], "c": ["x", "y"]}), schema, "t")
    assert str(out["a"].dtype) == "Int64" and out["b"].iloc[1] == 1000.0
    with pytest.raises(DataError, match="non-integer"):
        check(pd.DataFrame({"a": ["1.5"], "b": ["1"], "c": ["x"]}), schema, "t")

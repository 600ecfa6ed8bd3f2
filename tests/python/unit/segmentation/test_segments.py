"""hvc.segmentation.segments: every customer in one segment of its own line, deterministically."""

from __future__ import annotations

import pandas as pd

from helpers.segmentation_customers import BLOB_CONFIG, blob_customers
from hvc.segmentation import (
    INPUT_COLUMNS,
    SEGMENT_COLUMNS,
    SELECTION_COLUMNS,
    SINGLE_SEGMENT,
    segment_and_select,
    segment_customers,
    select_models,
)


def test_same_data_gives_the_same_segments_whatever_the_row_order() -> None:
    customers = blob_customers(4)[INPUT_COLUMNS]
    first_selection, first = segment_and_select(customers, BLOB_CONFIG)
    second_selection, second = segment_and_select(customers, BLOB_CONFIG)
    shuffled = customers.sample(frac=1.0, random_state=11)
    third_selection, third = segment_and_select(shuffled, BLOB_CONFIG)
    pd.testing.assert_frame_equal(first, second)
    pd.testing.assert_frame_equal(first, third)
    pd.testing.assert_frame_equal(first_selection, second_selection)
    pd.testing.assert_frame_equal(first_selection, third_selection)


def test_two_step_path_reproduces_the_one_pass_segments() -> None:
    # The dbt models select first, then refit the chosen candidate in another process.
    customers = blob_customers(3)[INPUT_COLUMNS]
    selection, one_pass = segment_and_select(customers, BLOB_CONFIG)
    pd.testing.assert_frame_equal(select_models(customers, BLOB_CONFIG), selection)
    pd.testing.assert_frame_equal(segment_customers(customers, selection, BLOB_CONFIG), one_pass)


def test_every_customer_gets_exactly_one_segment_in_its_own_line() -> None:
    customers = pd.concat(
        [blob_customers(3, line="retail"), blob_customers(4, n=800, seed=5, line="software")]
    )[INPUT_COLUMNS]
    selection, segments = segment_and_select(customers, BLOB_CONFIG)
    assert list(segments.columns) == SEGMENT_COLUMNS
    assert list(selection.columns) == SELECTION_COLUMNS
    assert segments["customer_key"].is_unique
    assert set(segments["customer_key"]) == set(customers["customer_key"])
    lines = customers.set_index("customer_key")["business_line"]
    assert (segments.set_index("customer_key")["business_line"] == lines).all()
    assert selection.groupby("business_line")["is_chosen"].sum().to_dict() == {
        "retail": 1,
        "software": 1,
    }
    chosen = selection[selection["is_chosen"]].set_index("business_line")["n_clusters"]
    assert chosen.to_dict() == {"retail": 3, "software": 4}


def test_a_line_too_small_to_segment_is_one_segment_without_insiders() -> None:
    customers = blob_customers(3, n=30)[INPUT_COLUMNS]
    selection, segments = segment_and_select(customers, BLOB_CONFIG)
    assert selection["candidate_id"].tolist() == ["single_segment"]
    assert set(segments["segment_id"]) == {1}
    assert set(segments["segment_name"]) == {SINGLE_SEGMENT}
    assert not segments["is_insider"].any()


def test_empty_input_gives_empty_typed_outputs() -> None:
    empty = pd.DataFrame({column: [] for column in INPUT_COLUMNS})
    selection, segments = segment_and_select(empty, BLOB_CONFIG)
    assert selection.empty and list(selection.columns) == SELECTION_COLUMNS
    assert segments.empty and list(segments.columns) == SEGMENT_COLUMNS

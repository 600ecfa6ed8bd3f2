"""hvc.relations: a relation read a group at a time."""

from __future__ import annotations

import duckdb
import pandas as pd

from hvc.relations import frames_by


def test_one_frame_per_group_in_key_order_each_by_customer_key() -> None:
    connection = duckdb.connect()
    connection.execute(
        """
        create table rows as
        select * from (values
            ('c3', 'b''s line', 2), ('c1', 'a', 1), ('c2', 'b''s line', 2), ('c9', null, 1),
            ('c4', 'a', 2), ('c0', 'a', 1), ('c5', 'a', null)
        ) as t(customer_key, business_line, period)
        """
    )
    frames = list(frames_by(connection.table("rows"), ["business_line", "period"]))
    groups = [
        (frame["business_line"].iloc[0], frame["period"].iloc[0], frame["customer_key"].tolist())
        for frame in frames
    ]
    # a quote in a value is a value (no SQL text is built from it); null keys are left out
    assert groups == [("a", 1, ["c0", "c1"]), ("a", 2, ["c4"]), ("b's line", 2, ["c2", "c3"])]
    assert all(isinstance(frame, pd.DataFrame) for frame in frames)


def test_an_empty_relation_gives_no_frame() -> None:
    connection = duckdb.connect()
    connection.execute("create table rows (customer_key varchar, cutoff_number integer)")
    assert list(frames_by(connection.table("rows"), ["cutoff_number"])) == []

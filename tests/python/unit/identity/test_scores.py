"""hvc.identity.scores: a clustering against the truth (pairwise, B-cubed, merges), and the
business merges no person-level record explains, in a hand-made warehouse."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from hvc.identity.scores import (
    SCORE_COLUMNS,
    bcubed_scores,
    clustering_scores,
    identity_items,
    identity_scores,
    merge_scores,
    pairwise_scores,
    person_groups,
    unexplained_business_merges,
)


def test_pairwise_scores_perfect():
    scores = pairwise_scores(["A", "A", "B", "B", "B"], [1, 1, 2, 2, 2])
    assert scores == {
        "precision": 1.0,
        "recall": 1.0,
        "f1": 1.0,
        "exact_share": 1.0,
        "items": 5,
        "true_clusters": 2,
        "predicted_clusters": 2,
        "true_pairs": 4,
        "predicted_pairs": 4,
        "correct_pairs": 4,
    }


def test_pairwise_scores_one_wrong_merge():
    # True pairs: A 1 + B 1 = 2. Predicted {A,A,B,B}: 6 pairs, 2 of them right.
    scores = pairwise_scores(["A", "A", "B", "B", "C"], [1, 1, 1, 1, 2])
    assert scores["precision"] == pytest.approx(2 / 6)
    assert scores["recall"] == 1.0
    assert scores["f1"] == pytest.approx(0.5)
    assert scores["exact_share"] == pytest.approx(1 / 3)
    assert (scores["true_pairs"], scores["predicted_pairs"], scores["correct_pairs"]) == (2, 6, 2)
    assert (scores["true_clusters"], scores["predicted_clusters"]) == (3, 2)


def test_pairwise_scores_one_split():
    # True pairs: A 3 + B 1 = 4. A split 2 + 1: 1 predicted pair in A, 1 in B.
    scores = pairwise_scores(["A", "A", "A", "B", "B"], [1, 1, 2, 3, 3])
    assert scores["precision"] == 1.0
    assert scores["recall"] == 0.5
    assert scores["f1"] == pytest.approx(2 / 3)
    assert scores["exact_share"] == 0.5
    assert (scores["true_clusters"], scores["predicted_clusters"]) == (2, 3)


def test_pairwise_scores_skip_items_without_truth_and_split_unassigned_items():
    truth = pd.Series(["A", "A", "A", None, "B", "B"])
    predicted = pd.array([1, 1, pd.NA, 1, pd.NA, pd.NA], dtype="Int64")
    scores = pairwise_scores(truth, predicted)
    # Scored: A = {1, 1, own}, B = {own, own}: 1 correct pair of 4 true, 1 predicted.
    assert scores["items"] == 5
    assert scores["true_pairs"] == 4
    assert scores["predicted_pairs"] == 1
    assert scores["correct_pairs"] == 1
    assert scores["precision"] == 1.0
    assert scores["recall"] == 0.25
    assert scores["predicted_clusters"] == 4
    assert scores["exact_share"] == 0.0


def test_pairwise_scores_reject_different_lengths():
    with pytest.raises(ValueError, match="length"):
        pairwise_scores(["A", "B"], [1])


# B-cubed, merges and the cross-check against scikit-learn


def test_bcubed_scores_of_one_wrong_merge():
    # A, A, B, B in one predicted cluster: each of those 4 items has precision 2/4, recall 1;
    # C alone: 1 and 1. Precision (4 * 0.5 + 1) / 5 = 0.6, recall 1.
    scores = bcubed_scores(["A", "A", "B", "B", "C"], [1, 1, 1, 1, 2])
    assert scores["bcubed_precision"] == pytest.approx(0.6)
    assert scores["bcubed_recall"] == 1.0
    assert scores["bcubed_f1"] == pytest.approx(2 * 0.6 / 1.6)


def test_bcubed_scores_of_one_split():
    # A split 2 + 1: recall 2/3, 2/3 and 1/3; B whole: 1 and 1. Precision 1 everywhere.
    scores = bcubed_scores(["A", "A", "A", "B", "B"], [1, 1, 2, 3, 3])
    assert scores["bcubed_precision"] == 1.0
    assert scores["bcubed_recall"] == pytest.approx((2 / 3 + 2 / 3 + 1 / 3 + 2) / 5)


def test_bcubed_scores_skip_items_without_truth_and_split_unassigned_items():
    truth = pd.Series(["A", "A", None, "B"])
    predicted = pd.array([1, pd.NA, 1, 1], dtype="Int64")
    # scored: A in 1, A alone, B in 1: items 1 and 4 have precision 1/2, recall 1/2 and 1.
    scores = bcubed_scores(truth, predicted)
    assert scores["bcubed_precision"] == pytest.approx((0.5 + 1 + 0.5) / 3)
    assert scores["bcubed_recall"] == pytest.approx((0.5 + 0.5 + 1) / 3)


def _bcubed_by_item(truth: np.ndarray, predicted: np.ndarray) -> tuple[float, float]:
    precision, recall = [], []
    for i in range(len(truth)):
        same_predicted = predicted == predicted[i]
        same_true = truth == truth[i]
        both = (same_predicted & same_true).sum()
        precision.append(both / same_predicted.sum())
        recall.append(both / same_true.sum())
    return float(np.mean(precision)), float(np.mean(recall))


def test_bcubed_scores_equal_the_definition_item_by_item():
    rng = np.random.default_rng(3)
    truth = rng.integers(0, 15, 300)
    predicted = np.where(rng.random(300) < 0.3, rng.integers(0, 10, 300), truth)
    precision, recall = _bcubed_by_item(truth, predicted)
    scores = bcubed_scores(truth, predicted)
    assert scores["bcubed_precision"] == pytest.approx(precision)
    assert scores["bcubed_recall"] == pytest.approx(recall)


def test_merge_scores_count_predicted_clusters_joining_several_true_ones():
    # 1 joins A and B, 2 joins C, D and E, 3 is F alone; G's items are split (no over-merge)
    truth = ["A", "A", "B", "C", "D", "E", "F", "G", "G"]
    predicted = [1, 1, 1, 2, 2, 2, 3, 4, 5]
    assert merge_scores(truth, predicted) == {
        "over_merged_customer_count": 2,
        "largest_merge_size": 3,
    }
    assert merge_scores(["A", "B"], [1, 2]) == {
        "over_merged_customer_count": 0,
        "largest_merge_size": 1,
    }


def test_clustering_scores_hold_every_score_from_one_table():
    truth, predicted = ["A", "A", "B", "B", "C"], [1, 1, 1, 1, 2]
    scores = clustering_scores(truth, predicted)
    assert scores == {
        **pairwise_scores(truth, predicted),
        **bcubed_scores(truth, predicted),
        **merge_scores(truth, predicted),
    }
    assert set(SCORE_COLUMNS) - set(scores) == {"unexplained_business_merge_count"}


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_pair_counts_equal_scikit_learns_pair_confusion_matrix(seed: int):
    from sklearn.metrics.cluster import pair_confusion_matrix

    rng = np.random.default_rng(seed)
    n = 2000
    truth = rng.integers(0, 200, n)
    predicted = np.where(rng.random(n) < 0.2, rng.integers(0, 150, n), truth // 2)
    scores = pairwise_scores(truth, predicted)
    matrix = pair_confusion_matrix(truth, predicted)  # ordered pairs: twice ours
    assert scores["correct_pairs"] * 2 == matrix[1, 1]
    assert scores["true_pairs"] * 2 == matrix[1, 1] + matrix[1, 0]
    assert scores["predicted_pairs"] * 2 == matrix[1, 1] + matrix[0, 1]


# Business merges no person-level record explains, in a hand-made warehouse

KINDS = {1: "business", 2: "business", 3: "business", 4: "business", 5: "business"}
KINDS |= {6: "individual", 7: "business", 8: "business", 9: "individual", 10: "business"}
KINDS |= {11: "business", 12: "individual", 13: "business", 14: "business"}
PEOPLE = {
    1: "ann@one.com",
    2: "bob@two.com",
    3: "cy@three.com",
    4: "di@four.com",
    5: "ed@five.com",
    6: "fay@gmail.com",
    7: "gus@seven.com",
    8: "hal@eight.com",
    9: "ivy@yahoo.com",
    10: "jo@ten.com",
    11: "kim@eleven.com",
    12: "lou@mail.com",
    13: "max@thirteen.com",
    14: "ned@fourteen.com",
}
# record: (true customer, predicted customer, identifiers as identity read them)
RECORDS = {
    # P: two businesses filed under one CRM company: listed
    "r1": (1, "P", [("email", "ann@one.com"), ("hubspot_company", "900")]),
    "r1b": (1, "P", [("email", "ann@one.com")]),
    "r2": (2, "P", [("email", "bob@two.com"), ("hubspot_company", "900")]),
    # Q: a record of 3 holds the address of 4's person (and no address of 3's): explained
    "r3": (3, "Q", [("email", "di@four.com"), ("hubspot_company", "901")]),
    "r4": (4, "Q", [("email", "di@four.com")]),
    # R: one business and one individual (whose record has no cross-tool identifier)
    "r5": (5, "R", [("email", "ed@five.com")]),
    "r6": (6, "R", [("ga_visitor", "123.456")]),
    # S: 7 and 8 through a chain of person-level records (7 -> 9's person -> 8's person)
    "r7": (7, "S", [("email", "gus@seven.com"), ("email", "ivy@yahoo.com")]),
    "r9": (9, "S", [("email", "ivy@yahoo.com"), ("email", "hal@eight.com")]),
    "r8": (8, "S", [("email", "hal@eight.com")]),
    # T: a record of 12 holds the addresses of 10's and 11's people: explained
    "r12": (12, "T", [("email", "jo@ten.com"), ("email", "kim@eleven.com")]),
    "r10": (10, "T", [("email", "jo@ten.com")]),
    "r11": (11, "T", [("email", "kim@eleven.com")]),
    # U: two businesses joined by a junk address nobody owns: listed
    "r13": (13, "U", [("email", "x@x.com")]),
    "r14": (14, "U", [("email", "x@x.com")]),
}


@pytest.fixture
def warehouse(tmp_path):
    import duckdb

    truth = tmp_path / "truth"
    truth.mkdir()
    pd.DataFrame({"customer_id": list(KINDS), "kind": list(KINDS.values())}).to_parquet(
        truth / "customers.parquet"
    )
    pd.DataFrame(
        {
            "contact_id": list(PEOPLE),
            "customer_id": list(PEOPLE),
            "email": list(PEOPLE.values()),
            "name": "x",
        }
    ).to_parquet(truth / "contacts.parquet")
    pd.DataFrame(
        {
            "source": "hubspot",
            "table_name": "contacts",
            "record_id": list(RECORDS),
            "customer_id": [true for true, _, _ in RECORDS.values()],
            "record_issue": None,
        }
    ).to_parquet(truth / "records.parquet")
    identifiers = []
    for record, (_, _, ids) in RECORDS.items():
        for kind, value in ids:
            identifiers.append((f"g_{record}", kind, value, None, None))
            if kind == "email":  # the domain identity derives from a usable address
                identifiers.append((f"g_{record}", "domain", value.split("@")[1], None, 1))
    database = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(database)) as con:
        for schema in ("staging", "marts", "intermediate"):
            con.execute(f"create schema {schema}")
        con.execute(
            "create table staging.stg_google_analytics__events "
            "(event_id varchar, user_pseudo_id varchar, user_id varchar)"
        )
        con.execute(
            "create table staging.stg_drip__events (event_id varchar, subscriber_id varchar)"
        )
        con.execute(
            "create table staging.stg_hubspot__social_impressions "
            "(social_impression_id varchar, company_id varchar, month_start_date date)"
        )
        con.execute(
            "create table staging.stg_online_retail__invoice_lines "
            "(invoice_line_id varchar, invoice_no varchar)"
        )
        rows = [(f"k_{r}", "hubspot", "contacts", r, p) for r, (_, p, _) in RECORDS.items()]
        con.execute(
            "create table marts.customer_identity_map (record_key varchar, source_name varchar, "
            "table_name varchar, record_id varchar, customer_key varchar)"
        )
        con.executemany("insert into marts.customer_identity_map values (?, ?, ?, ?, ?)", rows)
        con.execute(
            "create table intermediate.int_identity__source_records "
            "(record_key varchar, identity_group_key varchar)"
        )
        con.executemany(
            "insert into intermediate.int_identity__source_records values (?, ?)",
            [(f"k_{r}", f"g_{r}") for r in RECORDS],
        )
        con.execute(
            "create table intermediate.int_identity__record_identifiers (identity_group_key "
            "varchar, identifier_type varchar, identifier_value varchar, blocked_reason varchar, "
            "derived_from_node_key ubigint)"
        )
        con.executemany(
            "insert into intermediate.int_identity__record_identifiers values (?, ?, ?, ?, ?)",
            identifiers,
        )
    return database, truth


def test_person_groups_follow_chains_of_records_carrying_peoples_addresses(warehouse):
    import duckdb

    database, truth = warehouse
    with duckdb.connect(str(database), read_only=True) as con:
        items = identity_items(con, truth)
        groups = person_groups(con, truth, items)
    linked = groups.groupby(groups).apply(lambda members: sorted(members.index)).tolist()
    assert sorted(group for group in linked if len(group) > 1) == [
        ["software:10", "software:11", "software:12"],
        ["software:3", "software:4"],
        ["software:7", "software:8", "software:9"],
    ]


def test_unexplained_business_merges_list_only_merges_without_a_person_level_link(warehouse):
    import duckdb

    database, truth = warehouse
    with duckdb.connect(str(database), read_only=True) as con:
        listed = unexplained_business_merges(con, truth)
    assert listed.customer_key.tolist() == ["P", "U"]
    assert listed.business_customers.tolist() == [
        ["software:1", "software:2"],
        ["software:13", "software:14"],
    ]
    assert listed.unlinked_group_count.tolist() == [2, 2]
    assert listed.true_customer_count.tolist() == [2, 2]


def test_a_messy_worlds_other_addresses_of_a_person_link_too(warehouse):
    import duckdb

    database, truth = warehouse
    # 14's person also uses x@x.com (as a messy world's contact_emails would say): U explained
    emails = pd.read_parquet(truth / "contacts.parquet")[["contact_id", "customer_id", "email"]]
    extra = pd.DataFrame({"contact_id": [13], "customer_id": [14], "email": ["x@x.com"]})
    pd.concat([emails, extra]).assign(kind="primary").to_parquet(truth / "contact_emails.parquet")
    with duckdb.connect(str(database), read_only=True) as con:
        assert unexplained_business_merges(con, truth).customer_key.tolist() == ["P"]


def test_identity_scores_write_every_score_per_scope(warehouse):
    import duckdb

    database, truth = warehouse
    table = identity_scores(database, truth).set_index("scope")
    assert list(table.columns) == list(SCORE_COLUMNS)
    everything = table.loc["all_records"]
    # 15 records of 14 customers: one true pair, in P with 3 records; 12 predicted pairs
    assert (everything["items"], everything["true_pairs"], everything["predicted_pairs"]) == (
        15,
        1,
        12,
    )
    assert everything["precision"] == pytest.approx(1 / 12)
    assert everything["over_merged_customer_count"] == 6
    assert everything["largest_merge_size"] == 3
    assert everything["unexplained_business_merge_count"] == 2
    # the individual's record has no cross-tool identifier: R holds one customer there
    linkable = table.loc["records_with_cross_tool_identifier"]
    assert linkable["items"] == 14
    assert linkable["over_merged_customer_count"] == 5
    with duckdb.connect(str(database), read_only=True) as con:
        stored = con.execute("select * from data_quality.identity_resolution_scores").df()
    pd.testing.assert_frame_equal(stored, table.reset_index(), check_dtype=False)

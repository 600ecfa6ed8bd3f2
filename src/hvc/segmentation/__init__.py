"""Customer segmentation: features, model selection, value-ordered labels and the Insiders.

Each business line is segmented on its own. Features are transformed (log1p for counts and
days, a signed log1p for money) and scaled (z-scores by default). Candidates (KMeans,
Gaussian mixtures, Ward and HDBSCAN, k = `k_min..k_max` where it applies, optionally also in a
PCA space) are fitted on a fixed-size random sample and scored in the scaled feature space,
whatever space they were fitted in: silhouette on a smaller fixed sample, Davies-Bouldin and
Calinski-Harabasz on the fit sample, segment sizes, and stability (the adjusted Rand index
between the candidate and its refits on subsamples). The rule: the best silhouette among
candidates with 2 to `k_max` segments, none below `min_segment_share` of customers, the most
valuable one at most `max_top_segment_share`, and mean stability >= `min_stability`.
Stability is measured only where the rule needs it (in silhouette order, up to the first
stable candidate), which gives the same choice as measuring every candidate. Segments are
numbered by value (median adjusted revenue, highest first), so segment 1 is always the most
valuable, and named from their profiles; the Insiders are segment 1, or the top share of
customers by value under the business rule.

`summarise_insiders` answers, per business line, how many Insiders there are, their share of
customers and revenue, how they differ from the rest (median ratios), which thresholds
describe them (a shallow decision tree, scored on held-out customers) and whether their revenue
per customer differs (Mann-Whitney U, Welch t, effect sizes, bootstrap confidence intervals).
These in-sample tests only show that the segments separate revenue, which they were built to
do; `backtest_insiders` is the real check: Insiders chosen from the data before a cutoff,
measured on the revenue after it, against the same number of top past spenders.

Modules: `settings`; `features` (transformed and scaled, per business line); `candidates`
(what is tried, and fitting it); `stability`; `selection` (scores and the rule); `labels`
(numbered by value, named, the Insiders); `segments` (every customer assigned); and the
Insiders explained: `comparison`, `eligibility`, `summary`, `backtest`; and the Insiders over
time: `history` (segments at every period end, matched to the period before, and membership
rules with hysteresis).
"""

from hvc import IMPORT_LOCK

# One package at a time: see hvc.IMPORT_LOCK.
with IMPORT_LOCK:
    from hvc.segmentation.backtest import BACKTEST_COLUMNS, backtest_insiders, top_past_spenders
    from hvc.segmentation.candidates import Candidate, FittedSegmenter, cut_tree_at
    from hvc.segmentation.comparison import compare_revenue
    from hvc.segmentation.eligibility import RULE_FEATURES, eligibility_rule, tree_rule
    from hvc.segmentation.features import (
        DEFAULT_FEATURES,
        FEATURES,
        INPUT_COLUMNS,
        VALUE_COLUMN,
        prepare_line,
        scale_features,
        split_lines,
        transform_features,
    )
    from hvc.segmentation.history import (
        MEMBERSHIP_COLUMNS,
        MEMBERSHIP_SCHEMA,
        PERIOD_SEGMENT_COLUMNS,
        PERIOD_SEGMENT_SCHEMA,
        InsidersHistorySettings,
        as_arrow,
        match_segments,
        membership_history,
        period_frames,
        period_segments,
    )
    from hvc.segmentation.labels import (
        INSIDERS,
        SINGLE_SEGMENT,
        insider_flags,
        name_segments,
        order_segments,
    )
    from hvc.segmentation.macro import MACRO_KPIS, MACRO_SEGMENT_COLUMNS, macro_segments
    from hvc.segmentation.segments import SEGMENT_COLUMNS, segment_and_select, segment_customers
    from hvc.segmentation.selection import (
        SELECTION_COLUMNS,
        choose_candidate,
        select_models,
        silhouette_from_distances,
    )
    from hvc.segmentation.settings import INSIDER_RULES, METHODS, SCALINGS, SegmentationSettings
    from hvc.segmentation.summary import SUMMARY_COLUMNS, summarise_insiders

__all__ = [
    "BACKTEST_COLUMNS",
    "DEFAULT_FEATURES",
    "FEATURES",
    "INPUT_COLUMNS",
    "INSIDERS",
    "MACRO_KPIS",
    "MACRO_SEGMENT_COLUMNS",
    "MEMBERSHIP_COLUMNS",
    "MEMBERSHIP_SCHEMA",
    "PERIOD_SEGMENT_COLUMNS",
    "PERIOD_SEGMENT_SCHEMA",
    "InsidersHistorySettings",
    "INSIDER_RULES",
    "METHODS",
    "RULE_FEATURES",
    "SCALINGS",
    "SEGMENT_COLUMNS",
    "SELECTION_COLUMNS",
    "SINGLE_SEGMENT",
    "SUMMARY_COLUMNS",
    "VALUE_COLUMN",
    "Candidate",
    "FittedSegmenter",
    "SegmentationSettings",
    "as_arrow",
    "backtest_insiders",
    "choose_candidate",
    "compare_revenue",
    "cut_tree_at",
    "eligibility_rule",
    "insider_flags",
    "macro_segments",
    "match_segments",
    "membership_history",
    "name_segments",
    "order_segments",
    "period_frames",
    "period_segments",
    "prepare_line",
    "scale_features",
    "segment_and_select",
    "segment_customers",
    "select_models",
    "silhouette_from_distances",
    "split_lines",
    "summarise_insiders",
    "top_past_spenders",
    "transform_features",
    "tree_rule",
]

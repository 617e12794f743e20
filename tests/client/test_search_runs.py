"""runs/search through the real client: MLflow's filter grammar, order_by, view types and paging.

Everything above the "Stride extensions" section is MLflow's contract and passes against
`mlflow server` (STRIDE_TEST_TARGET=mlflow). The grammar follows section 7 of
shared/reference/mlflow-rest-api.md and mlflow/utils/search_utils.py.

Most tests read one fixed corpus of five runs (`corpus`, built once per module with log_batch):

    run    start    status    end      user  metrics                         params              tags
    alpha  T0+1000  FINISHED  T0+1500  ada   loss .1, acc .9, `my loss` .25  lr 0.1,   opt Adam  team vision, note 'Hello World',
                                                                                                 `my tag` spaced, `a.b` dotted
    beta   T0+2000  FAILED    T0+2500  bob   loss .5, acc .7                 lr 0.01,  opt adam  team nlp
    gamma  T0+3000  RUNNING   -        ada   loss .05 then .9 (latest)       lr 0.001, opt SGD   team vision
    delta  T0+4000  KILLED    T0+4500  bob   loss NaN                        lr 0.1              team Vision_2
    eps    T0+5000  FINISHED  T0+5500  ada   -                               -                   -
"""

from __future__ import annotations

import math
import re
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import mlflow
import mlflow.data
import pandas as pd
import pytest
import requests
from mlflow.entities import Metric, Param, RunTag, ViewType
from mlflow.exceptions import MlflowException

from conftest import TARGET, unique_name

T0 = 1_700_000_000_000
NAN = float("nan")
ALL = {"alpha", "beta", "gamma", "delta", "eps"}

stride_only = pytest.mark.skipif(TARGET == "mlflow", reason="Stride extension")
mlflow_only = pytest.mark.skipif(TARGET != "mlflow", reason="documents the real MLflow server")


@dataclass(frozen=True)
class RunSpec:
    name: str
    start: int
    status: str = "RUNNING"
    end: int | None = None
    user: str = "ada"
    # A tuple logs one value per step (0, 1, ...): the last one is the run's latest value.
    metrics: dict[str, float | tuple[float, ...]] = field(default_factory=dict)
    params: dict[str, str] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)


CORPUS = [
    RunSpec(
        "alpha", T0 + 1000, "FINISHED", T0 + 1500, "ada",
        metrics={"loss": 0.1, "acc": 0.9, "my loss": 0.25},
        params={"lr": "0.1", "opt": "Adam"},
        tags={"team": "vision", "note": "Hello World", "my tag": "spaced", "a.b": "dotted"},
    ),
    RunSpec(
        "beta", T0 + 2000, "FAILED", T0 + 2500, "bob",
        metrics={"loss": 0.5, "acc": 0.7},
        params={"lr": "0.01", "opt": "adam"},
        tags={"team": "nlp"},
    ),
    RunSpec(
        "gamma", T0 + 3000, "RUNNING", None, "ada",
        metrics={"loss": (0.05, 0.9)},
        params={"lr": "0.001", "opt": "SGD"},
        tags={"team": "vision"},
    ),
    RunSpec(
        "delta", T0 + 4000, "KILLED", T0 + 4500, "bob",
        metrics={"loss": NAN},
        params={"lr": "0.1"},
        tags={"team": "Vision_2"},
    ),
    RunSpec("eps", T0 + 5000, "FINISHED", T0 + 5500, "ada"),
]


def create_runs(client, experiment_id, specs) -> dict[str, str]:
    """Create the runs described by `specs`, one log_batch each; returns {name: run_id}."""
    ids = {}
    for spec in specs:
        run_id = client.create_run(
            experiment_id, start_time=spec.start, run_name=spec.name, tags={"mlflow.user": spec.user}
        ).info.run_id
        metrics = []
        for key, values in spec.metrics.items():
            for step, value in enumerate(values if isinstance(values, tuple) else (values,)):
                if math.isnan(value):
                    client.log_metric(run_id, key, value, timestamp=spec.start, step=step)
                else:
                    metrics.append(Metric(key, value, spec.start + step, step))
        client.log_batch(
            run_id,
            metrics=metrics,
            params=[Param(k, v) for k, v in spec.params.items()],
            tags=[RunTag(k, v) for k, v in spec.tags.items()],
        )
        if spec.status != "RUNNING":
            client.set_terminated(run_id, spec.status, end_time=spec.end)
        ids[spec.name] = run_id
    return ids


def create_runs_starting_at(client, experiment_id, start_times) -> dict[str, int]:
    """One run per start time, created in this order; returns {run_id: start_time}."""
    return {client.create_run(experiment_id, start_time=t).info.run_id: t for t in start_times}


def default_order(starts: dict[str, int]) -> list[str]:
    """MLflow's default order of these runs: start_time DESC, then run_id ascending."""
    return sorted(starts, key=lambda r: (-starts[r], r))


def all_pages(client, experiment_ids, page_size, **kw) -> tuple[list[list[str]], list]:
    """Every page of a search as lists of run ids, with the token each page returned."""
    pages, tokens, token = [], [], None
    while True:
        page = client.search_runs(experiment_ids, max_results=page_size, page_token=token, **kw)
        pages.append([r.info.run_id for r in page])
        tokens.append(page.token)
        token = page.token
        if not token:
            return pages, tokens
        assert len(pages) < 100, "paging does not terminate"


class Corpus:
    def __init__(self, client, experiment_id, experiment_name, ids):
        self.client = client
        self.experiment_id = experiment_id
        self.experiment_name = experiment_name
        self.ids = ids
        self.names_by_id = {v: k for k, v in ids.items()}

    def search(self, filter_string="", **kw):
        return self.client.search_runs([self.experiment_id], filter_string, **kw)

    def names(self, filter_string="", **kw) -> set[str]:
        """The names of the matching runs, as a set."""
        return {self.names_by_id[r.info.run_id] for r in self.search(filter_string, **kw)}

    def ordered(self, *order_by, filter_string="") -> list[str]:
        """The names of the matching runs, in the order the server returns them."""
        return [self.names_by_id[r.info.run_id] for r in self.search(filter_string, order_by=list(order_by))]


@pytest.fixture(scope="module")
def corpus(tracking_uri) -> Corpus:
    client = mlflow.MlflowClient(tracking_uri=tracking_uri)
    name = unique_name("search-corpus")
    experiment_id = client.create_experiment(name)
    return Corpus(client, experiment_id, name, create_runs(client, experiment_id, CORPUS))


def expect_invalid_parameter(call):
    with pytest.raises(MlflowException) as exc:
        call()
    assert exc.value.error_code == "INVALID_PARAMETER_VALUE", exc.value.message
    return exc.value


# --- filters: metrics ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "filter_string, expected",
    [
        ("metrics.loss = 0.5", {"beta"}),
        # NaN is unequal to everything, so delta's NaN matches != (MLflow: "a NaN metric always
        # satisfies '!='"); eps, which never logged loss, does not.
        ("metrics.loss != 0.5", {"alpha", "gamma", "delta"}),
        ("metrics.loss < 0.5", {"alpha"}),
        ("metrics.loss <= 0.5", {"alpha", "beta"}),
        ("metrics.loss > 0.5", {"gamma"}),
        ("metrics.loss >= 0.5", {"beta", "gamma"}),
    ],
)
def test_metric_filter_supports_all_six_comparators_and_nan_only_matches_not_equal(corpus, filter_string, expected):
    assert corpus.names(filter_string) == expected


def test_metric_filter_compares_the_latest_value_not_any_earlier_one(corpus):
    # gamma logged 0.05 at step 0 and 0.9 at step 1.
    assert corpus.names("metrics.loss < 0.2") == {"alpha"}


@pytest.mark.parametrize("filter_string", ["metrics.acc != 0.123", "metrics.acc < 100", "metrics.acc > -1e9"])
def test_runs_lacking_the_metric_never_match_not_even_not_equal(corpus, filter_string):
    assert corpus.names(filter_string) == {"alpha", "beta"}


@pytest.mark.parametrize(
    "filter_string, expected",
    [
        ("metrics.loss < 1", {"alpha", "beta", "gamma"}),
        ("metrics.loss <= 5e-1", {"alpha", "beta"}),
        ("metrics.loss = .5", {"beta"}),
        ("metrics.loss = 0.50", {"beta"}),
    ],
)
def test_metric_values_may_be_integers_floats_or_exponents(corpus, filter_string, expected):
    assert corpus.names(filter_string) == expected


# --- filters: params and tags -------------------------------------------------------------------


@pytest.mark.parametrize(
    "filter_string, expected",
    [
        ("params.opt = 'adam'", {"beta"}),
        ("params.opt != 'adam'", {"alpha", "gamma"}),
        ("params.lr = '0.10'", set()),  # params are strings: no numeric comparison
        ("params.opt LIKE 'A%'", {"alpha"}),
        ("params.opt LIKE '%dam'", {"alpha", "beta"}),
        ("params.opt LIKE 'adam'", {"beta"}),
        ("params.opt ILIKE 'a%'", {"alpha", "beta"}),
        ("params.opt ILIKE 'sgd'", {"gamma"}),
        ("params.lr LIKE '0._'", {"alpha", "delta"}),
        ("params.lr LIKE '0.0%'", {"beta", "gamma"}),
        ("params.opt IS NULL", {"delta", "eps"}),
        ("params.opt IS NOT NULL", {"alpha", "beta", "gamma"}),
    ],
)
def test_param_filter_operators(corpus, filter_string, expected):
    assert corpus.names(filter_string) == expected


@pytest.mark.parametrize(
    "filter_string, expected",
    [
        ("tags.team = 'vision'", {"alpha", "gamma"}),
        ("tags.team != 'vision'", {"beta", "delta"}),  # eps has no team tag: no match
        ("tags.team LIKE 'vision%'", {"alpha", "gamma"}),
        ("tags.team ILIKE 'vision%'", {"alpha", "gamma", "delta"}),
        ("tags.team LIKE 'Vision__'", {"delta"}),
        ("tags.note LIKE '%World'", {"alpha"}),
        ("tags.note LIKE '%world'", set()),
        ("tags.note ILIKE '%world'", {"alpha"}),
        ("tags.note LIKE 'Hello World'", {"alpha"}),
        ("tags.team IS NULL", {"eps"}),
        ("tags.team IS NOT NULL", {"alpha", "beta", "gamma", "delta"}),
    ],
)
def test_tag_filter_operators(corpus, filter_string, expected):
    assert corpus.names(filter_string) == expected


# --- filters: attributes ------------------------------------------------------------------------


def test_run_id_filter_with_equals_in_and_not_in(corpus):
    alpha, beta = corpus.ids["alpha"], corpus.ids["beta"]
    assert corpus.names(f"attributes.run_id = '{alpha}'") == {"alpha"}
    assert corpus.names(f"run_id != '{alpha}'") == ALL - {"alpha"}
    assert corpus.names(f"attributes.run_id IN ('{alpha}', '{beta}')") == {"alpha", "beta"}
    assert corpus.names(f"attributes.run_id NOT IN ('{alpha}', '{beta}')") == {"gamma", "delta", "eps"}
    assert corpus.names(f"attributes.run_id IN ('{alpha}')") == {"alpha"}
    assert corpus.names(f"run_id in ('{beta}')") == {"beta"}


@pytest.mark.parametrize(
    "filter_string, expected",
    [
        ("run_name = 'beta'", {"beta"}),
        ("attributes.run_name = 'beta'", {"beta"}),
        ("attributes.run_name LIKE '%ta'", {"beta", "delta"}),
        ("run_name ILIKE 'ALPHA'", {"alpha"}),
        ("run_name != 'alpha'", ALL - {"alpha"}),
        ("`Run name` = 'gamma'", {"gamma"}),
        ("attributes.`Run Name` = 'gamma'", {"gamma"}),
        ('"run name" = \'gamma\'', {"gamma"}),
        ("tags.mlflow.runName = 'eps'", {"eps"}),
        ("tags.`mlflow.runName` LIKE 'e%'", {"eps"}),
    ],
)
def test_run_name_filter_and_its_aliases(corpus, filter_string, expected):
    assert corpus.names(filter_string) == expected


@pytest.mark.parametrize(
    "filter_string, expected",
    [
        ("status = 'FAILED'", {"beta"}),
        ("attributes.status != 'FINISHED'", {"beta", "gamma", "delta"}),
        ("attributes.status LIKE 'F%'", {"alpha", "beta", "eps"}),
        ("status = 'RUNNING'", {"gamma"}),
        ("user_id = 'ada'", {"alpha", "gamma", "eps"}),
        ("attributes.user_id != 'ada'", {"beta", "delta"}),
        ("user_id ILIKE 'BO%'", {"beta", "delta"}),
    ],
)
def test_status_and_user_id_filters(corpus, filter_string, expected):
    assert corpus.names(filter_string) == expected


def test_artifact_uri_filter_with_like(corpus):
    alpha = corpus.ids["alpha"]
    assert corpus.names(f"attributes.artifact_uri LIKE '%/{alpha}/%'") == {"alpha"}
    assert corpus.names(f"artifact_uri LIKE '%/{corpus.experiment_id}/%'") == ALL
    uri = corpus.client.get_run(alpha).info.artifact_uri
    assert corpus.names(f"artifact_uri = '{uri}'") == {"alpha"}


@pytest.mark.parametrize(
    "filter_string, expected",
    [
        (f"start_time > {T0 + 3000}", {"delta", "eps"}),
        (f"attributes.start_time = {T0 + 2000}", {"beta"}),
        (f"start_time != {T0 + 2000}", ALL - {"beta"}),
        (f"created >= {T0 + 4000}", {"delta", "eps"}),
        (f"attributes.Created < {T0 + 2000}", {"alpha"}),
        # gamma is still RUNNING and has no end_time: it matches no end_time comparison.
        (f"end_time <= {T0 + 2500}", {"alpha", "beta"}),
        (f"end_time != {T0 + 1500}", {"beta", "delta", "eps"}),
        ("end_time > 0", ALL - {"gamma"}),
        (f"start_time >= {T0 + 2000} AND end_time < {T0 + 5000}", {"beta", "delta"}),
    ],
)
def test_numeric_time_attribute_filters(corpus, filter_string, expected):
    assert corpus.names(filter_string) == expected


# --- filters: datasets --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def dataset_runs(tracking_uri):
    """Three runs: one trained on 'train-ds', one evaluated on 'eval-ds', one without inputs."""
    experiment_id = mlflow.MlflowClient(tracking_uri=tracking_uri).create_experiment(unique_name("search-ds"))
    train = mlflow.data.from_pandas(pd.DataFrame({"x": [1.0, 2.0], "y": [0, 1]}), name="train-ds")
    evaluation = mlflow.data.from_pandas(pd.DataFrame({"x": [3.0, 4.0, 5.0]}), name="eval-ds")
    names = {}
    for run_name, dataset, context in [("trained", train, "training"), ("evaluated", evaluation, "evaluation"),
                                       ("no-inputs", None, None)]:
        with mlflow.start_run(experiment_id=experiment_id, run_name=run_name) as run:
            if dataset is not None:
                mlflow.log_input(dataset, context=context)
        names[run.info.run_id] = run_name
    return experiment_id, names, train.digest


@pytest.mark.parametrize(
    "filter_string, expected",
    [
        ("dataset.name = 'train-ds'", {"trained"}),
        ("dataset.name != 'train-ds'", {"evaluated"}),  # the run without inputs does not match
        ("dataset.name LIKE '%-ds'", {"trained", "evaluated"}),
        ("datasets.name ILIKE 'EVAL%'", {"evaluated"}),
        ("dataset.name IN ('train-ds', 'eval-ds')", {"trained", "evaluated"}),
        ("dataset.name NOT IN ('train-ds')", {"evaluated"}),
        ("dataset.context = 'training'", {"trained"}),
        ("dataset.context LIKE 'eval%'", {"evaluated"}),
        ("dataset.name = 'train-ds' AND dataset.context = 'training'", {"trained"}),
        ("dataset.name = 'train-ds' AND dataset.context = 'evaluation'", set()),
    ],
)
def test_dataset_name_and_context_filters(client, dataset_runs, filter_string, expected):
    experiment_id, names, _ = dataset_runs
    runs = client.search_runs([experiment_id], filter_string)
    assert {names[r.info.run_id] for r in runs} == expected


def test_dataset_digest_filter(client, dataset_runs):
    experiment_id, names, train_digest = dataset_runs
    runs = client.search_runs([experiment_id], f"dataset.digest = '{train_digest}'")
    assert [names[r.info.run_id] for r in runs] == ["trained"]
    assert client.search_runs([experiment_id], "dataset.digest = 'ffffffff'") == []


# --- filters: syntax ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "filter_string, expected",
    [
        ("metric.loss = 0.5", {"beta"}),
        ("`metrics`.loss = 0.5", {"beta"}),
        ("param.opt = 'SGD'", {"gamma"}),
        ("parameter.opt = 'SGD'", {"gamma"}),
        ("parameters.opt = 'SGD'", {"gamma"}),
        ("`params`.`opt` = 'SGD'", {"gamma"}),
        ("tag.team = 'nlp'", {"beta"}),
        ("attribute.status = 'KILLED'", {"delta"}),
        ("attr.status = 'KILLED'", {"delta"}),
        ("run.status = 'KILLED'", {"delta"}),
    ],
)
def test_entity_prefix_aliases(corpus, filter_string, expected):
    assert corpus.names(filter_string) == expected


@pytest.mark.parametrize(
    "filter_string, expected",
    [
        ("tags.\"my tag\" = 'spaced'", {"alpha"}),
        ("tags.`my tag` = 'spaced'", {"alpha"}),
        ("tags.`a.b` = 'dotted'", {"alpha"}),
        ("tags.\"a.b\" = 'dotted'", {"alpha"}),
        ("metrics.`my loss` < 0.3", {"alpha"}),
        ('metrics."my loss" = 0.25', {"alpha"}),
        ('params.opt = "SGD"', {"gamma"}),
    ],
)
def test_quoted_keys_with_spaces_and_dots_and_double_quoted_values(corpus, filter_string, expected):
    assert corpus.names(filter_string) == expected


@pytest.mark.parametrize(
    "filter_string, expected",
    [
        ("", ALL),
        ("params.lr = '0.1' AND metrics.loss < 1 AND tags.team = 'vision'", {"alpha"}),
        ("params.lr = '0.1' and tags.team ilike 'VISION%'", {"alpha", "delta"}),
        ("params.opt like 'A%' And status = 'FINISHED'", {"alpha"}),
        ("params.lr = '0.1' and", {"alpha", "delta"}),
        ("params.lr = '0.1' AND ", {"alpha", "delta"}),
        ("params.lr='0.1'AND metrics.loss<1", {"alpha"}),
        ("  params.lr   =   '0.1'  ", {"alpha", "delta"}),
    ],
)
def test_conjunctions_keyword_case_whitespace_and_trailing_and(corpus, filter_string, expected):
    assert corpus.names(filter_string) == expected


@pytest.mark.parametrize(
    "filter_string",
    [
        pytest.param("foo.bar = 'x'", id="unknown entity"),
        pytest.param("attributes.color = 'red'", id="unknown attribute"),
        pytest.param("color = 'red'", id="unknown attribute without prefix"),
        pytest.param("dataset.size = 'x'", id="unknown dataset key"),
        pytest.param("metrics.loss < '0.5'", id="quoted number for a metric"),
        pytest.param(f"start_time > '{T0}'", id="quoted number for a numeric attribute"),
        pytest.param("params.opt = Adam", id="unquoted string for a param"),
        pytest.param("tags.team = vision", id="unquoted string for a tag"),
        pytest.param("params.lr = 0.1", id="number for a param"),
        pytest.param("status = FAILED", id="unquoted string for an attribute"),
        pytest.param("metrics.loss IS NULL", id="IS NULL on a metric"),
        pytest.param("metrics.loss IS NOT NULL", id="IS NOT NULL on a metric"),
        pytest.param("run_name IS NULL", id="IS NULL on an attribute"),
        pytest.param("run_name IN ('alpha')", id="IN on run_name"),
        pytest.param("status NOT IN ('FAILED')", id="NOT IN on status"),
        pytest.param("metrics.loss LIKE 0.1", id="LIKE on a metric"),
        pytest.param("metrics.loss ILIKE 0.1", id="ILIKE on a metric"),
        pytest.param("start_time LIKE 1", id="LIKE on a numeric attribute"),
        pytest.param("params.opt < 'b'", id="less-than on a param"),
        pytest.param("params.opt = 'Adam", id="unterminated quote"),
        pytest.param("params.opt =", id="missing value"),
    ],
)
def test_invalid_filter_raises_invalid_parameter_value(corpus, filter_string):
    expect_invalid_parameter(lambda: corpus.search(filter_string))


def test_invalid_filter_messages_name_the_offending_part(corpus):
    assert "Invalid entity type 'foo'" in expect_invalid_parameter(lambda: corpus.search("foo.bar = 'x'")).message
    assert "Invalid attribute key 'color'" in expect_invalid_parameter(lambda: corpus.search("color = 'x'")).message
    message = expect_invalid_parameter(lambda: corpus.search("metrics.loss < '0.5'")).message
    assert "Expected numeric value type for metric" in message


# --- order_by -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "order_by, expected",
    [
        (["start_time ASC"], ["alpha", "beta", "gamma", "delta", "eps"]),
        (["attributes.start_time DESC"], ["eps", "delta", "gamma", "beta", "alpha"]),
        (["created"], ["alpha", "beta", "gamma", "delta", "eps"]),
        (["run_name"], ["alpha", "beta", "delta", "eps", "gamma"]),
        (["attributes.run_name desc"], ["gamma", "eps", "delta", "beta", "alpha"]),
        # ties (alpha and eps are both FINISHED) fall back to start_time DESC
        (["status ASC"], ["beta", "eps", "alpha", "delta", "gamma"]),
        (["end_time DESC"], ["eps", "delta", "beta", "alpha", "gamma"]),
        (["user_id ASC"], ["eps", "gamma", "alpha", "delta", "beta"]),
    ],
)
def test_order_by_attribute(corpus, order_by, expected):
    assert corpus.ordered(*order_by) == expected


@pytest.mark.parametrize(
    "order_by, expected",
    [
        # values first, then delta's NaN, then eps which has no loss: in both directions
        ("metrics.loss ASC", ["alpha", "beta", "gamma", "delta", "eps"]),
        ("metrics.loss", ["alpha", "beta", "gamma", "delta", "eps"]),
        ("metrics.loss DESC", ["gamma", "beta", "alpha", "delta", "eps"]),
        ("metrics.loss desc", ["gamma", "beta", "alpha", "delta", "eps"]),
        ("metrics.acc DESC", ["alpha", "beta", "eps", "delta", "gamma"]),
        ("metrics.`my loss` DESC", ["alpha", "eps", "delta", "gamma", "beta"]),
    ],
)
def test_order_by_metric_puts_nan_and_then_missing_last_in_both_directions(corpus, order_by, expected):
    assert corpus.ordered(order_by) == expected


@pytest.mark.parametrize(
    "order_by, expected",
    [
        # string order; the tie on '0.1' (alpha, delta) falls back to start_time DESC
        ("params.lr ASC", ["gamma", "beta", "delta", "alpha", "eps"]),
        ("params.lr DESC", ["delta", "alpha", "beta", "gamma", "eps"]),
        ("params.opt asc", ["alpha", "gamma", "beta", "eps", "delta"]),
        ("params.opt DESC", ["beta", "gamma", "alpha", "eps", "delta"]),
        # 'Vision_2' < 'nlp' < 'vision' byte-wise; eps has no team and comes last both ways
        ("tags.team ASC", ["delta", "beta", "gamma", "alpha", "eps"]),
        ("tags.team DESC", ["gamma", "alpha", "beta", "delta", "eps"]),
        ("tags.`my tag` DESC", ["alpha", "eps", "delta", "gamma", "beta"]),
        ("tags.mlflow.runName DESC", ["gamma", "eps", "delta", "beta", "alpha"]),
    ],
)
def test_order_by_param_and_tag_puts_missing_last_in_both_directions(corpus, order_by, expected):
    assert corpus.ordered(order_by) == expected


def test_order_by_several_keys_applies_them_in_turn(corpus):
    assert corpus.ordered("tags.team DESC", "metrics.loss ASC") == ["alpha", "gamma", "beta", "delta", "eps"]
    # an explicit start_time replaces the default start_time DESC tie-breaker
    assert corpus.ordered("params.lr DESC", "start_time ASC") == ["alpha", "delta", "beta", "gamma", "eps"]
    assert corpus.ordered("status DESC", "metrics.loss DESC") == ["gamma", "delta", "alpha", "eps", "beta"]


def test_order_by_combines_with_a_filter(corpus):
    assert corpus.ordered("metrics.loss DESC", filter_string="tags.team ILIKE 'vision%'") == [
        "gamma", "alpha", "delta",
    ]


def test_default_order_is_start_time_descending_then_run_id_ascending(experiment_id, client):
    starts = create_runs_starting_at(client, experiment_id, [T0 + 2, T0 + 1, T0 + 2, T0 + 3, T0 + 1, T0 + 2])
    assert [r.info.run_id for r in client.search_runs([experiment_id])] == default_order(starts)
    # The run_id tie-breaker stays ascending whatever the direction of the explicit key.
    by_start_asc = sorted(starts, key=lambda r: (starts[r], r))
    assert [r.info.run_id for r in client.search_runs([experiment_id], order_by=["start_time ASC"])] == by_start_asc


def test_ties_on_a_metric_fall_back_to_start_time_descending_then_run_id(experiment_id, client):
    starts = create_runs_starting_at(client, experiment_id, [T0 + 1, T0 + 2, T0 + 2, T0 + 1])
    for run_id in starts:
        client.log_metric(run_id, "m", 1.0, timestamp=T0, step=0)
    expected = default_order(starts)
    assert [r.info.run_id for r in client.search_runs([experiment_id], order_by=["metrics.m DESC"])] == expected
    assert [r.info.run_id for r in client.search_runs([experiment_id], order_by=["metrics.m ASC"])] == expected


@pytest.mark.skipif(
    TARGET == "mlflow",
    reason="MLflow detects the duplicate but raises MlflowException without an error code: "
    "HTTP 500 INTERNAL_ERROR (sqlalchemy_store._get_orderby_clauses), a bug",
)
@pytest.mark.parametrize(
    "order_by",
    [
        ["metrics.loss ASC", "metrics.loss DESC"],
        ["params.lr", "param.lr DESC"],
        ["tags.team", "tags.team"],
        ["start_time", "created DESC"],
        ["run_name", "`Run name` DESC"],
    ],
)
def test_duplicate_order_by_keys_are_rejected(corpus, order_by):
    expect_invalid_parameter(lambda: corpus.search(order_by=order_by))


@pytest.mark.parametrize(
    "order_by",
    [
        pytest.param(["metrics.loss SIDEWAYS"], id="bad direction"),
        pytest.param(["attributes.color"], id="unknown attribute"),
        pytest.param(["foo.bar ASC"], id="unknown entity"),
        pytest.param(["metrics.loss ASC DESC"], id="two directions"),
    ],
)
def test_invalid_order_by_raises_invalid_parameter_value(corpus, order_by):
    expect_invalid_parameter(lambda: corpus.search(order_by=order_by))


# --- view types ---------------------------------------------------------------------------------


def test_run_view_type_selects_active_deleted_or_all_runs(experiment_id, client):
    active = {client.create_run(experiment_id).info.run_id for _ in range(2)}
    deleted = {client.create_run(experiment_id).info.run_id for _ in range(2)}
    for run_id in deleted:
        client.delete_run(run_id)

    def ids(**kw):
        return {r.info.run_id for r in client.search_runs([experiment_id], **kw)}

    assert ids() == active
    assert ids(run_view_type=ViewType.ACTIVE_ONLY) == active
    assert ids(run_view_type=ViewType.DELETED_ONLY) == deleted
    assert ids(run_view_type=ViewType.ALL) == active | deleted
    client.restore_run(deleted.pop())
    assert len(ids(run_view_type=ViewType.DELETED_ONLY)) == 1


def test_deleted_runs_still_match_filters_in_deleted_only_view(experiment_id, client):
    kept = client.create_run(experiment_id, tags={"k": "v"}).info.run_id
    gone = client.create_run(experiment_id, tags={"k": "v"}).info.run_id
    client.delete_run(gone)
    assert [r.info.run_id for r in client.search_runs([experiment_id], "tags.k = 'v'")] == [kept]
    deleted_view = client.search_runs([experiment_id], "tags.k = 'v'", run_view_type=ViewType.DELETED_ONLY)
    assert [r.info.run_id for r in deleted_view] == [gone]
    assert deleted_view[0].info.lifecycle_stage == "deleted"


# --- max_results and paging ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def thousand_and_one_runs(tracking_uri):
    """An experiment with 1001 runs, created concurrently over raw HTTP to keep this quick."""
    base = tracking_uri + "/api/2.0/mlflow"
    experiment_id = requests.post(base + "/experiments/create", json={"name": unique_name("1001")},
                                  timeout=30).json()["experiment_id"]

    def create(i):
        resp = requests.post(base + "/runs/create", json={"experiment_id": experiment_id, "start_time": T0 + i},
                             timeout=30)
        resp.raise_for_status()
        return resp.json()["run"]["info"]["run_id"]

    with ThreadPoolExecutor(max_workers=8) as pool:
        run_ids = list(pool.map(create, range(1001)))
    return experiment_id, run_ids


def test_max_results_defaults_to_1000(api, client, thousand_and_one_runs):
    experiment_id, run_ids = thousand_and_one_runs
    body = api.post("/api/2.0/mlflow/runs/search", json={"experiment_ids": [experiment_id]}).json()
    assert len(body["runs"]) == 1000
    assert body["next_page_token"]
    rest = api.post(
        "/api/2.0/mlflow/runs/search",
        json={"experiment_ids": [experiment_id], "page_token": body["next_page_token"]},
    ).json()
    assert [r["info"]["run_id"] for r in rest["runs"]] == [run_ids[0]]  # the oldest comes last
    assert "next_page_token" not in rest
    # MlflowClient.search_runs also asks for 1000 by default.
    page = client.search_runs([experiment_id])
    assert len(page) == 1000
    assert page.token


def test_max_results_up_to_50000_is_accepted(corpus):
    assert corpus.names(max_results=50000) == ALL


@pytest.mark.parametrize("max_results", [50001, 0, -1])
def test_max_results_outside_1_to_50000_is_rejected(corpus, max_results):
    expect_invalid_parameter(lambda: corpus.search(max_results=max_results))


def test_paging_visits_every_run_once_in_order_and_the_last_page_has_no_token(corpus):
    pages, tokens = all_pages(corpus.client, [corpus.experiment_id], 2)
    names = [[corpus.names_by_id[r] for r in page] for page in pages]
    assert names == [["eps", "delta"], ["gamma", "beta"], ["alpha"]]
    assert tokens[0] and tokens[1]
    assert tokens[2] in (None, "")


def test_paging_when_the_count_is_a_multiple_of_the_page_size_has_no_empty_last_page(corpus):
    pages, tokens = all_pages(corpus.client, [corpus.experiment_id], 2, filter_string="tags.team IS NOT NULL")
    assert [len(p) for p in pages] == [2, 2]
    assert tokens[-1] in (None, "")


def test_paging_a_filtered_and_ordered_search_matches_the_unpaged_result(corpus):
    kw = {"filter_string": "metrics.loss >= 0", "order_by": ["metrics.loss DESC"]}
    whole = [r.info.run_id for r in corpus.search(**kw)]
    pages, _ = all_pages(corpus.client, [corpus.experiment_id], 1, **kw)
    assert [r for page in pages for r in page] == whole
    assert [corpus.names_by_id[r] for r in whole] == ["gamma", "beta", "alpha"]


def test_last_page_omits_next_page_token_on_the_wire(api, corpus):
    body = api.post(
        "/api/2.0/mlflow/runs/search",
        json={"experiment_ids": [corpus.experiment_id], "max_results": 5},
    ).json()
    assert len(body["runs"]) == 5
    assert "next_page_token" not in body


@pytest.mark.parametrize("page_token", ["not-a-page-token", "%%%", "eyJmb28iOiAxfQ=="])
def test_invalid_page_token_raises_invalid_parameter_value(corpus, page_token):
    expect_invalid_parameter(lambda: corpus.search(max_results=2, page_token=page_token))


# --- several experiments ------------------------------------------------------------------------


def test_search_over_several_experiments_merges_their_runs_in_one_order(experiment_id, client, corpus):
    late, early = create_runs_starting_at(client, experiment_id, [T0 + 6000, T0 + 2500])
    runs = client.search_runs([corpus.experiment_id, experiment_id])
    ids = [r.info.run_id for r in runs]
    c = corpus.ids
    assert ids == [late, c["eps"], c["delta"], c["gamma"], early, c["beta"], c["alpha"]]
    assert {r.info.experiment_id for r in runs} == {corpus.experiment_id, experiment_id}
    filtered = client.search_runs([experiment_id, corpus.experiment_id], f"start_time < {T0 + 3000}")
    assert [r.info.run_id for r in filtered] == [early, c["beta"], c["alpha"]]
    pages, _ = all_pages(client, [experiment_id, corpus.experiment_id], 3)
    assert [r for page in pages for r in page] == ids


# --- mlflow.search_runs (pandas) ----------------------------------------------------------------


def test_fluent_search_runs_returns_a_dataframe_with_metrics_params_and_tags_columns(corpus):
    df = mlflow.search_runs([corpus.experiment_id], order_by=["start_time ASC"])
    assert isinstance(df, pd.DataFrame)
    assert list(df["run_id"]) == [corpus.ids[s.name] for s in CORPUS]
    assert list(df["tags.mlflow.runName"]) == ["alpha", "beta", "gamma", "delta", "eps"]
    assert list(df["status"]) == ["FINISHED", "FAILED", "RUNNING", "KILLED", "FINISHED"]
    assert set(df["experiment_id"]) == {corpus.experiment_id}
    assert {"metrics.loss", "metrics.acc", "metrics.my loss", "params.lr", "params.opt",
            "tags.team", "tags.a.b", "start_time", "end_time", "artifact_uri"} <= set(df.columns)
    assert df["metrics.loss"].tolist()[:3] == [0.1, 0.5, 0.9]
    assert math.isnan(df["metrics.loss"][3]) and math.isnan(df["metrics.loss"][4])
    assert df["params.opt"].tolist()[:3] == ["Adam", "adam", "SGD"]
    assert pd.isna(df["params.opt"][3])
    assert df["tags.team"].tolist()[:4] == ["vision", "nlp", "vision", "Vision_2"]
    assert df["start_time"][0] == pd.Timestamp(T0 + 1000, unit="ms", tz="UTC")


def test_fluent_search_runs_filters_and_orders_by_experiment_names(corpus):
    df = mlflow.search_runs(
        experiment_names=[corpus.experiment_name],
        filter_string="params.lr = '0.1'",
        order_by=["start_time DESC"],
    )
    assert list(df["tags.mlflow.runName"]) == ["delta", "alpha"]
    assert list(df["params.lr"]) == ["0.1", "0.1"]


def test_fluent_search_runs_with_no_match_is_an_empty_dataframe(corpus):
    df = mlflow.search_runs([corpus.experiment_id], filter_string="tags.team = 'nobody'")
    assert isinstance(df, pd.DataFrame)
    assert df.empty


def test_fluent_search_runs_honours_run_view_type(experiment_id, client):
    kept, gone = create_runs_starting_at(client, experiment_id, [T0 + 1, T0 + 2])
    client.delete_run(gone)
    assert list(mlflow.search_runs([experiment_id])["run_id"]) == [kept]
    assert list(mlflow.search_runs([experiment_id], run_view_type=ViewType.DELETED_ONLY)["run_id"]) == [gone]
    assert list(mlflow.search_runs([experiment_id], run_view_type=ViewType.ALL)["run_id"]) == [gone, kept]


def test_fluent_search_runs_with_an_invalid_filter_raises(corpus):
    expect_invalid_parameter(lambda: mlflow.search_runs([corpus.experiment_id], filter_string="metrics.loss IS NULL"))


# --- Stride extensions beyond MLflow ------------------------------------------------------------
#
# OR, NOT, parentheses and IN / NOT IN on params and tags. Precedence is NOT > AND > OR, and NOT is
# plain logical negation of its clause: a run lacking the param matches NOT params.lr = '0.1'.
# Each filter here has an mlflow-only twin showing that real MLflow rejects it.

EXTENSION_FILTERS = [
    ("params.lr = '0.1' OR params.lr = '0.01'", {"alpha", "beta", "delta"}),
    ("params.lr = '0.1' or tags.team = 'nlp'", {"alpha", "beta", "delta"}),
    # a OR b AND c is a OR (b AND c)
    ("params.lr = '0.01' OR tags.team = 'vision' AND metrics.loss > 0.5", {"beta", "gamma"}),
    ("tags.team = 'vision' AND metrics.loss > 0.5 OR params.lr = '0.01'", {"beta", "gamma"}),
    ("(params.lr = '0.01' OR tags.team = 'vision') AND metrics.loss > 0.5", {"gamma"}),
    ("((params.lr = '0.1'))", {"alpha", "delta"}),
    ("NOT params.lr = '0.1'", {"beta", "gamma", "eps"}),
    ("not params.opt = 'SGD'", {"alpha", "beta", "delta", "eps"}),
    ("NOT (metrics.loss < 0.5 OR tags.team = 'nlp')", {"gamma", "delta", "eps"}),
    # NOT binds tighter than AND
    ("NOT params.lr = '0.1' AND tags.team = 'vision'", {"gamma"}),
    ("NOT (params.lr = '0.1' AND tags.team = 'vision')", {"beta", "gamma", "delta", "eps"}),
    ("NOT NOT params.lr = '0.1'", {"alpha", "delta"}),
    ("params.lr IN ('0.1', '0.01')", {"alpha", "beta", "delta"}),
    ("params.opt in ('SGD')", {"gamma"}),
    ("params.lr NOT IN ('0.1', '0.01')", {"gamma"}),
    # a run lacking the tag does not match NOT IN, just as with !=
    ("tags.team NOT IN ('a')", {"alpha", "beta", "gamma", "delta"}),
    ("tags.team NOT IN ('vision', 'nlp')", {"delta"}),
    ("tags.team IN ('nlp', 'Vision_2') AND metrics.loss >= 0.5", {"beta"}),
]


@stride_only
@pytest.mark.parametrize("filter_string, expected", EXTENSION_FILTERS)
def test_stride_extension_filter(corpus, filter_string, expected):
    assert corpus.names(filter_string) == expected


@mlflow_only
@pytest.mark.parametrize("filter_string", [f for f, _ in EXTENSION_FILTERS])
def test_mlflow_rejects_the_stride_extension_filter(corpus, filter_string):
    expect_invalid_parameter(lambda: corpus.search(filter_string))


ERROR_POSITION_FILTERS = [
    # (filter, the 0-based offset the message must name)
    ("params.lr = '0.1' AND (metrics.loss < 0.5 OR tags.team = 'x'", 22),  # the '(' never closed
    ("params.lr = '0.1' AND foo.bar = 'x'", 22),  # unknown entity
    ("params.lr = '0.1' OR metrics.loss < '0.5'", 21),  # quoted number for a metric
]


@stride_only
@pytest.mark.parametrize("filter_string, position", ERROR_POSITION_FILTERS)
def test_stride_invalid_filter_message_names_the_position(corpus, filter_string, position):
    message = expect_invalid_parameter(lambda: corpus.search(filter_string)).message
    assert re.search(rf"\bposition {position}\b", message), message


@mlflow_only
@pytest.mark.parametrize("filter_string", [f for f, _ in ERROR_POSITION_FILTERS])
def test_mlflow_rejects_the_filters_of_the_position_tests(corpus, filter_string):
    expect_invalid_parameter(lambda: corpus.search(filter_string))


def page_while_adding_runs(client, experiment_id, page_size) -> list[str]:
    """Page through the default order, creating a newer run after every page; the ids seen."""
    seen, token, added = [], None, 0
    while True:
        page = client.search_runs([experiment_id], max_results=page_size, page_token=token)
        seen.extend(r.info.run_id for r in page)
        added += 1
        client.create_run(experiment_id, start_time=T0 + 1_000_000 + added)
        token = page.token
        if not token:
            return seen
        assert added < 50, "paging does not terminate"


@stride_only  # MLflow's tokens are offsets: see the mlflow-only twin below.
def test_paging_neither_repeats_nor_skips_runs_while_new_runs_are_created(experiment_id, client):
    original = create_runs_starting_at(client, experiment_id, [T0 + i * 1000 for i in range(7)])
    seen = page_while_adding_runs(client, experiment_id, 3)
    assert len(seen) == len(set(seen)), "a run was returned twice"
    assert [r for r in seen if r in original] == default_order(original)


@mlflow_only
def test_mlflow_offset_page_tokens_repeat_runs_when_newer_runs_are_created_while_paging(experiment_id, client):
    # Documents why the test above is Stride-only: each new run shifts the offsets by one.
    create_runs_starting_at(client, experiment_id, [T0 + i * 1000 for i in range(7)])
    seen = page_while_adding_runs(client, experiment_id, 3)
    assert len(seen) > len(set(seen))

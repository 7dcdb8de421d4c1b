#!/usr/bin/env python3
"""Side-by-side throughput of peer Python rule engines on one small policy.

Anchors for `extramile`: every engine evaluates the SAME four-rule follow-up
policy over the SAME deterministic synthetic records, and its fired-rule set
is checked against a hand-written plain-Python function (the floor).

Exact commands (Python 3.11, scratch venv outside any git repo; the peers are never
dependencies of extramile):

    python3.11 -m venv /tmp/peers-venv
    /tmp/peers-venv/bin/pip install rule-engine==5.1.0 business-rules==1.1.1 \
        zen-engine==2.1.3 durable-rules==2.0.28 experta==1.9.4
    /tmp/peers-venv/bin/pip install -e .          # extramile, from the checkout
    /tmp/peers-venv/bin/python benchmarks/peer_bench.py \
        --cpu 0 --sizes 10000,100000 --runs 3 --json /tmp/peer-results.json

(durable-rules builds a C extension from its sdist: needs gcc + Python headers.
experta 1.9.4 pins frozendict==1.2, which cannot be imported on Python >= 3.10;
experta_setup() installs a one-line collections.Mapping alias before importing.)

Useful flags: --engines plain-python,zen-engine[table]  --sizes 10000,100000
--runs 3  --cpu 1  --cap experta=20000  --plugin my_module (merges its ENGINES).

The policy (one record = one open customer issue):
  call_now   : category == "billing" and duplicate_charge
  check_in   : status == "open" and intermittent and days_since_last_contact >= 7
  heads_up   : price_increase_pct >= 10 and days_until_bill <= 5
  vip_thanks : tier == "gold" and tenure_years >= 5 and days_since_last_contact >= 90

Method:
  * The process pins itself to ONE core (os.sched_setaffinity; --cpu picks it),
    so engines with native thread pools also run on one core.
  * Records come from random.Random(SEED); every engine sees the same list.
  * Each engine is a pair (setup, evaluate): setup() -> state is called once and
    timed separately; evaluate(state, record) -> iterable of fired rule names is
    called once per record inside the timed loop. The loop and result list are
    identical for every engine, so their overhead is in the floor too.
  * Before timing, each engine's fired sets are asserted equal to the floor's
    on a sample (--verify, default 5000 records); this is also the warm-up.
  * For each N: `--runs` timed runs (default 3), median reported, records/s and
    the ratio floor_rps / engine_rps ("x slower than plain Python").
  * An engine too slow for 100k records can be capped (DEFAULT_CAPS / --cap);
    the report then states the N actually used. setup time includes the
    library's first import/parser build, so it is reported, not ranked.

extramile (the "extramile" entry):
  * The four rules are a FollowUpPolicy of four Rules, each triggered by the record's one
    interaction (kind "record", at now - days_since_last_contact days, carrying the
    record's issue fields as attributes), scope "customer", due at the trigger, a year to
    make the call, staff open around the clock and a calling window of all day, so that
    a rule that fires always gives a call:
      call_now   : attr("category") == "billing" & attr("duplicate_charge") is true
      check_in   : attr("status") == "open" & attr("intermittent") is true,
                   stop=~silence_at_least(Elapsed(days=7))
      heads_up   : attr("price_increase_pct") >= 10 & attr("days_until_bill") <= 5
      vip_thanks : tier_in("gold"),
                   stop=~(tenure_at_least(years=5) & silence_at_least(Elapsed(days=90)))
    Tier and tenure are the Customer's own (customer_since = the date tenure_years
    before now).  A rule's condition is judged as of its trigger and its stop at now, so
    what the floor measures at now (the silences, the tenure) is in the stops: the
    episode is over while the record is younger than the silence (the engine measures it
    from the record's time) or the customer newer than five years.
  * The peers get their dicts before their timed loop; extramile gets its domain objects
    the same way: PREPARE maps every record to (Customer, [Interaction]) before timing,
    and that construction is timed and reported on its own ("prepare", per record).
  * evaluate() is the engine's fast path on the pre-sorted history, the one plan() runs:
    extramile._engine.raw_calls_for(policy, customer, history, now_ts) (no trace, no
    revisit time, no Decision around the calls, and the calls as plan() keeps them, before
    any Call or datetime is made), and returns the rules of its calls (several rules'
    calls merge into one call, which lists them all) and of any suppressed calls.
  * It is verified against the floor like every engine.

Other engines: add an entry to ENGINES below, or put ENGINES = {...} (and optionally
PREPARE = {...}) in a module and pass --plugin that.module.  An engine whose package is
missing is reported as skipped, not fatal.

This file does not contain code copied from any of the libraries benchmarked.
"""

# Peers are imported inside their setup(), on purpose: a missing peer is skipped, not
# fatal, and its import cost belongs to its reported setup time.  They are loaded with
# importlib as Any: none ships type information, and none is installed in the project.
# ruff: noqa: PLC0415, PLR0915
# The peers' decorators are untyped (Any), which strict mypy reports on every use:
# mypy: disable-error-code="untyped-decorator"

from __future__ import annotations

import argparse
import datetime
import gc
import importlib
import json
import os
import platform
import random
import statistics
import sys
import time
from collections.abc import Callable, Iterable
from typing import Any

SEED = 20_240_601
RULE_NAMES = ("call_now", "check_in", "heads_up", "vip_thanks")

Setup = Callable[[], Any]
Record = dict[str, Any]
Evaluate = Callable[[Any, Record], Iterable[str]]
Prepare = Callable[[Any, list[Record]], None]

# --------------------------------------------------------------------------
# Synthetic data
# --------------------------------------------------------------------------

CATEGORIES = ("billing", "technical", "account", "shipping")
STATUSES = ("open", "pending", "resolved")
TIERS = ("bronze", "silver", "gold")


def make_records(n: int, seed: int = SEED) -> list[Record]:
    """Deterministic records; roughly 7%/14%/9%/6% fire the four rules."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        out.append(  # noqa: PERF401  # the loop keeps the draws in a fixed, readable order
            {
                "issue_id": i,
                "category": rng.choices(CATEGORIES, weights=(3, 3, 2, 2))[0],
                "duplicate_charge": rng.random() < 0.25,
                "status": rng.choices(STATUSES, weights=(5, 2, 3))[0],
                "intermittent": rng.random() < 0.30,
                "days_since_last_contact": rng.randint(0, 180),
                "price_increase_pct": round(rng.uniform(0.0, 20.0), 1),
                "days_until_bill": rng.randint(0, 30),
                "tier": rng.choices(TIERS, weights=(5, 3, 2))[0],
                "tenure_years": rng.randint(0, 12),
            }
        )
    return out


# --------------------------------------------------------------------------
# Floor: hand-written plain Python
# --------------------------------------------------------------------------


def plain_setup() -> None:
    return None


def plain_evaluate(_state: None, r: Record) -> list[str]:
    fired = []
    if r["category"] == "billing" and r["duplicate_charge"]:
        fired.append("call_now")
    if r["status"] == "open" and r["intermittent"] and r["days_since_last_contact"] >= 7:
        fired.append("check_in")
    if r["price_increase_pct"] >= 10 and r["days_until_bill"] <= 5:
        fired.append("heads_up")
    if r["tier"] == "gold" and r["tenure_years"] >= 5 and r["days_since_last_contact"] >= 90:
        fired.append("vip_thanks")
    return fired


# --------------------------------------------------------------------------
# rule-engine (zeroSteiner): expression strings, one Rule per policy rule
# --------------------------------------------------------------------------

RULE_ENGINE_TEXT = {
    "call_now": 'category == "billing" and duplicate_charge',
    "check_in": 'status == "open" and intermittent and days_since_last_contact >= 7',
    "heads_up": "price_increase_pct >= 10 and days_until_bill <= 5",
    "vip_thanks": 'tier == "gold" and tenure_years >= 5 and days_since_last_contact >= 90',
}


def _rule_engine_rules(context: Any) -> list[Any]:
    rule_engine = importlib.import_module("rule_engine")

    return [
        (name, rule_engine.Rule(text, context=context)) for name, text in RULE_ENGINE_TEXT.items()
    ]


def rule_engine_setup() -> list[Any]:
    rule_engine = importlib.import_module("rule_engine")

    return _rule_engine_rules(rule_engine.Context())


def rule_engine_typed_setup() -> list[Any]:
    rule_engine = importlib.import_module("rule_engine")

    dt = rule_engine.DataType
    types = {
        "category": dt.STRING,
        "duplicate_charge": dt.BOOLEAN,
        "status": dt.STRING,
        "intermittent": dt.BOOLEAN,
        "days_since_last_contact": dt.FLOAT,
        "price_increase_pct": dt.FLOAT,
        "days_until_bill": dt.FLOAT,
        "tier": dt.STRING,
        "tenure_years": dt.FLOAT,
    }
    ctx = rule_engine.Context(type_resolver=rule_engine.type_resolver_from_dict(types))
    return _rule_engine_rules(ctx)


def rule_engine_evaluate(rules: list[Any], r: Record) -> list[str]:
    return [name for name, rule in rules if rule.matches(r)]


# --------------------------------------------------------------------------
# business-rules (venmo): JSON rules + decorated variable/action classes
# --------------------------------------------------------------------------


def _br_cond(name: str, op: str, value: Any) -> dict[str, Any]:
    return {"name": name, "operator": op, "value": value}


BUSINESS_RULES_JSON = [
    {
        "conditions": {
            "all": [
                _br_cond("category", "equal_to", "billing"),
                _br_cond("duplicate_charge", "is_true", True),  # noqa: FBT003  # the JSON value
            ]
        },
        "actions": [{"name": "fire", "params": {"rule": "call_now"}}],
    },
    {
        "conditions": {
            "all": [
                _br_cond("status", "equal_to", "open"),
                _br_cond("intermittent", "is_true", True),  # noqa: FBT003  # the JSON value
                _br_cond("days_since_last_contact", "greater_than_or_equal_to", 7),
            ]
        },
        "actions": [{"name": "fire", "params": {"rule": "check_in"}}],
    },
    {
        "conditions": {
            "all": [
                _br_cond("price_increase_pct", "greater_than_or_equal_to", 10),
                _br_cond("days_until_bill", "less_than_or_equal_to", 5),
            ]
        },
        "actions": [{"name": "fire", "params": {"rule": "heads_up"}}],
    },
    {
        "conditions": {
            "all": [
                _br_cond("tier", "equal_to", "gold"),
                _br_cond("tenure_years", "greater_than_or_equal_to", 5),
                _br_cond("days_since_last_contact", "greater_than_or_equal_to", 90),
            ]
        },
        "actions": [{"name": "fire", "params": {"rule": "vip_thanks"}}],
    },
]


def business_rules_setup() -> tuple[Any, ...]:
    engine = importlib.import_module("business_rules.engine")
    fields = importlib.import_module("business_rules.fields")
    actions_module = importlib.import_module("business_rules.actions")
    variables = importlib.import_module("business_rules.variables")
    base_actions: Any = actions_module.BaseActions
    rule_action = actions_module.rule_action
    base_variables: Any = variables.BaseVariables
    boolean_rule_variable = variables.boolean_rule_variable
    numeric_rule_variable = variables.numeric_rule_variable
    string_rule_variable = variables.string_rule_variable

    class IssueVariables(base_variables):  # type: ignore[misc]  # an untyped peer's base
        def __init__(self, rec: Record) -> None:
            self.rec = rec

        @string_rule_variable()
        def category(self) -> Any:
            return self.rec["category"]

        @boolean_rule_variable()
        def duplicate_charge(self) -> Any:
            return self.rec["duplicate_charge"]

        @string_rule_variable()
        def status(self) -> Any:
            return self.rec["status"]

        @boolean_rule_variable()
        def intermittent(self) -> Any:
            return self.rec["intermittent"]

        @numeric_rule_variable()
        def days_since_last_contact(self) -> Any:
            return self.rec["days_since_last_contact"]

        @numeric_rule_variable()
        def price_increase_pct(self) -> Any:
            return self.rec["price_increase_pct"]

        @numeric_rule_variable()
        def days_until_bill(self) -> Any:
            return self.rec["days_until_bill"]

        @string_rule_variable()
        def tier(self) -> Any:
            return self.rec["tier"]

        @numeric_rule_variable()
        def tenure_years(self) -> Any:
            return self.rec["tenure_years"]

    class CollectActions(base_actions):  # type: ignore[misc]  # an untyped peer's base
        def __init__(self) -> None:
            self.fired: list[str] = []

        @rule_action(params={"rule": fields.FIELD_TEXT})
        def fire(self, rule: str) -> None:
            self.fired.append(rule)

    # Round-trip through JSON: the rules are data, as business-rules intends.
    rules = json.loads(json.dumps(BUSINESS_RULES_JSON))
    return rules, IssueVariables, CollectActions, engine.run_all


def business_rules_evaluate(state: tuple[Any, ...], r: Record) -> list[str]:
    rules, variables_cls, actions_cls, run_all = state
    actions = actions_cls()
    run_all(
        rule_list=rules,
        defined_variables=variables_cls(r),
        defined_actions=actions,
        stop_on_first_trigger=False,
    )
    fired: list[str] = actions.fired
    return fired


# --------------------------------------------------------------------------
# durable_rules: Python DSL compiled to a C Rete; assert + retract each record
# (as a fact: posting an *event* lets only one rule consume it).
# --------------------------------------------------------------------------


def durable_setup() -> tuple[Any, ...]:
    d_engine = importlib.import_module("durable.engine")
    d = importlib.import_module("durable.lang")

    name = "peer_bench_policy"
    fired: list[str] = []
    m = d.m
    with d.ruleset(name):

        @d.when_all((m.category == "billing") & (m.duplicate_charge == True))  # noqa: E712
        def call_now(c: Any) -> None:
            fired.append("call_now")

        @d.when_all(
            (m.status == "open")
            & (m.intermittent == True)  # noqa: E712  # durable's DSL needs the comparison
            & (m.days_since_last_contact >= 7)
        )
        def check_in(c: Any) -> None:
            fired.append("check_in")

        @d.when_all((m.price_increase_pct >= 10) & (m.days_until_bill <= 5))
        def heads_up(c: Any) -> None:
            fired.append("heads_up")

        @d.when_all((m.tier == "gold") & (m.tenure_years >= 5) & (m.days_since_last_contact >= 90))
        def vip_thanks(c: Any) -> None:
            fired.append("vip_thanks")

    return d.get_host(), name, fired, d_engine.MessageNotHandledException


def durable_evaluate(state: tuple[Any, ...], r: Record) -> list[str]:
    host, name, fired, not_handled = state
    fired.clear()
    try:
        host.assert_fact(name, r)
    except not_handled:
        return []
    host.retract_fact(name, r)
    return list(fired)


# --------------------------------------------------------------------------
# experta (CLIPS-style Rete in pure Python); reset + declare + run per record
# --------------------------------------------------------------------------


def experta_setup() -> Any:
    import collections
    import collections.abc

    # experta 1.9.4 pins frozendict==1.2, which subclasses collections.Mapping
    # (removed in Python 3.10): `import experta` fails on 3.11 without this shim.
    if not hasattr(collections, "Mapping"):
        collections.Mapping = collections.abc.Mapping  # type: ignore[attr-defined]
    ex = importlib.import_module("experta")

    fact: Any = ex.Fact
    knowledge_engine: Any = ex.KnowledgeEngine

    class Issue(fact):  # type: ignore[misc]  # an untyped peer's base
        pass

    def at_least(k: float) -> Any:
        return ex.P(lambda x: x >= k)

    def at_most(k: float) -> Any:
        return ex.P(lambda x: x <= k)

    class FollowUpEngine(knowledge_engine):  # type: ignore[misc]  # an untyped peer's base
        @ex.Rule(Issue(category="billing", duplicate_charge=True))
        def call_now(self) -> None:
            self.fired.append("call_now")

        @ex.Rule(Issue(status="open", intermittent=True, days_since_last_contact=at_least(7)))
        def check_in(self) -> None:
            self.fired.append("check_in")

        @ex.Rule(Issue(price_increase_pct=at_least(10), days_until_bill=at_most(5)))
        def heads_up(self) -> None:
            self.fired.append("heads_up")

        @ex.Rule(Issue(tier="gold", tenure_years=at_least(5), days_since_last_contact=at_least(90)))
        def vip_thanks(self) -> None:
            self.fired.append("vip_thanks")

    eng = FollowUpEngine()
    eng.fired = []
    return eng, Issue


def experta_evaluate(state: tuple[Any, ...], r: Record) -> list[str]:
    eng, issue_cls = state
    eng.fired = []
    eng.reset()
    eng.declare(issue_cls(**r))
    eng.run()
    fired: list[str] = eng.fired
    return fired


# --------------------------------------------------------------------------
# zen-engine (GoRules, Rust core): JDM decision table with hitPolicy=collect,
# and, separately, the same rules as pre-compiled ZEN expressions.
# --------------------------------------------------------------------------

ZEN_COLUMNS = (
    "category",
    "duplicate_charge",
    "status",
    "intermittent",
    "days_since_last_contact",
    "price_increase_pct",
    "days_until_bill",
    "tier",
    "tenure_years",
)

ZEN_ROWS = {
    "call_now": {"category": '"billing"', "duplicate_charge": "true"},
    "check_in": {"status": '"open"', "intermittent": "true", "days_since_last_contact": ">= 7"},
    "heads_up": {"price_increase_pct": ">= 10", "days_until_bill": "<= 5"},
    "vip_thanks": {"tier": '"gold"', "tenure_years": ">= 5", "days_since_last_contact": ">= 90"},
}

ZEN_EXPRESSIONS = {
    "call_now": 'category == "billing" and duplicate_charge',
    "check_in": 'status == "open" and intermittent and days_since_last_contact >= 7',
    "heads_up": "price_increase_pct >= 10 and days_until_bill <= 5",
    "vip_thanks": 'tier == "gold" and tenure_years >= 5 and days_since_last_contact >= 90',
}


def zen_jdm() -> dict[str, Any]:
    """Build the JSON Decision Model (input -> decision table -> output)."""
    inputs = [{"id": f"in_{c}", "name": c, "type": "expression", "field": c} for c in ZEN_COLUMNS]
    outputs = [{"id": "out_action", "name": "action", "type": "expression", "field": "action"}]
    rules = []
    for rule_name, cells in ZEN_ROWS.items():
        row = {"_id": f"row_{rule_name}", "_description": rule_name}
        for c in ZEN_COLUMNS:
            row[f"in_{c}"] = cells.get(c, "")  # empty cell = any value
        row["out_action"] = json.dumps(rule_name)
        rules.append(row)
    return {
        "contentType": "application/vnd.gorules.decision",
        "nodes": [
            {"id": "request", "type": "inputNode", "name": "request", "position": {"x": 0, "y": 0}},
            {
                "id": "policy",
                "type": "decisionTableNode",
                "name": "follow_up_policy",
                "position": {"x": 200, "y": 0},
                "content": {
                    "hitPolicy": "collect",
                    "inputs": inputs,
                    "outputs": outputs,
                    "rules": rules,
                },
            },
            {
                "id": "response",
                "type": "outputNode",
                "name": "response",
                "position": {"x": 400, "y": 0},
            },
        ],
        "edges": [
            {"id": "e1", "sourceId": "request", "targetId": "policy", "type": "edge"},
            {"id": "e2", "sourceId": "policy", "targetId": "response", "type": "edge"},
        ],
    }


def zen_table_setup() -> Any:
    zen = importlib.import_module("zen")

    engine = zen.ZenEngine()
    decision = engine.create_decision(json.dumps(zen_jdm()))
    return engine, decision  # keep the engine alive alongside the decision


def zen_table_evaluate(state: tuple[Any, ...], r: Record) -> list[str]:
    result = state[1].evaluate(r)["result"]
    return [row["action"] for row in result]


def zen_expr_setup() -> list[Any]:
    zen = importlib.import_module("zen")

    return [(name, zen.compile_expression(text)) for name, text in ZEN_EXPRESSIONS.items()]


def zen_expr_evaluate(exprs: list[Any], r: Record) -> list[str]:
    return [name for name, expr in exprs if expr.evaluate(r)]


# --------------------------------------------------------------------------
# extramile: the four rules as a FollowUpPolicy; records mapped to domain objects
# before the timed loop (PREPARE), evaluated with the engine's fast path.
# --------------------------------------------------------------------------

EXTRAMILE_NOW = datetime.datetime(2026, 3, 10, 12, 0, tzinfo=datetime.timezone.utc)
EXTRAMILE_ATTRIBUTES = (
    "category",
    "duplicate_charge",
    "status",
    "intermittent",
    "price_increase_pct",
    "days_until_bill",
)


def extramile_setup() -> dict[str, Any]:
    from extramile import (
        TRIGGER,
        Elapsed,
        FollowUpPolicy,
        On,
        Rule,
        Schedule,
    )
    from extramile import _engine as engine
    from extramile._conditions import (
        Condition,
        attr,
        silence_at_least,
        tenure_at_least,
        tier_in,
    )

    def rule(name: str, condition: Condition, stop: Condition | None = None) -> Rule:
        return Rule(
            name=name,
            trigger=On("record"),
            condition=condition,
            stop=stop,
            scope="customer",
            due=TRIGGER,
            deadline=TRIGGER + Elapsed(days=365),
        )

    policy = FollowUpPolicy(
        name="peer-bench",
        rules=(
            rule(
                "call_now", attr("category").equals("billing") & attr("duplicate_charge").is_true()
            ),
            rule(
                "check_in",
                attr("status").equals("open") & attr("intermittent").is_true(),
                stop=~silence_at_least(Elapsed(days=7)),
            ),
            rule("heads_up", (attr("price_increase_pct") >= 10) & (attr("days_until_bill") <= 5)),
            rule(
                "vip_thanks",
                tier_in("gold"),
                stop=~(tenure_at_least(years=5) & silence_at_least(Elapsed(days=90))),
            ),
        ),
        schedule=Schedule.always_open("UTC"),
        calling_window="00:00-24:00",
    )
    return {
        "policy": policy,
        "raw_calls_for": engine.raw_calls_for,
        "now_ts": EXTRAMILE_NOW.timestamp(),
        "prepared": {},
    }


def extramile_prepare(state: dict[str, Any], records: list[dict[str, Any]]) -> None:
    """Each record as the host would hand it in: a Customer and its (sorted) history."""
    from extramile import Customer, Interaction

    now = EXTRAMILE_NOW
    today = now.date()
    prepared = state["prepared"]
    for r in records:
        cid = f"r{r['issue_id']}"
        since = today.replace(year=today.year - r["tenure_years"])
        customer = Customer(id=cid, timezone="UTC", tier=r["tier"], customer_since=since)
        record = Interaction(
            id=f"{cid}-1",
            customer_id=cid,
            kind="record",
            at=now - datetime.timedelta(days=r["days_since_last_contact"]),
            issue_id=f"t{r['issue_id']}",
            attributes={name: r[name] for name in EXTRAMILE_ATTRIBUTES},
        )
        prepared[r["issue_id"]] = (customer, [record])


def extramile_evaluate(state: dict[str, Any], r: dict[str, Any]) -> list[str]:
    customer, history = state["prepared"][r["issue_id"]]
    raws, suppressed = state["raw_calls_for"](state["policy"], customer, history, state["now_ts"])
    if not raws and not suppressed:
        return []  # most records: no rule fired
    fired = [name for raw in raws for name in raw[3]]  # a raw call's rules
    fired.extend([item.rule for item in suppressed])
    return fired


# --------------------------------------------------------------------------
# Registry: name -> (setup, evaluate); PREPARE: name -> prepare(state, records),
# run on every record before timing and timed on its own.
# --------------------------------------------------------------------------

FLOOR = "plain-python"

ENGINES: dict[str, tuple[Setup, Evaluate]] = {
    FLOOR: (plain_setup, plain_evaluate),
    "rule-engine": (rule_engine_setup, rule_engine_evaluate),
    "rule-engine[typed]": (rule_engine_typed_setup, rule_engine_evaluate),
    "business-rules": (business_rules_setup, business_rules_evaluate),
    "durable-rules": (durable_setup, durable_evaluate),
    "experta": (experta_setup, experta_evaluate),
    "zen-engine[table]": (zen_table_setup, zen_table_evaluate),
    "zen-engine[expr]": (zen_expr_setup, zen_expr_evaluate),
    "extramile": (extramile_setup, extramile_evaluate),
}

PREPARE: dict[str, Prepare] = {"extramile": extramile_prepare}

# Max records per timed run for engines too slow for 100k x 3 runs. Empty:
# on the reference machine the slowest peer (experta, ~10k rec/s) finishes
# 100k x 3 in about 30 s. Use --cap ENGINE=N to add one.
DEFAULT_CAPS: dict[str, int] = {}

DISTRIBUTIONS = (
    "rule-engine",
    "business-rules",
    "durable_rules",
    "experta",
    "frozendict",
    "zen-engine",
    "extramile",
)


# --------------------------------------------------------------------------
# Harness
# --------------------------------------------------------------------------


def pin_one_core(cpu: int | None) -> int | None:
    if not hasattr(os, "sched_setaffinity"):
        return None
    allowed = sorted(os.sched_getaffinity(0))
    chosen = cpu if cpu is not None else allowed[0]
    os.sched_setaffinity(0, {chosen})
    return chosen


def time_run(evaluate: Evaluate, state: Any, records: list[Record]) -> float:
    gc.collect()
    out: list[Iterable[str]] = []
    append = out.append
    t0 = time.perf_counter()
    for r in records:
        append(evaluate(state, r))
    elapsed = time.perf_counter() - t0
    if len(out) != len(records):
        raise AssertionError("evaluate dropped records")
    return elapsed


def verify(
    name: str, evaluate: Evaluate, state: Any, sample: list[Record], expected: list[frozenset[str]]
) -> dict[str, Any]:
    mismatches = 0
    first = None
    for r, exp in zip(sample, expected, strict=True):
        got = frozenset(evaluate(state, r))
        if got != exp:
            mismatches += 1
            if first is None:
                first = (r, sorted(exp), sorted(got))
    if mismatches:
        raise AssertionError(f"{name}: {mismatches} mismatches vs floor; first: {first}")
    return {k: sum(k in e for e in expected) for k in RULE_NAMES}


def versions() -> dict[str, Any]:
    from importlib import metadata

    out: dict[str, str | None] = {}
    for dist in DISTRIBUTIONS:
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:  # noqa: PERF203  # once per distribution
            out[dist] = None
    return out


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def parse_caps(items: list[str]) -> dict[str, int]:
    caps = dict(DEFAULT_CAPS)
    for item in items:
        k, _, v = item.partition("=")
        caps[k] = int(v)
    return caps


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--engines", default="", help="comma-separated subset (floor always runs)")
    ap.add_argument("--sizes", default="10000,100000")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--verify", type=int, default=5000, help="records checked against the floor")
    ap.add_argument("--cpu", type=int, default=None, help="core to pin to (default: first allowed)")
    ap.add_argument("--cap", action="append", default=[], help="ENGINE=N max records per run")
    ap.add_argument(
        "--plugin", action="append", default=[], help="module exposing ENGINES to merge"
    )
    ap.add_argument("--json", default=None, help="write results here")
    args = ap.parse_args(argv)

    engines = dict(ENGINES)
    prepares = dict(PREPARE)
    for mod in args.plugin:
        module = importlib.import_module(mod)
        engines.update(module.ENGINES)
        prepares.update(getattr(module, "PREPARE", {}))
    if args.engines:
        wanted = [FLOOR] + [e for e in args.engines.split(",") if e and e != FLOOR]
        engines = {k: engines[k] for k in wanted}

    sizes = [int(s) for s in args.sizes.split(",")]
    caps = parse_caps(args.cap)
    pinned = pin_one_core(args.cpu)

    records = make_records(max([*sizes, args.verify]))
    sample = records[: args.verify]
    expected = [frozenset(plain_evaluate(None, r)) for r in sample]

    meta = {
        "python": sys.version.split()[0],
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "cpu_model": cpu_model(),
        "pinned_cpu": pinned,
        "loadavg_start": os.getloadavg() if hasattr(os, "getloadavg") else None,
        "seed": SEED,
        "runs": args.runs,
        "verify_sample": args.verify,
        "versions": versions(),
        "date_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    print(f"# peer_bench  python {meta['python']}  cpu {meta['cpu_model']}  pinned core {pinned}")
    print(f"# versions: {meta['versions']}")

    results: dict[str, Record] = {}
    for name, (setup, evaluate) in engines.items():
        entry: dict[str, Any] = {"runs": {}}
        try:
            t0 = time.perf_counter()
            state = setup()
            entry["setup_s"] = time.perf_counter() - t0
        except Exception as exc:  # missing package, import error
            entry["skipped"] = f"{type(exc).__name__}: {exc}"
            results[name] = entry
            print(f"{name:22s} SKIPPED ({entry['skipped']})")
            continue
        prepare = prepares.get(name)
        if prepare is not None:
            t0 = time.perf_counter()
            prepare(state, records)
            entry["prepare_s"] = time.perf_counter() - t0
            entry["prepare_us_per_record"] = entry["prepare_s"] / len(records) * 1e6
            print(
                f"{name:22s} prepare: {entry['prepare_us_per_record']:.1f} us/record"
                f" ({len(records):,} records, not in the timed loop)",
                flush=True,
            )
        entry["fire_counts_in_sample"] = verify(name, evaluate, state, sample, expected)
        for n in sizes:
            n_eff = min(n, caps.get(name, n))
            subset = records[:n_eff]
            times = [time_run(evaluate, state, subset) for _ in range(args.runs)]
            med = statistics.median(times)
            entry["runs"][str(n)] = {
                "n_used": n_eff,
                "times_s": times,
                "median_s": med,
                "rps": n_eff / med,
            }
            print(
                f"{name:22s} N={n:>7} (used {n_eff:>7})"
                f"  median {med:8.3f}s  {n_eff / med:12,.0f} rec/s",
                flush=True,
            )
        results[name] = entry

    floor = results[FLOOR]["runs"]
    print()
    print(
        "| engine | setup ms | "
        + " | ".join(f"rec/s @N={n:,}" for n in sizes)
        + " | "
        + " | ".join(f"x slower @N={n:,}" for n in sizes)
        + " |"
    )
    print("|---|---:|" + "---:|" * (2 * len(sizes)))
    for name, entry in results.items():
        if "skipped" in entry:
            print(f"| {name} | skipped: {entry['skipped']} |")
            continue
        cells, ratios = [], []
        for n in sizes:
            run = entry["runs"][str(n)]
            note = "" if run["n_used"] == n else f" (N={run['n_used']:,})"
            cells.append(f"{run['rps']:,.0f}{note}")
            ratios.append(f"{floor[str(n)]['rps'] / run['rps']:,.1f}")
        print(
            f"| {name} | {entry['setup_s'] * 1e3:,.1f} | "
            + " | ".join(cells)
            + " | "
            + " | ".join(ratios)
            + " |"
        )

    for name, entry in results.items():
        if "prepare_s" in entry:
            print(
                f"\n# {name}: building the domain objects (prepare) cost"
                f" {entry['prepare_us_per_record']:.1f} us/record, outside the timed loop"
            )

    meta["loadavg_end"] = os.getloadavg() if hasattr(os, "getloadavg") else None
    if args.json:
        with open(args.json, "w") as fh:
            json.dump({"meta": meta, "results": results}, fh, indent=2)
        print(f"\n# wrote {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

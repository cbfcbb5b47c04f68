"""rcsim's rule engine: the Fiverr Resolution Center's rules over a simulated clock, in TinyDB.

Pure: the standard library and tinydb (and msgspec, as a fast path for JSON, with the json module
as its fallback; filelock for the short lock around each write to a file that several processes
share); no UI toolkit, no OS clock, no sleeping, and no text catalogue: it speaks in
codes and parameters (a refusal also in plain English, engine/english.py), which the app (tui/)
puts into words.
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

# What the app and the commands need beyond the facade, exported here so that nothing outside
# the engine imports one of its modules (tests/test_layers.py holds tui/ to that).
from .atomic import write_text as write_text_atomically
from .bundled import EXPERIMENTS as BUNDLED_EXPERIMENTS
from .bundled import STORIES as BUNDLED_STORIES
from .bundled import BundledFileError
from .bundled import names as bundled_names
from .bundled import path_of as bundled_path
from .bundled import read_json as read_bundled_json
from .bundled import read_text as read_bundled_text
from .english import Quoting, excerpt, quoted
from .errors import InputError, RcsimError, Refusal, SimulationFileError
from .field_checks import ADDABLE_STATUSES
from .journal import JournalEntry
from .model import (
    BASE_STATUSES,
    FINAL_STATUSES,
    PARTIES,
    REQUEST_STATES,
    REQUEST_TYPES,
    Action,
    Party,
    RequestState,
    RequestType,
    Status,
)
from .model import other as other_party
from .presence import held as seat_held
from .rules import (
    ACTIONS,
    ADJUSTABLE,
    ANSWER_ACTIONS,
    OPENING_ACTIONS,
    Rules,
    RuleSpec,
    load_policies,
    policy_rules,
    rule_spec,
    rule_value,
    with_changes,
)
from .service import Simulation
from .simfile import real_path
from .timeutil import iso, parse_duration, parse_iso, to_datetime, to_ts
from .views import (
    BranchOrigin,
    Comparison,
    DeadlineView,
    EventView,
    FieldSpec,
    HistoryEntry,
    MessageView,
    Option,
    OrderDifference,
    OrderFacts,
    OrderView,
    PartyView,
    RequestView,
    RuleDifference,
    Synced,
)

# Scenarios, recordings, experiments, the demo and the class's paths: loaded on first use, so
# that the app's first frame does not wait for them (PEP 562).
_LAZY: dict[str, tuple[str, str]] = {
    "create_demo": (".demo", "create_demo"),
    **{name: (".scenario", name) for name in (
        "ActionStep", "AdvanceStep", "CheckResult", "ExpectStep", "Player", "Scenario",
        "ScenarioError", "StepResult", "UndoStep", "UntilStep")},
    "ScenarioReport": (".scenario", "Report"),
    "ScenarioStep": (".scenario", "Step"),
    "load_scenario": (".scenario", "load"),
    "play_scenario": (".scenario", "play"),
    **{name: (".recording", name) for name in ("Recording", "RecordingError", "toml_string")},
    "RecordingLeftOut": (".recording", "LeftOut"),
    "RecordingMark": (".recording", "Mark"),
    "RecordingPlan": (".recording", "Plan"),
    "free_file_name": (".recording", "free_name"),
    "mark_recording": (".recording", "mark"),
    "plan_recording": (".recording", "plan"),
    "write_recording": (".recording", "write"),
    "write_new_recording": (".recording", "write_new"),
    **{name: (".experiment", name) for name in (
        "ArmResult", "Experiment", "ExperimentError")},
    "EXPERIMENT_CHUNK_ORDERS": (".experiment", "CHUNK_ORDERS"),
    "EXPERIMENT_METRICS": (".experiment", "METRICS"),
    "EXPERIMENT_OUTCOMES": (".experiment", "OUTCOMES"),
    "ExperimentEstimate": (".experiment", "Estimate"),
    "ExperimentMetric": (".experiment", "Metric"),
    "ExperimentTask": (".experiment", "Task"),
    "collect_experiment": (".experiment", "collect"),
    "load_experiment": (".experiment", "load"),
    "run_experiment_task": (".experiment", "run_task"),
    "experiment_tasks": (".experiment", "tasks"),
    "experiment_as_data": (".experiment.results", "as_data"),
    "EXPERIMENT_MAX_ORDERS": (".experiment.spec", "MAX_ORDERS"),
    "EXPERIMENT_MAX_REPLICATIONS": (".experiment.spec", "MAX_REPLICATIONS"),
    **{name: (".classroom", name) for name in ("Fork", "OrderOutcome", "PairPath")},
    "class_forks": (".classroom", "forks"),
    "class_outcome_counts": (".classroom", "outcome_counts"),
    "class_pair_path": (".classroom", "pair_path"),
}

if TYPE_CHECKING:
    from .classroom import Fork, OrderOutcome, PairPath
    from .classroom import forks as class_forks
    from .classroom import outcome_counts as class_outcome_counts
    from .classroom import pair_path as class_pair_path
    from .demo import create_demo
    from .experiment import CHUNK_ORDERS as EXPERIMENT_CHUNK_ORDERS
    from .experiment import METRICS as EXPERIMENT_METRICS
    from .experiment import OUTCOMES as EXPERIMENT_OUTCOMES
    from .experiment import ArmResult, Experiment, ExperimentError
    from .experiment import Estimate as ExperimentEstimate
    from .experiment import Metric as ExperimentMetric
    from .experiment import Task as ExperimentTask
    from .experiment import collect as collect_experiment
    from .experiment import load as load_experiment
    from .experiment import run_task as run_experiment_task
    from .experiment import tasks as experiment_tasks
    from .experiment.results import as_data as experiment_as_data
    from .experiment.spec import MAX_ORDERS as EXPERIMENT_MAX_ORDERS
    from .experiment.spec import MAX_REPLICATIONS as EXPERIMENT_MAX_REPLICATIONS
    from .recording import LeftOut as RecordingLeftOut
    from .recording import Mark as RecordingMark
    from .recording import Plan as RecordingPlan
    from .recording import Recording, RecordingError, toml_string
    from .recording import free_name as free_file_name
    from .recording import mark as mark_recording
    from .recording import plan as plan_recording
    from .recording import write as write_recording
    from .recording import write_new as write_new_recording
    from .scenario import (
        ActionStep,
        AdvanceStep,
        CheckResult,
        ExpectStep,
        Player,
        Scenario,
        ScenarioError,
        StepResult,
        UndoStep,
        UntilStep,
    )
    from .scenario import Report as ScenarioReport
    from .scenario import Step as ScenarioStep
    from .scenario import load as load_scenario
    from .scenario import play as play_scenario


def __getattr__(name: str) -> Any:
    """A name of `_LAZY`: its module is imported now, once."""
    try:
        module, attribute = _LAZY[name]
    except KeyError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    value = getattr(import_module(module, __name__), attribute)
    globals()[name] = value
    return value


__all__ = [
    "ACTIONS", "Action", "BASE_STATUSES", "BranchOrigin", "Comparison", "DeadlineView", "EventView",
    "FieldSpec", "HistoryEntry", "InputError", "JournalEntry", "MessageView", "Option",
    "OrderDifference", "OrderFacts", "OrderView", "PARTIES", "Party", "PartyView", "REQUEST_STATES",
    "REQUEST_TYPES", "RcsimError", "Refusal", "RequestState", "RequestType", "RequestView",
    "RuleDifference", "Rules",
    "Simulation", "SimulationFileError", "Status", "Synced", "other_party",
    "parse_duration", "iso", "parse_iso", "to_datetime", "to_ts",
    "write_text_atomically", "BundledFileError", "BUNDLED_EXPERIMENTS", "BUNDLED_STORIES",
    "bundled_names", "bundled_path", "read_bundled_json", "read_bundled_text",
    "ADDABLE_STATUSES", "Quoting", "excerpt", "quoted", "FINAL_STATUSES", "seat_held",
    "ADJUSTABLE", "ANSWER_ACTIONS", "OPENING_ACTIONS", "RuleSpec", "load_policies", "policy_rules",
    "rule_spec", "rule_value", "with_changes", "real_path",
    *_LAZY,
]

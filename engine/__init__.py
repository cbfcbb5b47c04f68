"""rcsim's rule engine: the Fiverr Resolution Center's rules over a simulated clock, in TinyDB.

Pure: the standard library and tinydb (and msgspec, as a fast path for JSON, with the json module
as its fallback; filelock for the short lock around each write to a file that several processes
share); no UI toolkit, no OS clock, no sleeping, and no text catalogue: it speaks in
codes and parameters (a refusal also in plain English, engine/english.py), which the app (tui/)
puts into words.
"""

from .errors import InputError, RcsimError, Refusal, SimulationFileError
from .journal import JournalEntry
from .model import (
    BASE_STATUSES, PARTIES, REQUEST_STATES, REQUEST_TYPES, Action, Party, RequestState, RequestType,
    Status,
)
from .model import other as other_party
from .rules import ACTIONS, Rules
from .service import Simulation
from .views import (
    BranchOrigin, Comparison, DeadlineView, EventView, FieldSpec, HistoryEntry, MessageView,
    Option, OrderDifference, OrderFacts, OrderView, PartyView, RequestView, RuleDifference,
    Synced,
)
from .timeutil import parse_duration

__all__ = [
    "ACTIONS", "Action", "BASE_STATUSES", "BranchOrigin", "Comparison", "DeadlineView", "EventView",
    "FieldSpec", "HistoryEntry", "InputError", "JournalEntry", "MessageView", "Option",
    "OrderDifference", "OrderFacts", "OrderView", "PARTIES", "Party", "PartyView", "REQUEST_STATES",
    "REQUEST_TYPES", "RcsimError", "Refusal", "RequestState", "RequestType", "RequestView",
    "RuleDifference", "Rules",
    "Simulation", "SimulationFileError", "Status", "Synced", "other_party",
    "parse_duration",
]

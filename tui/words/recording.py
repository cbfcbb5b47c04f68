"""A recording in words: the comment lines of the written file, its default title and description, its errors.

The engine (`engine.recording`) works out what a recording holds and why orders are left out, as
codes; this module says it in the current language and asks the engine to write the file. No
Textual here: the command line and the tests use it as the app does.
"""

from __future__ import annotations

from rcsim.engine import (
    Recording,
    RecordingError,
    Simulation,
    iso,
    to_ts,
    toml_string,
)
from rcsim.engine import (
    RecordingLeftOut as LeftOut,
)
from rcsim.engine import (
    RecordingMark as Mark,
)
from rcsim.engine import (
    RecordingPlan as Plan,
)
from rcsim.engine import (
    plan_recording as plan,
)
from rcsim.engine import (
    write_recording as write,
)
from rcsim.tui.words.i18n import has, t


def reason_text(item: LeftOut) -> str:
    """Why an order was left out, in words ("already completed (final)")."""
    params = dict(item.params)
    if "status" in params:
        params["status"] = t(f"status_word.{params['status']}")
    if "request_type" in params:
        params["request_type"] = t(f"request_word.{params['request_type']}")
    return t(f"record.file.reason.{item.reason}", **params)


def head_lines(recorded: Plan) -> list[str]:
    """The comment lines at the top of the file: where the recording starts and ends, how to
    play it back, and which orders were left out and why."""
    start, end = iso(to_ts(recorded.start)), iso(to_ts(recorded.end))
    origin = t("record.file.origin_mark" if recorded.from_mark else "record.file.origin_created")
    lines = [t("record.file.head", origin=origin, start=start, end=end)]
    if recorded.mark is not None:
        lines.append(t("record.file.replayed", mark=iso(to_ts(recorded.mark))))
    lines.append(t("record.file.playback"))
    if recorded.left_out:
        lines.append(t("record.file.left_out", count=len(recorded.left_out)))
        lines.extend(t("record.file.left_out_item", order=toml_string(item.order),
                       reason=reason_text(item)) for item in recorded.left_out)
        if recorded.skipped_actions:
            lines.append(t("record.file.left_out_actions", count=recorded.skipped_actions))
    return lines


def record(sim: Simulation, since: Mark | None = None, *, title: str | None = None,
           description: str | None = None) -> Recording:
    """The scenario file that replays `sim` from its creation (or from the mark `since`), with
    its comments, title and description in the current language. Raises RecordingError."""
    recorded = plan(sim, since)
    if description is None:
        description = t("record.file.description", orders=len(recorded.orders),
                        actions=recorded.actions, start=iso(to_ts(recorded.start)),
                        end=iso(to_ts(recorded.end)))
    mark_note = None
    if recorded.mark is not None:
        mark_note = t("record.file.mark_note", at=iso(to_ts(recorded.mark)))
    return write(recorded, title=title or t("record.scenario_title"), description=description,
                 head=head_lines(recorded), before_expects=[t("record.file.final_state")],
                 mark_note=mark_note)


def error_text(error: RecordingError) -> str:
    """Why a simulation cannot be recorded, in words."""
    key = f"record.error.{error.code}"
    return t(key, **error.params) if has(key) else str(error)

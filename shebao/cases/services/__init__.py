"""Writes of cases. Re-exports the public services of `intake` and `flow`.

The sibling modules (`clock`, `review`) are imported as `shebao.cases.services.clock` etc.; add them
here when they land.
"""

from shebao.cases.services.flow import (
    TRANSITIONS,
    Move,
    can_move,
    case_approve_step,
    case_complete,
    case_reject,
    case_return,
    case_supplement,
    completes_at_once,
    current_step,
    item_steps,
)
from shebao.cases.services.intake import case_accept, materials_check, notice_issue, received_names
from shebao.cases.services.online import (
    online_accept,
    online_reject,
    online_return,
    online_submit,
    online_supplement,
)

__all__ = [
    "TRANSITIONS",
    "Move",
    "can_move",
    "case_accept",
    "case_approve_step",
    "case_complete",
    "case_reject",
    "case_return",
    "case_supplement",
    "completes_at_once",
    "current_step",
    "item_steps",
    "materials_check",
    "notice_issue",
    "online_accept",
    "online_reject",
    "online_return",
    "online_submit",
    "online_supplement",
    "received_names",
]

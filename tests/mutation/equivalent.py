"""The equivalent mutants of ``sample.py``: changes that cannot change what the library
does, each with the reason.  They are reported as equivalent and left out of the kill rate.

Keys are the mutants' ids (module, function, kind, before and after), which do not
depend on line numbers; ``sample.py`` says when a listed one no longer exists.

Imports: nothing.
"""

from __future__ import annotations

EQUIVALENT: dict[str, str] = {
    # -- bounds of memos: how many answers are kept, never what they are --------------
    "_engine/fit.py::<module>::constant::4096 => 4095": (
        "the bound of the deadline fits' memo: how many are kept, not what they are"
    ),
    "_engine/fit.py::<module>::constant::4096 => 4097": (
        "the bound of the deadline fits' memo: how many are kept, not what they are"
    ),
    "_time/calendar.py::<module>::constant::8192 => 8191": (
        "the bound of the day starts' memo: how many are kept, not what they are"
    ),
    "_time/calendar.py::<module>::constant::8192 => 8193": (
        "the bound of the day starts' memo: how many are kept, not what they are"
    ),
    # -- searches that cannot answer otherwise -----------------------------------------
    "_engine/search.py::place_call::compare::due < now => due <= now": (
        "when due == now the search from the due time is the one already made, and no"
        " inbound contact lies after now: nominal = at either way"
    ),
    "_engine/search.py::place_call::compare::due < contact.last_inbound < at"
    " => due <= contact.last_inbound < at": (
        "an inbound contact at the due time adds the due time again as a start"
    ),
    "_engine/search.py::place_call::compare::due < contact.last_inbound < at"
    " => due < contact.last_inbound <= at": (
        "an inbound contact at the landing instant is now (inbound <= now <= at): the"
        " search from it lands there, which the minimum already holds"
    ),
    "_time/intervals.py::OverlapTable.build::constant::1 => 0": (
        "intersecting the first part with itself again changes nothing"
    ),
    "_time/schedule.py::Schedule.next_open_search::compare::window.start <= clock"
    " < window.end => window.start < clock < window.end": (
        "the reference search's shortcut: at a window's start next_in_windows answers"
        " the instant itself too"
    ),
    "_time/schedule.py::Schedule.next_open_search::delete::if window.start <= clock"
    " < window.end: ... => pass": (
        "the reference search's shortcut: next_in_windows, over the windows without the"
        " holidays, answers the same for an open instant and a holiday"
    ),
    "_time/intervals.py::_shift::constant::0 => 1": (
        "an aware local datetime always has a UTC offset: the None branch is never taken"
    ),
    "_time/intervals.py::_shift::constant::0 => -1": (
        "an aware local datetime always has a UTC offset: the None branch is never taken"
    ),
    # -- constants only ever compared with themselves ----------------------------------
    "_time/zones.py::<module>::constant::1970 => 1969": (
        "instant() measures from _EPOCH only to compare instants: any fixed origin compares alike"
    ),
    "_time/zones.py::<module>::constant::1970 => 1971": (
        "instant() measures from _EPOCH only to compare instants: any fixed origin compares alike"
    ),
}

"""The progress line of a long build (kb.build.progress): nothing in a short
build, then at most one line per interval, saying which language, how many
pages of how many, read or written, and for how long."""

from __future__ import annotations

from kb.build.progress import Progress


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_nothing_in_the_first_interval_then_one_line_per_interval() -> None:
    clock = Clock()
    p = Progress(clock=clock, interval=3.0)
    p.start()
    clock.now += 2.9
    assert p.step("zh", "read", 10, 200) is None  # a preview's rebuild after a save says nothing
    clock.now += 0.2
    assert p.step("zh", "read", 11, 200) == "building: zh, 11/200 pages read (3 s)"
    clock.now += 1.0
    assert p.step("zh", "written", 5, 200) is None
    clock.now += 2.5
    assert p.step("en", "written", 6, 200) == "building: en, 6/200 pages written (7 s)"
    p.start()  # the next build starts again from its own beginning
    clock.now += 1.0
    assert p.step("zh", "read", 1, 200) is None


def test_an_interval_of_zero_reports_every_page() -> None:
    clock = Clock()
    p = Progress(clock=clock, interval=0.0)
    p.start()
    assert [p.step("zh", "read", i, 2) for i in (1, 2)] == [
        "building: zh, 1/2 pages read (0 s)",
        "building: zh, 2/2 pages read (0 s)",
    ]

"""An apply reads its kept plan's next batches in a thread while the batch before is written
(engine._read_ahead): same items in the same order, an error in the reading raised to the
writer, and the thread stopped and gone when the writer stops early."""

from __future__ import annotations

import threading

import pytest

from drive.imports import engine


def _reader_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "import-plan-reader"]


def test_items_come_in_order():
    assert list(engine._read_ahead(iter(range(50)), depth=2)) == list(range(50))
    assert _reader_threads() == []


def test_an_error_while_reading_reaches_the_writer():
    def items():
        yield 1
        raise ValueError("the plan ends early")

    read = engine._read_ahead(items())
    assert next(read) == 1
    with pytest.raises(ValueError, match="ends early"):
        next(read)
    assert _reader_threads() == []


def test_a_writer_that_stops_early_stops_the_reader():
    produced = []

    def items():
        for i in range(1000):
            produced.append(i)
            yield i

    read = engine._read_ahead(items(), depth=2)
    assert next(read) == 0
    read.close()
    assert _reader_threads() == []
    assert len(produced) <= 5  # never more than a few batches ahead

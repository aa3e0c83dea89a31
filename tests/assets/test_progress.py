"""Progress lines a person follows in long runs."""

import re

from assets.progress import Progress, chunked, resident_mib


def test_a_progress_line_tells_chunk_rate_time_left_and_memory():
    progress = Progress(None, "clean", total=30, chunks=3)
    line = progress.line(10)
    assert line.startswith("clean: chunk 1 of 3 committed, 10/30 articles (")
    assert "elapsed, about" in line and "left" in line
    resident = re.search(r"([\d,]+) MiB resident\)$", line)
    assert resident is not None, line
    assert int(resident.group(1).replace(",", "")) > 10  # an interpreter holds more than 10 MiB


def test_resident_memory_grows_with_what_the_process_holds():
    before = resident_mib()
    block = bytearray(64 * 2**20)
    block[:: 4096] = b"x" * len(block[:: 4096])  # touch every page
    assert resident_mib() - before > 48
    del block


def test_chunks_keep_order_and_size():
    assert chunked(list(range(5)), 2) == [[0, 1], [2, 3], [4]]
    assert chunked([], 3) == []

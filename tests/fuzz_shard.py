"""The deep fuzz run in seeded shards that say how far they are: one shard a core.

    .venv/bin/python tests/fuzz_shard.py SHARD EXAMPLES PROGRESS_FILE

runs the load-and-layout property of tests/test_fuzz.py (the loader, fmt's layout and its
idempotence) on EXAMPLES generated documents with the seed 20261207 + SHARD, writing the
count to PROGRESS_FILE every 500 examples and, at the end, "passed" or the failing example.
Two shards of 50,000 with different seeds are the 100,000-example run of docs/check.md on a
two-core machine; pytest's long profile does the same in one process, but says nothing until
it ends.
"""
from __future__ import annotations

import sys
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from hypothesis import given, seed, settings  # noqa: E402

import tests.test_fuzz as fuzz  # noqa: E402
from crmtool.load import load_schemas  # noqa: E402
from crmtool.load.repo import Repository  # noqa: E402


def main(shard: int, examples: int, progress: Path) -> int:
    schemas = load_schemas(Repository(fuzz.BASE))
    inner = fuzz.test_load_and_layout_never_raise_and_keep_data.hypothesis.inner_test  # type: ignore[attr-defined]
    count = 0
    start = time.monotonic()

    @seed(20261207 + shard)
    @settings(fuzz.FUZZ, max_examples=examples, database=None)
    @given(doc=fuzz.documents())
    def run(doc):
        nonlocal count
        inner(schemas, doc)
        count += 1
        if count % 500 == 0:
            progress.write_text(f"{count} {time.monotonic() - start:.0f}s\n")

    try:
        run()
    except Exception as error:  # the failing example is in the exception's notes
        traceback.print_exc()
        print("\n".join(getattr(error, "__notes__", [])))
        progress.write_text(f"{count} {time.monotonic() - start:.0f}s FAILED: {type(error).__name__}\n")
        return 1
    progress.write_text(f"{count} {time.monotonic() - start:.0f}s passed\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3])))

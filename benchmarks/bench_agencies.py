"""How fast prose leads are found: sentences per second of `find_lead_in_sentence`.

    .venv/bin/python benchmarks/bench_agencies.py [--sentences 20000]

A batch of a few hundred documents asks for a few tens of thousands of leads; the target is more than
1,000 sentences per second on one core. The sentences are the gold prose items of the test suite.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent.parent))

from normalizers.agency_prose import find_lead_in_sentence  # noqa: E402
from tests.test_agencies import GOLD_PROSE_LEADS, GOLD_PROSE_NO_LEAD  # noqa: E402

TARGET = 1000.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=20000)
    args = parser.parse_args()
    sentences = [s for s, _lead, _support in GOLD_PROSE_LEADS] + GOLD_PROSE_NO_LEAD
    find_lead_in_sentence(sentences[0])  # build the spaCy pipeline once
    start = time.perf_counter()
    count = 0
    while count < args.sentences:
        for sentence in sentences:
            find_lead_in_sentence(sentence)
        count += len(sentences)
    rate = count / (time.perf_counter() - start)
    print(f"find_lead_in_sentence: {rate:,.0f} sentences/s (target > {TARGET:,.0f})")


if __name__ == "__main__":
    main()

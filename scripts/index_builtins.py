"""Write scenarios/index.json: what `tutor list` shows of each built-in scenario, under the
file's digest (backprop_tutor/scenario/listing.py). Run it after changing a built-in file:

    python scripts/index_builtins.py

tests/test_listing.py fails while the index is not the one this writes."""

import json
from pathlib import Path

from backprop_tutor.scenario.listing import INDEX, make_index

FOLDER = Path(__file__).resolve().parents[1] / "scenarios"

if __name__ == "__main__":
    (FOLDER / INDEX).write_text(json.dumps(make_index(FOLDER), indent=1, ensure_ascii=False, sort_keys=True) + "\n",
                                encoding="utf-8")
    print(f"wrote {FOLDER / INDEX}")

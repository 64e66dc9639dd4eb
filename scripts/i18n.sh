#!/bin/sh
# The Vietnamese catalog: extract the messages, merge them into the .po, compile the .mo.
#   scripts/i18n.sh            extract + update + compile (after changing messages)
#   scripts/i18n.sh compile    compile only (after translating in the .po)
#   scripts/i18n.sh coverage   translated / total messages
# Needs Babel (pip install ".[test]"); the compiled .mo is committed and shipped in the wheel.
set -eu
cd "$(dirname "$0")/.."
PO=backprop_tutor/locale/vi/LC_MESSAGES/backprop_tutor.po
case "${1:-}" in
compile) ;;
coverage)
    exec python -c "import sys; from babel.messages.pofile import read_po
cat = read_po(open(sys.argv[1], 'rb'))
ids = [m for m in cat if m.id]
done = [m for m in ids if (all(m.string) if isinstance(m.id, tuple) else m.string) and not m.fuzzy]
print(f'{len(done)} / {len(ids)} messages translated ({100 * len(done) / max(len(ids), 1):.1f}%)')" "$PO" ;;
*)
    POT=$(mktemp)
    trap 'rm -f "$POT"' EXIT
    PYTHONPATH=scripts pybabel -q extract -F babel.cfg --no-location --sort-output -k sentence \
        --project backprop-tutor -o "$POT" backprop_tutor scenarios
    if [ -f "$PO" ]; then
        pybabel -q update -i "$POT" -o "$PO" -l vi -w 100 --no-fuzzy-matching --ignore-obsolete
    else
        pybabel init -i "$POT" -o "$PO" -l vi
    fi
    ;;
esac
# compiled by Babel's own writer: its compile command would read a "%" in a sentence
# ("75% train") as a %-format placeholder, and these messages are str.format templates
python - "$PO" <<'PY'
import sys
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

po = sys.argv[1]
with open(po, "rb") as f:
    catalog = read_po(f)
with open(po[:-3] + ".mo", "wb") as f:
    write_mo(f, catalog)
ids = [m for m in catalog if m.id]
print(f"{sum(1 for m in ids if m.string)} of {len(ids)} messages translated, compiled to {po[:-3]}.mo")
PY

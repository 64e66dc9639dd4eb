import sys

try:
    from .cli import main
except KeyboardInterrupt:  # Ctrl-C while the tutor is still starting
    sys.exit(130)

main()
